import {writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {isDeepStrictEqual} from 'node:util';
import test from 'ava';
import {labRuns} from '../helpers/lab-runs.js';
import {workspace} from '../helpers/playbook-run.js';
import {recapText} from '../helpers/recap-text.js';
import type {LabHost} from '../lab/lab.js';
import type {UpperEntry} from '../lab/upper-snapshot.js';
import {useLab} from '../lab/use-lab.js';

/*
 * Past one controller, on 12 lab hosts: the playbook run once over all of them, then (the hosts
 * reset) as 4 slices in 4 concurrent processes. Each host ends with the same files, and
 * `pb report merge` of the 4 --json streams prints the single run's recap and exits with its code.
 */

const lab = useLab(test, {hosts: 12});
const {pb} = labRuns(lab);

// A mix for the recap to tell apart: changed, ok, skipped, and a failed host (the fifth) that stops early.
const playbook = `- hosts: lab
  gather_facts: false
  tasks:
    - name: a directory
      file: {path: /srv/pb-slice, state: directory, mode: "0750"}
    - name: a file naming the host
      copy: {dest: /srv/pb-slice/name, content: "{{ inventory_hostname }}\\n"}
    - name: the fifth host fails
      fail: {msg: the fifth host fails}
      when: inventory_hostname == groups['lab'][4]
    - name: a sysctl on every third host
      sysctl: {name: net.ipv4.ip_forward, value: "1", sysctl_file: /etc/sysctl.d/90-pb-slice.conf}
      when: inventory_hostname in groups['lab'][::3]
    - name: the same file again, unchanged
      copy: {dest: /srv/pb-slice/name, content: "{{ inventory_hostname }}\\n"}
`;

type State = Record<string, Omit<Extract<UpperEntry, {type: 'file'}>, 'mtimeMs'> | UpperEntry>;

/** What logins and boots write, which two runs write differently: login records, logind's private /tmp of each boot. */
const loginAndBootRecords = /^\/var\/log\/(?:wtmp|btmp|lastlog)$|^\/var\/tmp\/systemd-private-/;

/** What the host's upper dir holds, less login and boot records, and less the times (two runs write at different times). */
async function hostState(host: LabHost): Promise<State> {
	const state: State = {};
	for (const [path, entry] of await lab().snapshotUpper(host)) {
		if (!loginAndBootRecords.test(path)) {
			const {mtimeMs: _time, ...rest} = entry as Extract<UpperEntry, {type: 'file'}>;
			state[path] = entry.type === 'file' ? rest : entry;
		}
	}

	return state;
}

test.serial('4 slices in 4 processes leave the 12 hosts as one run does, and their merged recap and exit code are its own', async t => {
	t.timeout(15 * 60_000);
	const {hosts, inventoryPath} = lab();
	const dir = workspace({'site.yml': playbook});
	const states = async () => Promise.all(hosts.map(async host => hostState(host)));

	const single = await pb(['run', join(dir, 'site.yml'), '-i', inventoryPath]);
	t.is(single.code, 2, single.stdout + single.stderr);
	t.regex(single.stdout, /: ok=2 +changed=2 +unreachable=0 +failed=1 /, 'the fifth host failed');
	const afterSingle = await states();
	t.is(afterSingle[0]!['/srv/pb-slice/name']?.type, 'file', 'the run left its files');

	await Promise.all(hosts.map(async host => lab().resetHost(host)));
	t.deepEqual((await states()).map(state => state['/srv/pb-slice']), hosts.map(() => undefined), 'the reset forgot the run');

	const slices = await Promise.all([1, 2, 3, 4].map(async index => {
		const run = await pb(['run', join(dir, 'site.yml'), '-i', inventoryPath, '--slice', `${index}/4`, '--json']);
		const file = join(dir, `slice-${index}.json`);
		writeFileSync(file, run.stdout);
		return {file, run};
	}));
	t.deepEqual(slices.map(({run}) => run.code), [0, 2, 0, 0], slices.map(({run}) => run.stderr).join('\n'));
	for (const [index, {run}] of slices.entries()) {
		const recap = run.stdout.split('\n').filter(Boolean).map(line => JSON.parse(line) as {kind: string; hosts?: object}).find(event => event.kind === 'recap');
		t.deepEqual(Object.keys(recap?.hosts ?? {}), hosts.slice(index * 3, index * 3 + 3).map(host => host.name), `slice ${index + 1} ran its 3 hosts only`);
	}

	const afterSlices = await states();
	for (const [index, host] of hosts.entries()) {
		const [before, after] = [afterSingle[index]!, afterSlices[index]!];
		const differing = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter(path => !isDeepStrictEqual(before[path], after[path]));
		t.deepEqual(differing, [], `${host.name} as the single run left it`);
	}

	const merged = await pb(['report', 'merge', ...slices.map(({file}) => file)]);
	t.is(merged.code, single.code, merged.stderr);
	t.is(recapText(merged.stdout), recapText(single.stdout));
});
