import {join} from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import test from 'ava';
import {labRuns} from '../../helpers/lab-runs.js';
import {workspace} from '../../helpers/playbook-run.js';
import {useLab} from '../../lab/use-lab.js';

/*
 * wait_for, wait_for_connection and reboot on real Debian hosts, through pb's command line. The
 * waits change nothing themselves: what they wait for is made by a task in the background. A lab
 * host that reboots exits its nspawn, and the lab boots it again on its own root.
 */

const lab = useLab(test, {hosts: 2});
const {runJson, sh, snapshotAll, assertUnchanged, rejectsBeforeAnyHost} = labRuns(lab);

const waits = workspace({
	'waits.yml': `- hosts: lab
  gather_facts: false
  tasks:
    - name: a file that appears in two seconds
      shell: (sleep 2; echo 'version=1.27.3 ready' > /tmp/pb-ready) >/dev/null 2>&1 &
      changed_when: false
    - name: the file, and the version in it
      wait_for:
        path: /tmp/pb-ready
        search_regex: 'version=(?P<version>[\\d.]+) (\\w+)'
        timeout: 30
      register: ready
    - name: sshd's banner, from the host's side
      wait_for:
        port: 22
        search_regex: OpenSSH
        timeout: 30
      register: banner
    - name: a port nothing listens on is stopped
      wait_for:
        port: 8765
        state: stopped
        timeout: 10
    - name: and has no connections left
      wait_for:
        port: 22
        host: 0.0.0.0
        state: drained
        exclude_hosts: ['{{ ansible_host }}', 10.213.0.1]
        timeout: 10
    - name: the file goes in two seconds
      shell: (sleep 2; rm -f /tmp/pb-ready) >/dev/null 2>&1 &
      changed_when: false
    - name: the file is gone
      wait_for:
        path: /tmp/pb-ready
        state: absent
        timeout: 30
    - name: a file that never comes
      wait_for:
        path: /tmp/pb-never
        timeout: 2
      ignore_errors: true
      register: never
    - name: the host answers
      wait_for_connection:
        timeout: 60
    - name: what was registered
      when: not ansible_check_mode
      assert:
        that:
          - "ready.match_groupdict == {'version': '1.27.3'}"
          - ready.match_groups == ['1.27.3', 'ready']
          - ready.path == '/tmp/pb-ready' and ready.state == 'file' and ready.mode == '0644' and ready.elapsed >= 1
          - banner.port == 22 and banner.match_groups == []
          - never is failed and never.msg == 'Timeout when waiting for file /tmp/pb-never' and never.elapsed >= 2
`,
});

test.serial('wait_for and wait_for_connection: --check says what each would wait for and changes nothing; the runs wait, register what Ansible registers, and change nothing', async t => {
	t.timeout(5 * 60_000);
	const playbook = join(waits, 'waits.yml');
	const snapshots = await snapshotAll();
	const check = await runJson(playbook, '--check', '--diff');
	t.is(check.code, 0, check.output);
	await assertUnchanged(t, snapshots);
	const [first] = lab().hosts;
	const checked = (task: string) => check.reported.find(result => result.host === first!.name && result.task === task);
	t.like(checked('the file, and the version in it'), {status: 'skipped', msg: 'remote module (wait_for) does not support check mode: it would wait up to 30 s for /tmp/pb-ready to be present and match version=(?P<version>[\\d.]+) (\\w+)'});
	t.like(checked('a port nothing listens on is stopped'), {status: 'skipped', msg: 'remote module (wait_for) does not support check mode: it would wait up to 10 s for 127.0.0.1:8765 to stop accepting connections'});
	t.like(checked('the host answers'), {status: 'skipped', msg: 'wait_for_connection is skipped in check mode: it would wait up to 60 s for a connection to the host'});
	t.true(check.reported.every(result => result.status === 'skipped'), 'every task waits, reads or checks what the real run registers');

	for (const run of [1, 2]) {
		// eslint-disable-next-line no-await-in-loop
		const real = await runJson(playbook);
		t.is(real.code, 0, real.output);
		t.deepEqual(real.changed, Object.fromEntries(lab().hosts.map(host => [host.name, 0])), `run ${run}: waiting changes nothing`);
		const mine = (task: string) => real.reported.find(result => result.host === first!.name && result.task === task);
		t.like(mine('the file, and the version in it'), {status: 'ok', msg: 'waited for /tmp/pb-ready to be present and match version=(?P<version>[\\d.]+) (\\w+)'});
		t.like(mine('and has no connections left'), {status: 'ok', msg: 'waited for the active connections to 0.0.0.0:22 to drain'});
		t.like(mine('a file that never comes'), {status: 'failed', msg: 'Timeout when waiting for file /tmp/pb-never'});
		t.like(mine('the host answers'), {status: 'ok'});
		t.like(mine('what was registered'), {status: 'ok'});
	}
});

