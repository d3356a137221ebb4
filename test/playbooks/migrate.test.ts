import test, {type ExecutionContext} from 'ava';
import {criSocketAnnotation, dockershimKubeadmFlags, type KubectlCall, kubectlCalls, setUpDockershimCluster} from '../lab/dockershim-cluster.js';
import {findArtifact} from '../lab/fixtures/artifacts.js';
import type {LabHost} from '../lab/lab.js';
import {commandNotPredicted, mispredictions} from './helpers/check-predicts-run.js';
import {inventoryWithGroups} from './helpers/inventory.js';
import {type PlaybookRun, usePlaybookLab} from './helpers/playbook-lab.js';
import {unitRun} from './helpers/units.js';

/*
 * playbooks/migrate.yml on 3 lab hosts that run a Kubernetes cluster on Docker, made of the lab's
 * stand-ins (test/lab/dockershim-cluster.ts): dockerd under docker.socket, a kubelet 1.23 on its
 * dockershim on every host, kubectl on the control-plane host (the first), which records every
 * call. The kubelet is Ready only while the runtime its flags name answers, so "Ready on
 * containerd" is the move done, not a file the playbook wrote.
 */

const {lab, play, served, sh, snapshotAll, assertUnchanged} = usePlaybookLab(test, {hosts: 3});
const hosts = () => lab().hosts;
const controlPlane = () => hosts()[0]!;
const names = () => hosts().map(host => host.name);
const noneChanged = () => Object.fromEntries(names().map(name => [name, 0]));
const inventory = async () => inventoryWithGroups(lab(), {etcd: [names()[0]!], control_plane: [names()[0]!], worker: names().slice(1)});
const containerdReported = () => `containerd://${findArtifact(served().artifacts, 'containerd').version}~ds1`;
const containerdSocket = 'unix:///run/containerd/containerd.sock';

/**
 * A cluster on Docker: dockerd and a kubelet on dockershim on every host, kubectl on the first.
 * Made by the tests (the mirror it is installed from is served by a before hook that runs beside
 * any other); `reset`: every host as the lab first started it, first.
 */
async function clusterOnDocker(reset: 'reset hosts' | 'fresh hosts'): Promise<void> {
	if (reset === 'reset hosts') {
		await Promise.all(hosts().map(async host => lab().resetHost(host)));
	}

	await setUpDockershimCluster(lab(), served().mirror, served().artifacts, hosts());
}

/** `Ready-status,runtime` of each node, as kubectl on the control plane reports it. */
async function nodesSeen(t: ExecutionContext): Promise<string[]> {
	return Promise.all(names().map(async name => sh(t, controlPlane(), `kubectl get node ${name} -o jsonpath='{.status.conditions[?(@.type=="Ready")].status},{.status.nodeInfo.containerRuntimeVersion},{.spec.unschedulable}'`)));
}

/** The calls that changed the cluster (not the reads), as `command node`. */
const changes = (calls: readonly KubectlCall[]) => calls.filter(call => !call.command.startsWith('get')).map(call => `${call.command} ${call.args[0] === 'node' ? call.args[1] : call.args[0]}`);

/** Each node's procedure, one after the other: what kubectl is asked per node, in order. */
const oneAtATime = (nodes: readonly string[]) => nodes.flatMap(name => [`cordon ${name}`, `drain ${name}`, `annotate ${name}`, `uncordon ${name}`]);

/** Docker stopped and disabled on the host, its data kept or removed. */
async function dockerStopped(t: ExecutionContext, host: LabHost, data: 'kept' | 'removed'): Promise<void> {
	for (const unit of ['docker.service', 'docker.socket']) {
		t.like(await unitRun(t, sh, host, unit), {activeState: 'inactive', unitFileState: 'disabled'}, `${host.name} ${unit}`);
	}

	t.is(await sh(t, host, 'cat /var/lib/docker/image/overlay2/repositories.json 2>/dev/null || echo removed'), data === 'kept' ? '{"Repositories": {}}' : 'removed\n', `${host.name}: Docker's data ${data}`);
	t.is(await sh(t, host, 'test -x /usr/bin/dockerd && echo kept'), 'kept\n', `${host.name}: Docker's programs kept`);
}

