import test, {type ExecutionContext} from 'ava';
import {mispredictions, type PartlyPredicted, unpredictableTasks} from './helpers/check-predicts-run.js';
import {inventoryWithGroups} from './helpers/inventory.js';
import {type PlaybookRun, removedPackages, usePlaybookLab} from './helpers/playbook-lab.js';
import {unitRun} from './helpers/units.js';
import type {LabHost} from '../lab/lab.js';

/*
 * playbooks/site.yml end to end, once per runtime, on 3 nodes as an air-gapped site has them: the
 * lab's flat repository of Debian's own packages their only apt source, and make, socat and
 * conntrack removed. The hosts are of the lab's dnf flavour (Debian with dnf), which iSulad's rpm
 * needs; Ansible's pkg_mgr fact is still apt there, so Debian's packages come with apt. The hosts
 * are reset between runtimes.
 */

const {lab, play, checkThenRun, sh, resetHost, aptVersions} = usePlaybookLab(test, {hosts: 3, flavour: 'dnf', airGapped: true});
const hosts = () => lab().hosts;
const names = () => hosts().map(host => host.name);

/** What every node gets from its own repository (curl, openssl and tar the lab's base has already). */
const installed = ['socat', 'conntrack', 'ebtables', 'ipset', 'ipvsadm'] as const;
const prerequisites = 'node_packages : KubeKey\'s node prerequisites installed (apt)';
const kkCreate = 'kk create cluster';

interface Runtime {
	readonly unit: string;
	readonly crictl: RegExp;
	/** Tasks check mode predicts only in part, with the reason in the runtime's own test. */
	readonly partly: PartlyPredicted;
	readonly unpredictable: readonly string[];
}

const runtimes: Readonly<Record<string, Runtime>> = {
	containerd: {unit: 'containerd', crictl: /^RuntimeName:\s+containerd$/m, partly: {}, unpredictable: [kkCreate]},
	// The bundle's make install (a command) writes /etc/crictl.yaml before pb's template (crio.test.ts).
	crio: {unit: 'crio', crictl: /^RuntimeName:\s+cri-o$/m, partly: {'crictl : crictl talks to CRI-O': 'status'}, unpredictable: ['crio : CRI-O 1.34.0 installed (the bundle\'s make install)', kkCreate]},
	// The package ships daemon.json before pb's template rewrites it (isula.test.ts).
	isula: {unit: 'isulad', crictl: /^RuntimeName:\s+iSulad$/m, partly: {'isula : iSulad\'s configuration': 'status and message'}, unpredictable: [kkCreate]},
};

/** etcd and the control plane on the first node, every node a worker. */
async function inventory(): Promise<string> {
	const [first] = names();
	return inventoryWithGroups(lab(), {etcd: [first!], control_plane: [first!], worker: names()});
}

/** Which of `packages` dpkg has installed on the host. */
async function installedOf(t: ExecutionContext, host: LabHost, packages: readonly string[]): Promise<string[]> {
	const found = await sh(t, host, `for p in ${packages.join(' ')}; do dpkg-query -W -f='\${db:Status-Abbrev}' $p 2>/dev/null | grep -q '^ii' && echo $p; done; true`);
	return found.split('\n').filter(Boolean);
}

/** What kk was asked to build, each time, on the kubekey node (the first control-plane node). */
async function kkCalls(t: ExecutionContext): Promise<Array<{argv: string[]; valid: boolean; cluster: Record<string, unknown>}>> {
	return JSON.parse(await sh(t, hosts()[0]!, 'cat /var/lib/kk-fixture/calls.json')) as Array<{argv: string[]; valid: boolean; cluster: Record<string, unknown>}>;
}

/** The time service the lab's hosts lack is reported per node, before kk runs, and kk goes on. */
function assertWarnedBeforeKk(t: ExecutionContext, run: PlaybookRun): void {
	const events = run.events.flatMap(event => event.kind === 'host-result' ? [event] : []);
	const kk = events.findIndex(event => event.task === kkCreate);
	for (const name of names()) {
		const warning = events.findIndex(event => event.host === name && event.task === 'kubekey_node : What kk\'s precheck will show missing on this node');
		t.true(warning !== -1 && warning < kk, `${name}: warned before kk`);
		t.is(events[warning]?.msg, `${name} lacks a time service (chronyd, ntpd or systemd-timesyncd): kk create cluster (KubeKey 3.0.13) shows it and goes on`);
	}
}

for (const [runtime, {unit, crictl, partly, unpredictable}] of Object.entries(runtimes)) {
	test.serial(`site.yml with ${runtime}: --check predicts the run; the run installs the prerequisites on every node, runs ${runtime}, and calls kk once; a re-run changes nothing`, async t => {
		t.timeout(20 * 60_000);
		await Promise.all(hosts().map(resetHost));
		for (const host of hosts()) {
			t.deepEqual(await installedOf(t, host, [...removedPackages, ...installed]), [], `${host.name}: none of them before the run`);
		}

		const flags = ['-e', `container_manager=${runtime}`];
		const {check, real} = await checkThenRun(t, 'site.yml', flags, await inventory());
		t.deepEqual(mispredictions(check.results, real.results, partly), []);
		t.deepEqual(unpredictableTasks(check.results), unpredictable);

		// --check lists the packages each node would get, at the repository's versions.
		const versions = aptVersions();
		for (const name of names()) {
			const planned = check.results.find(result => result.host === name && result.task === prerequisites);
			t.is(planned?.status, 'changed', name);
			for (const pkg of installed) {
				t.true(planned?.msg.includes(`${pkg} ${versions[pkg]!}`), `${name}: ${pkg} in ${planned?.msg}`);
			}
		}

		assertWarnedBeforeKk(t, real);
		for (const host of hosts()) {
			t.deepEqual(await installedOf(t, host, [...installed, 'curl', 'openssl', 'tar']), [...installed, 'curl', 'openssl', 'tar'], host.name);
			t.like(await unitRun(t, sh, host, unit), {activeState: 'active', unitFileState: 'enabled'}, host.name);
			t.regex(await sh(t, host, 'crictl version'), crictl, host.name);
		}

		if (runtime === 'crio') {
			for (const host of hosts()) {
				t.deepEqual(await installedOf(t, host, ['make']), ['make'], `${host.name}: CRI-O's role installed make from the node's repository`);
			}
		}

		const calls = await kkCalls(t);
		t.is(calls.length, 1);
		t.like(calls[0], {argv: ['create', 'cluster', '-f', 'cluster.yaml', '--with-kubesphere', 'v3.4.1', '-y'], valid: true});
		t.like(calls[0]!.cluster, {containerManager: runtime});
		t.deepEqual((calls[0]!.cluster['hosts'] as Array<{name: string; address: string}>).map(({name, address}) => ({name, address})), hosts().map(({name, address}) => ({name, address})));
		t.deepEqual(calls[0]!.cluster['roleGroups'], {'etcd': [names()[0]], 'control-plane': [names()[0]], 'worker': names()});

		const again = await play('site.yml', flags, await inventory());
		t.is(again.code, 0, again.output);
		t.deepEqual(again.changed, Object.fromEntries(names().map(name => [name, 0])));
		t.is((await kkCalls(t)).length, 1, 'kk is not called again');
	});
}