test.serial('wait_for: state drained waits while a connection to the port is open', async t => {
	t.timeout(3 * 60_000);
	const [host] = lab().hosts;
	// A connection from the host to its own sshd, held open for 15 seconds: pb has started well before it closes.
	await sh(t, host!, "(timeout 15 bash -c 'exec 3<>/dev/tcp/127.0.0.1/22; sleep 20') >/dev/null 2>&1 &");
	const dir = workspace({'drain.yml': `- hosts: ${host!.name}\n  gather_facts: false\n  tasks:\n    - wait_for: {port: 22, state: drained, timeout: 60}\n      register: drained\n    - assert: {that: [drained.elapsed >= 1]}\n`});
	const result = await runJson(join(dir, 'drain.yml'));
	t.is(result.code, 0, result.output);
});

test.serial('wait_for_connection waits for a host that cannot be reached when the run starts', async t => {
	t.timeout(3 * 60_000);
	const [, host] = lab().hosts;
	const dir = workspace({'reach.yml': `- hosts: ${host!.name}\n  gather_facts: false\n  tasks:\n    - wait_for_connection: {timeout: 120, connect_timeout: 2}\n      register: reached\n    - command: hostname\n      register: name\n    - assert: {that: [reached.elapsed >= 1, "name.stdout == '${host!.name}'"]}\n`});
	await lab().cutNetwork(host!);
	const running = runJson(join(dir, 'reach.yml'));
	await sleep(3000);
	await lab().restoreNetwork(host!);
	const result = await running;
	t.is(result.code, 0, result.output);
	t.deepEqual(result.reported.map(reported => reported.status), ['ok', 'changed', 'ok']);
});

const reboots = workspace({
	'reboot.yml': `- hosts: lab
  gather_facts: false
  tasks:
    - name: boot id before
      command: cat /proc/sys/kernel/random/boot_id
      register: before
      changed_when: false
      check_mode: false
    - name: reboot
      reboot:
        reboot_timeout: 120
        test_command: systemctl is-active ssh
      register: rebooted
    - name: the run goes on, on the host as it came back
      command: cat /proc/sys/kernel/random/boot_id
      register: after
      changed_when: false
      check_mode: false
    - name: a new boot
      assert:
        that:
          - rebooted.rebooted
          - rebooted.changed
          - ansible_check_mode or before.stdout != after.stdout
`,
});

test.serial('reboot: --check predicts the reboot and does nothing; the run reboots every host and goes on with it; a second run reboots again, as Ansible\'s reboot is always a change', async t => {
	t.timeout(8 * 60_000);
	const playbook = join(reboots, 'reboot.yml');
	const bootIds = async () => Promise.all(lab().hosts.map(async host => sh(t, host, 'cat /proc/sys/kernel/random/boot_id')));
	const snapshots = await snapshotAll();
	const bootedAs = await bootIds();
	const check = await runJson(playbook, '--check', '--diff');
	t.is(check.code, 0, check.output);
	await assertUnchanged(t, snapshots);
	t.deepEqual(await bootIds(), bootedAs, '--check rebooted nothing');
	t.deepEqual(check.reported.filter(result => result.task === 'reboot').map(result => result.status), ['changed', 'changed']);

	for (const run of [1, 2]) {
		const before = await bootIds();
		// eslint-disable-next-line no-await-in-loop
		const real = await runJson(playbook);
		t.is(real.code, 0, real.output);
		t.deepEqual(real.reported.map(result => [result.task, result.status]), check.reported.map(result => [result.task, result.status]), `run ${run}: as --check predicted`);
		t.deepEqual(real.changed, Object.fromEntries(lab().hosts.map(host => [host.name, 1])), `run ${run}: the reboot is the one change`);
		const after = await bootIds();
		t.true(after.every((id, position) => id !== before[position]), `run ${run}: every host booted again`);
	}
});

for (const [module, task, message] of [
	['wait_for', 'wait_for: {port: 22, path: /tmp/x}', 'port and path parameter can not both be passed to wait_for'],
	['wait_for_connection', 'wait_for_connection: {timeout: soon}', 'wait_for_connection: parameter \'timeout\' expects a int, got `"soon"` (string)'],
	['reboot', 'reboot: {reboot_timeout: 60, test: whoami}', 'reboot: unknown parameter \'test\''],
] as const) {
	test.serial(`${module}: a bad parameter is rejected with file:line before any host is contacted`, async t => {
		await rejectsBeforeAnyHost(t, `    - ${task}\n`, 4, message);
	});
}
