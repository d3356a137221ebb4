import {readFile} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import type {RunEvent} from '../../engine/report/events.js';
import {pb, workspace} from '../helpers/playbook-run.js';
import type {LabHost} from '../lab/lab.js';
import {diffSnapshots} from '../lab/upper-snapshot.js';
import {useLab} from '../lab/use-lab.js';

/*
 * pb itself, over real SSH with strict host key checking, on three disposable Debian hosts:
 * results on each host, idempotence, a --check that changes nothing and predicts the real run,
 * and an unreachable host that does not stop the others.
 */

const lab = useLab(test, {hosts: 3});

const playbook = `
- hosts: all
  tasks:
    - name: app directory
      file:
        path: /etc/pbdemo
        state: directory
        mode: "0750"
    - name: app config
      copy:
        dest: /etc/pbdemo/app.conf
        content: "host = {{ inventory_hostname }}\\n"
        mode: "0640"
    - name: link to the config
      file:
        path: /etc/pbdemo/current.conf
        src: app.conf
        state: link
    - name: kernel version
      command: uname -r
      register: kernel
      changed_when: false
      check_mode: false
    - name: forward packets, inside the first host only
      shell: |
        if [ "$(sysctl -n net.ipv4.ip_forward)" = 1 ]; then echo unchanged; else sysctl -qw net.ipv4.ip_forward=1 && echo changed; fi
      register: forward
      changed_when: forward.stdout == 'changed'
      when: inventory_hostname == first_host
`;

type HostResult = Extract<RunEvent, {kind: 'host-result'}>;

function run(dir: string, ...args: string[]): {code: number; results: HostResult[]; recap: Record<string, {changed: number; failed: number; unreachable: number; ok: number}>; stderr: string} {
	const result = pb(['run', join(dir, 'play.yml'), '-i', lab().inventoryPath, '--json', '-e', `first_host=${lab().hosts[0]!.name}`, ...args]);
	const events = result.stdout.trim().split('\n').filter(Boolean).map(line => JSON.parse(line) as RunEvent);
	const recap = events.find((event): event is Extract<RunEvent, {kind: 'recap'}> => event.kind === 'recap');
	return {code: result.code, results: events.filter((event): event is HostResult => event.kind === 'host-result'), recap: recap?.hosts ?? {}, stderr: result.stderr};
}

const changedTasks = (results: readonly HostResult[], host: string) => results.filter(result => result.host === host && result.status === 'changed').map(result => result.task);

test.serial('--check on a fresh host changes nothing there, and predicts what the real run then does; the real run does it on every host; a second run changes nothing', async t => {
	const dir = workspace({'play.yml': playbook});
	const [first, second, fresh] = lab().hosts as [LabHost, LabHost, LabHost];
	const machineForward = await readFile('/proc/sys/net/ipv4/ip_forward', 'utf8');

	const background = await lab().controlLoginChanges(fresh);
	const before = await lab().snapshotUpper(fresh);
	const check = run(dir, '--check', '--diff', '--limit', fresh.name);
	t.is(check.code, 0, check.stderr);
	t.deepEqual(diffSnapshots(before, await lab().snapshotUpper(fresh), background), {added: [], removed: [], changed: []});

	const real = run(dir);
	t.is(real.code, 0, real.stderr);
	t.deepEqual(changedTasks(check.results, fresh.name), changedTasks(real.results, fresh.name));
	t.deepEqual(changedTasks(real.results, fresh.name), ['app directory', 'app config', 'link to the config']);
	t.deepEqual(changedTasks(real.results, first.name), ['app directory', 'app config', 'link to the config', 'forward packets, inside the first host only']);

	for (const host of lab().hosts) {
		const state = await lab().ssh(host, 'stat -c "%a %F" /etc/pbdemo /etc/pbdemo/app.conf; readlink /etc/pbdemo/current.conf; cat /etc/pbdemo/current.conf; sysctl -n net.ipv4.ip_forward');
		t.is(state.exitCode, 0, state.stderr);
		t.is(state.stdout, `750 directory\n640 regular file\napp.conf\nhost = ${host.name}\n${host === first ? 1 : 0}\n`);
	}

	t.is(await readFile('/proc/sys/net/ipv4/ip_forward', 'utf8'), machineForward, 'the machine\'s own value must not change');
	const again = run(dir);
	t.is(again.code, 0, again.stderr);
	for (const host of [first, second, fresh]) {
		t.like(again.recap[host.name], {changed: 0, failed: 0});
	}
});

const commands = `
- hosts: all
  gather_facts: false
  tasks:
    - name: stdin
      command: cat
      args: {stdin: "from stdin"}
    - name: chdir
      command: pwd
      args: {chdir: /etc}
    - name: environment
      command: printenv PB_WORDS
      environment: {PB_WORDS: "two words"}
    - name: missing program
      command: no-such-program-pb
      ignore_errors: true
    - name: a read that leaves f set in the kept shell
      systemd: {name: ssh, state: started}
    - name: shell variables
      shell: echo "\${d:-unset} \${t:-unset} \${f:-unset}"
`;

test.serial('commands over the kept shell: stdin, chdir, environment and a missing program as alone; a shell script sees none of pb\'s variables', t => {
	const dir = workspace({'play.yml': commands});
	const result = run(dir, '--limit', lab().hosts[0]!.name);
	t.is(result.code, 0, result.stderr);
	const outputs = Object.fromEntries(result.results.map(each => [each.task, [each.result?.['rc'], each.result?.['stdout']]]));
	t.deepEqual(outputs, {
		stdin: [0, 'from stdin'],
		chdir: [0, '/etc'],
		environment: [0, 'two words'],
		'missing program': [127, ''],
		'a read that leaves f set in the kept shell': [undefined, undefined],
		'shell variables': [0, 'unset unset unset'],
	});
	t.regex(result.results.find(each => each.task === 'missing program')?.msg ?? '', /no-such-program-pb: not found/);
});

test.serial('a host whose network is cut is reported unreachable while the others finish', async t => {
	const dir = workspace({'play.yml': playbook});
	const cut = lab().hosts[1]!;
	await lab().cutNetwork(cut);
	try {
		const result = run(dir, '--timeout', '3');
		t.is(result.code, 4);
		t.like(result.recap[cut.name], {unreachable: 1, ok: 0});
		t.regex(result.results.find(event => event.host === cut.name)?.msg ?? '', new RegExp(`${cut.name}: cannot connect to root@${cut.address.replaceAll('.', '\\.')}:22`));
		for (const host of lab().hosts.filter(other => other !== cut)) {
			// Facts and four tasks; the fifth runs on the first host only.
			t.like(result.recap[host.name], {unreachable: 0, failed: 0, ok: host === lab().hosts[0] ? 6 : 5});
		}
	} finally {
		await lab().restoreNetwork(cut);
	}
});
