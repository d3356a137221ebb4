import test, {type ExecutionContext} from 'ava';
import {inventoryWithGroups} from './helpers/inventory.js';
import {usePlaybookLab} from './helpers/playbook-lab.js';
import {unitRun} from './helpers/units.js';

/*
 * playbooks/site.yml on 2 lab hosts: one runtime on every node, chosen by container_manager, then
 * KubeKey (the fixture kk, which records the cluster file it is given). A node that runs another
 * runtime is switched only when asked (replace_runtime=true): the other is stopped and disabled,
 * its files kept. The hosts are air-gapped nodes, as kubekey.yml and crio's make need a repository;
 * site-nodes.test.ts runs each runtime end to end on 3 of them.
 */

const {lab, play, sh, snapshotAll, assertUnchanged} = usePlaybookLab(test, {hosts: 2, airGapped: true});
const hosts = () => lab().hosts;
const names = () => hosts().map(host => host.name);
const roles = () => ({etcd: [names()[0]!], control_plane: [names()[0]!], worker: names()});
const noneChanged = () => Object.fromEntries(names().map(name => [name, 0]));

/** What kk was asked to build each time, on the kubekey node (the first control-plane host). */
async function kkContainerManagers(t: ExecutionContext): Promise<string[]> {
	const calls = JSON.parse(await sh(t, hosts()[0]!, 'cat /var/lib/kk-fixture/calls.json 2>/dev/null || echo []')) as Array<{cluster: {containerManager: string}}>;
	return calls.map(call => call.cluster.containerManager);
}

test.serial('an inventory asking for two runtimes is refused before anything changes', async t => {
	t.timeout(10 * 60_000);
	const mixed = await inventoryWithGroups(lab(), roles(), {[names()[1]!]: {container_manager: 'crio'}});
	const snapshots = await snapshotAll();
	const run = await play('site.yml', [], mixed);
	t.is(run.code, 2, run.output);
	t.true(run.output.includes(`container_manager must be the same on every node, and is not: ${names()[1]}=crio (set it once, in group_vars/all or with -e)`), run.output);
	t.deepEqual(run.changed, noneChanged());
	t.deepEqual([...new Set(run.results.map(result => result.task))], ['Gathering Facts', 'container_manager is one pb installs', 'The runtime this node is asked for', 'Every node is asked for the same runtime'], 'no task after the refusal ran');
	await assertUnchanged(t, snapshots);
});

test.serial('container_manager chooses the runtime every node gets, and the one kk is told of', async t => {
	t.timeout(15 * 60_000);
	const run = await play('site.yml', [], await inventoryWithGroups(lab(), roles()));
	t.is(run.code, 0, run.output);
	for (const host of hosts()) {
		t.like(await unitRun(t, sh, host, 'containerd'), {activeState: 'active', unitFileState: 'enabled'}, host.name);
		t.is(await sh(t, host, 'test -e /usr/local/bin/crio || test -e /usr/bin/isulad || echo neither'), 'neither\n');
	}

	t.deepEqual(await kkContainerManagers(t), ['containerd']);
});

test.serial('asking a containerd node for crio is refused with the way to do it, and changes nothing', async t => {
	t.timeout(10 * 60_000);
	const before = await Promise.all(hosts().map(async host => unitRun(t, sh, host, 'containerd')));
	const run = await play('site.yml', ['-e', 'container_manager=crio'], await inventoryWithGroups(lab(), roles()));
	t.is(run.code, 2, run.output);
	const refusal = 'this node runs containerd, and container_manager asks for crio. Switching a node\'s runtime leaves its containers behind; to do it, run again with -e replace_runtime=true (the other runtime is stopped and disabled, its files kept)';
	t.deepEqual(run.results.filter(result => result.status === 'failed').map(({host, msg}) => ({host, msg})), names().map(host => ({host, msg: refusal})));
	t.deepEqual(run.changed, noneChanged());
	t.deepEqual(await Promise.all(hosts().map(async host => unitRun(t, sh, host, 'containerd'))), before, 'containerd untouched');
	t.deepEqual(await kkContainerManagers(t), ['containerd'], 'kk not called');
});

test.serial('with replace_runtime=true, containerd is stopped and disabled and CRI-O takes over', async t => {
	t.timeout(15 * 60_000);
	const run = await play('site.yml', ['-e', 'container_manager=crio', '-e', 'replace_runtime=true'], await inventoryWithGroups(lab(), roles()));
	t.is(run.code, 0, run.output);
	for (const host of hosts()) {
		t.like(await unitRun(t, sh, host, 'containerd'), {activeState: 'inactive', unitFileState: 'disabled'}, host.name);
		t.like(await unitRun(t, sh, host, 'crio'), {activeState: 'active', unitFileState: 'enabled'}, host.name);
		t.regex(await sh(t, host, 'crictl version'), /^RuntimeName:\s+cri-o$/m, 'crictl now talks to CRI-O');
		t.is(await sh(t, host, 'test -x /usr/local/bin/containerd && test -f /etc/containerd/config.toml && echo kept'), 'kept\n', 'containerd\'s files are kept');
	}

	t.deepEqual(await kkContainerManagers(t), ['containerd', 'crio'], 'the cluster file changed: kk is called again, told of CRI-O');
});