function failedHosts(run: PlaybookRun): string[] {
	return [...new Set(run.results.filter(result => result.status === 'failed').map(result => result.host))];
}

test.serial('--check shows each node\'s whole move and changes nothing; the run moves them to containerd one at a time; a re-run changes nothing', async t => {
	t.timeout(20 * 60_000);
	await clusterOnDocker('fresh hosts');
	const migrateInventory = await inventory();
	const snapshots = await snapshotAll();
	const check = await play('migrate.yml', ['--check', '--diff'], migrateInventory);
	t.is(check.code, 0, check.output);
	await assertUnchanged(t, snapshots);
	t.deepEqual(changes(await kubectlCalls(lab(), controlPlane())), [], '--check only read the cluster');
	for (const name of names()) {
		const planned = (task: string) => check.results.find(result => result.host === name && result.task === task);
		t.like(planned(`${name} cordoned`), {status: 'skipped', msg: commandNotPredicted});
		t.like(planned(`${name} drained (--ignore-daemonsets --delete-emptydir-data --timeout=10m)`), {status: 'skipped', msg: commandNotPredicted});
		t.like(planned('The kubelet stopped'), {status: 'changed'});
		t.like(planned('containerd : containerd enabled and started'), {status: 'changed'});
		t.like(planned(`The kubelet is pointed at ${containerdSocket}`), {status: 'changed'});
		t.regex(planned(`The kubelet is pointed at ${containerdSocket}`)?.diff?.map(diff => diff.after).join('') ?? '', /--container-runtime=remote --container-runtime-endpoint=unix:\/\/\/run\/containerd\/containerd\.sock"/);
		t.like(planned(`${name}'s cri-socket annotation is ${containerdSocket}`), {status: 'skipped', msg: commandNotPredicted});
		t.deepEqual(check.results.filter(result => result.host === name && result.task === 'Docker stopped and disabled (its data in /var/lib/docker kept)').map(result => [result.item, result.status]), [['docker.service', 'changed'], ['docker.socket', 'changed']]);
		t.like(planned(`${name} uncordoned`), {status: 'skipped', msg: commandNotPredicted});
	}

	const run = await play('migrate.yml', ['--diff'], migrateInventory);
	t.is(run.code, 0, run.output);
	t.deepEqual(mispredictions(check.results, run.results), []);
	const calls = await kubectlCalls(lab(), controlPlane());
	t.deepEqual(changes(calls), oneAtATime(names()), 'cordon, drain, annotate and uncordon for each node before the next is touched');
	t.deepEqual(calls.filter(call => call.command === 'drain').map(call => call.options), names().map(() => ({'--ignore-daemonsets': true, '--delete-emptydir-data': true, '--timeout': '10m'})));
	t.deepEqual(await nodesSeen(t), names().map(() => `True,${containerdReported()},`), 'every node Ready on containerd, and schedulable');
	for (const host of hosts()) {
		await dockerStopped(t, host, 'kept');
		t.is(await sh(t, host, 'cat /var/lib/kubelet/kubeadm-flags.env'), `${dockershimKubeadmFlags.slice(0, -1)} --container-runtime=remote --container-runtime-endpoint=${containerdSocket}"\n`);
		t.is(await sh(t, controlPlane(), `kubectl get node ${host.name} -o jsonpath='{.metadata.annotations.${criSocketAnnotation.replaceAll('.', '\\.')}}'`), containerdSocket);
	}

	const before = calls.length;
	const again = await play('migrate.yml', [], migrateInventory);
	t.is(again.code, 0, again.output);
	t.deepEqual(again.changed, noneChanged());
	t.deepEqual(changes((await kubectlCalls(lab(), controlPlane())).slice(before)), [], 'no node cordoned or drained again');
});

test.serial('verify.yml shows each node\'s runtime as kubectl reports it beside what the node runs, and flags a disagreement', async t => {
	t.timeout(10 * 60_000);
	const verifyInventory = await inventory();
	const table = async () => {
		const run = await play('verify.yml', [], verifyInventory);
		t.is(run.code, 0, run.output);
		t.deepEqual(run.changed, noneChanged());
		return run.results.find(result => result.task === 'The cluster\'s nodes')?.msg ?? run.output;
	};

	const agreed = await table();
	t.regex(agreed, /^NODE +ADDRESS +ARCH +OS IMAGE +CONTAINER RUNTIME +SOCKET +KUBECTL SAYS$/m);
	for (const host of hosts()) {
		t.regex(agreed, new RegExp(`^${host.name} .* ${containerdReported().replaceAll('.', '\\.')} +answers +${containerdReported().replaceAll('.', '\\.')}$`, 'm'));
	}

	// The kubelet on the last node pointed back at dockershim, while containerd runs there.
	const last = hosts()[2]!;
	await sh(t, last, `sed -i 's| --container-runtime=remote --container-runtime-endpoint=${containerdSocket}||' /var/lib/kubelet/kubeadm-flags.env && systemctl enable --quiet --now docker.socket docker.service && systemctl restart kubelet`);
	const disagreed = await table();
	t.regex(disagreed, new RegExp(`^${last.name} .* ${containerdReported().replaceAll('.', '\\.')} +answers +docker://20\\.10\\.24 +<- differs$`, 'm'));
	t.regex(disagreed, new RegExp(`^kubectl reports another runtime than the node runs on: ${last.name}$`, 'm'));
});

test.serial('a node whose new runtime never answers stops the rollout there: named, exit 2, the nodes after it untouched', async t => {
	t.timeout(20 * 60_000);
	await clusterOnDocker('reset hosts');
	const [first, broken, after] = hosts() as [LabHost, LabHost, LabHost];
	// containerd starts, but listens elsewhere than where the kubelet is pointed.
	await sh(t, broken, 'mkdir -p /etc/systemd/system/containerd.service.d && printf \'[Service]\\nExecStart=\\nExecStart=/usr/local/bin/containerd --address /run/containerd/elsewhere.sock\\n\' > /etc/systemd/system/containerd.service.d/elsewhere.conf');
	const untouched = await snapshotAll();
	const run = await play('migrate.yml', ['-e', 'ready_retries=3', '-e', 'ready_delay=1'], await inventory());
	t.is(run.code, 2, run.output);
	t.deepEqual(failedHosts(run), [broken.name]);
	t.true(run.output.includes(`${broken.name} did not come back Ready on containerd: after 3 tries 1 s apart, kubectl says Ready,runtime = 'False,docker://20.10.24'. The rollout stops here; the nodes after ${broken.name} are untouched.`), run.output);
	t.deepEqual(changes(await kubectlCalls(lab(), controlPlane())), [...oneAtATime([first.name]), `cordon ${broken.name}`, `drain ${broken.name}`, `annotate ${broken.name}`], `${broken.name} stays cordoned; ${after.name} is not cordoned`);
	t.deepEqual(await nodesSeen(t), [`True,${containerdReported()},`, 'False,docker://20.10.24,true', 'True,docker://20.10.24,']);
	t.false(run.results.some(result => result.host === after.name), `${after.name} was not even connected to`);
	await assertUnchanged(t, untouched.filter(snapshot => snapshot.host === after));
});

test.serial('the same cluster moves to CRI-O; with remove_docker=true, Docker\'s data goes too', async t => {
	t.timeout(20 * 60_000);
	await clusterOnDocker('reset hosts');
	const run = await play('migrate.yml', ['-e', 'container_manager=crio', '-e', 'remove_docker=true'], await inventory());
	t.is(run.code, 0, run.output);
	t.deepEqual(changes(await kubectlCalls(lab(), controlPlane())), oneAtATime(names()));
	t.deepEqual(await nodesSeen(t), names().map(() => `True,cri-o://${findArtifact(served().artifacts, 'crio').version},`));
	for (const host of hosts()) {
		await dockerStopped(t, host, 'removed');
		t.regex(await sh(t, host, 'cat /var/lib/kubelet/kubeadm-flags.env'), /--container-runtime=remote --container-runtime-endpoint=unix:\/\/\/var\/run\/crio\/crio\.sock"$/m);
	}
});
