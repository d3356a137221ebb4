import test, {type ExecutionContext} from 'ava';
import {changedTasks, mispredictions, unpredictableTasks} from './helpers/check-predicts-run.js';
import {inventoryWithGroups} from './helpers/inventory.js';
import {usePlaybookLab} from './helpers/playbook-lab.js';

/*
 * playbooks/kubekey.yml on 2 fresh lab hosts with the fixture kk, which checks the cluster file it
 * is given as kk does and records every `kk create cluster` in /var/lib/kk-fixture/calls.json.
 * The inventory is the lab's plus KubeKey's role groups; container_manager is not the default, so
 * the cluster file is seen to take the runtime from it. The hosts are air-gapped nodes (the lab's
 * apt repository their only source), where every node gets KubeKey's prerequisites before kk.
 */

const {lab, play, checkThenRun, sh} = usePlaybookLab(test, {hosts: 2, airGapped: true, extraVars: ['container_manager=crio']});
let inventory = '';
const hosts = () => lab().hosts;

interface KkCall {
	readonly argv: string[];
	readonly cwd: string;
	readonly valid: boolean;
	readonly errors: string[];
	readonly cluster: Record<string, unknown>;
}

async function kkCalls(t: ExecutionContext): Promise<KkCall[]> {
	return JSON.parse(await sh(t, hosts()[0]!, 'cat /var/lib/kk-fixture/calls.json')) as KkCall[];
}

/** The lab's inventory with KubeKey's role groups; written once (the lab starts in a hook of its own). */
async function groupedInventory(): Promise<string> {
	const [first, second] = hosts().map(host => host.name);
	inventory ||= await inventoryWithGroups(lab(), {etcd: [first!], control_plane: [first!], worker: [first!, second!]});
	return inventory;
}

test.serial('an inventory without KubeKey\'s role groups is refused, naming them', async t => {
	t.timeout(5 * 60_000);
	const run = await play('kubekey.yml', []);
	t.is(run.code, 2, run.output);
	t.true(run.output.includes('kubekey.yml needs the inventory groups etcd, control_plane and worker (KubeKey\'s role groups), each with at least one host'), run.output);
	t.deepEqual(run.changed, Object.fromEntries(hosts().map(host => [host.name, 0])));
});

test.serial('--check --diff lists every change; kk gets a cluster file of this inventory, once, on the first control-plane node', async t => {
	t.timeout(15 * 60_000);
	const {check, real} = await checkThenRun(t, 'kubekey.yml', [], await groupedInventory());
	t.deepEqual(mispredictions(check.results, real.results), []);
	t.deepEqual(unpredictableTasks(check.results), ['kk create cluster'], 'kk itself cannot be predicted');
	const [first, second] = hosts();
	const calls = await kkCalls(t);
	t.is(calls.length, 1);
	t.like(calls[0], {argv: ['create', 'cluster', '-f', 'cluster.yaml', '--with-kubesphere', 'v3.4.1', '-y'], cwd: '/root/kubekey', valid: true, errors: []});
	const node = (host: typeof first) => ({name: host!.name, address: host!.address, internalAddress: host!.address, port: 22, user: 'root', privateKeyPath: '/root/.ssh/id_rsa', arch: 'amd64'});
	t.deepEqual(calls[0]!.cluster['hosts'], [node(first), node(second)]);
	t.deepEqual(calls[0]!.cluster['roleGroups'], {'etcd': [first!.name], 'control-plane': [first!.name], 'worker': [first!.name, second!.name]});
	t.like(calls[0]!.cluster, {apiVersion: 'kubekey.kubesphere.io/v1alpha2', containerManager: 'crio', kubernetesVersion: 'v1.33.4'});
	t.is(await sh(t, second!, 'test -e /usr/local/bin/kk || test -e /var/lib/kk-fixture || echo none'), 'none\n', 'kk is not even installed on the other node');
});

test.serial('a re-run with the same cluster file changes nothing and does not call kk again', async t => {
	t.timeout(10 * 60_000);
	const again = await play('kubekey.yml', [], await groupedInventory());
	t.is(again.code, 0, again.output);
	t.deepEqual(again.changed, Object.fromEntries(hosts().map(host => [host.name, 0])));
	t.is((await kkCalls(t)).length, 1);
});

test.serial('with set_hostname=true, a node named otherwise takes its inventory name; a swap line in fstab is commented out; kk is not called again', async t => {
	t.timeout(10 * 60_000);
	const [, second] = hosts();
	await sh(t, second!, 'hostnamectl set-hostname not-its-inventory-name && echo "/swapfile none swap sw 0 0" >> /etc/fstab');
	const run = await play('kubekey.yml', ['-e', 'set_hostname=true'], await groupedInventory());
	t.is(run.code, 0, run.output);
	t.deepEqual(run.changed, {[hosts()[0]!.name]: 0, [second!.name]: 2});
	t.deepEqual(changedTasks(run.results, second!.name), ['kubekey_node : No swap at boot (fstab\'s swap lines commented out)', 'kubekey_node : The node\'s hostname is its inventory name']);
	t.is(await sh(t, second!, 'hostname'), `${second!.name}\n`);
	t.is(await sh(t, second!, 'grep swap /etc/fstab'), '# /swapfile none swap sw 0 0\n');
	t.is((await kkCalls(t)).length, 1);
});

test.serial('a node without a command kk requires stops the run before kk, with one message naming the node and what it lacks', async t => {
	t.timeout(10 * 60_000);
	const [, second] = hosts();
	await sh(t, second!, 'dpkg -r socat');
	// A site's own list that leaves socat out: nothing installs it again.
	const withoutSocat = {packages: {Debian: ['conntrack']}, commands: ['conntrack'], kk_stops_without: ['sudo', 'conntrack', 'socat'], kk_looks_for: ['ipvsadm']};
	const run = await play('kubekey.yml', ['-e', JSON.stringify({kubekey_node_prerequisites: {'3.0': withoutSocat}})], await groupedInventory());
	t.is(run.code, 2, run.output);
	t.deepEqual(run.results.filter(result => result.status === 'failed').map(({host, msg}) => ({host, msg})), [{
		host: second!.name,
		msg: `${second!.name} lacks socat, which kk create cluster (KubeKey 3.0.13) requires on every node: install them from the node's repositories. It also lacks a time service (chronyd, ntpd or systemd-timesyncd), which kk goes on without`,
	}]);
	t.false(run.results.some(result => result.task === 'kk create cluster'), 'kk did not run on the first node either');
	t.is((await kkCalls(t)).length, 1);
});
