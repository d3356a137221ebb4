import {readdirSync, readFileSync, statSync} from 'node:fs';
import {join} from 'node:path';
import test from 'ava';
import {localInventory, runPlaybook, workspace} from '../helpers/playbook-run.js';

/** Every path under `dir` with its type, mode and content: what a run may have changed. */
function snapshot(dir: string): Record<string, string> {
	const entries: Record<string, string> = {};
	const walk = (path: string) => {
		for (const name of readdirSync(path)) {
			const full = join(path, name);
			const info = statSync(full);
			entries[full] = `${info.isDirectory() ? 'dir' : 'file'} ${(info.mode & 0o7777).toString(8)} ${info.isDirectory() ? '' : readFileSync(full, 'utf8')}`;
			if (info.isDirectory()) {
				walk(full);
			}
		}
	};

	walk(dir);
	return entries;
}

const procedure = `
- hosts: all
  vars:
    root: "{{ playbook_dir }}/target"
  tasks:
    - file:
        path: "{{ root }}/etc/app"
        state: directory
        mode: "0750"
    - copy:
        dest: "{{ root }}/etc/app/app.conf"
        content: "port = 8080\\n"
        mode: "0640"
      notify: reload
    - file:
        path: "{{ root }}/etc/app/current"
        src: app.conf
        state: link
    - stat:
        path: "{{ root }}/etc/app/app.conf"
      register: conf
    - assert:
        that: conf.stat.exists or ansible_check_mode
  handlers:
    - name: reload
      command: touch {{ root }}/reloaded
`;

test('--check on a fresh host changes nothing and predicts exactly what the real run then does; a second run changes nothing', async t => {
	const dir = workspace({hosts: localInventory('node1'), 'play.yml': procedure});
	const before = snapshot(dir);
	const check = await runPlaybook(dir, {check: true, diff: true});
	t.deepEqual(snapshot(dir), before);
	const predicted = check.results.filter(result => result.status === 'changed').map(result => result.task);
	t.is(check.recap.node1?.failed, 0);

	const real = await runPlaybook(dir);
	const done = real.results.filter(result => result.status === 'changed').map(result => result.task);
	// The handler is a command: check mode cannot predict it, and says so by skipping it.
	t.deepEqual(predicted, done.filter(task => task !== 'reload'));
	t.deepEqual(done, ['file', 'copy', 'file', 'reload']);
	t.is(check.results.find(result => result.task === 'reload')?.status, 'skipped');
	t.is(readFileSync(join(dir, 'target/etc/app/current'), 'utf8'), 'port = 8080\n');

	const again = await runPlaybook(dir);
	t.is(again.recap.node1?.changed, 0);
	t.false(again.results.some(result => result.task === 'reload'));
});

test('secrets from the inventory or -e appear in no event, whatever a task does with them', async t => {
	const dir = workspace({
		hosts: 'node1 ansible_connection=local ansible_become_password=hunter2-secret\n',
		'play.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - debug:
        var: ansible_become_password
    - command: echo {{ ansible_become_password }} {{ ansible_password }}
    - command: sh -c "echo {{ ansible_password }} >&2; exit 3"
`,
	});
	const run = await runPlaybook(dir, {verbosity: 3, diff: true, extraVars: {ansible_password: 'extra-pass-99'}});
	const text = JSON.stringify(run.events);
	t.false(text.includes('hunter2-secret'));
	t.false(text.includes('extra-pass-99'));
	t.true(text.includes('********'));
	t.is(run.recap.node1?.failed, 1);
});

test('a secret parameter\'s value (user\'s password) appears in no event once a task has it', async t => {
	const hash = '$6$Hl3qUAhmFXUYGSGu$yMbIhlMLCiO9g8MApwuuh6C2ut1E7ocUxkxqhmC.BXNhMgzXoc3kCS2kErQMrm8OhE8ZcPjuqZkgrH4MwZVbz.';
	const dir = workspace({
		hosts: 'node1 ansible_connection=local\n',
		'play.yml': `
- hosts: all
  gather_facts: false
  vars:
    deploy_hash: '${hash}'
  tasks:
    - user:
        name: pb-secret-test-user
        password: "{{ deploy_hash }}"
        create_home: false
    - debug:
        var: deploy_hash
`,
	});
	// Check mode: the user is only read and planned, this machine's accounts stay as they are.
	const run = await runPlaybook(dir, {check: true, diff: true, verbosity: 3});
	const text = JSON.stringify(run.events);
	t.false(text.includes(hash));
	t.true(run.printed.some(printed => printed.msg.includes('********')), JSON.stringify(run.printed));
	t.is(run.recap.node1?.changed, 1);
});
