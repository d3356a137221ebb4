import {spawnSync} from 'node:child_process';
import {mkdirSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import test from 'ava';
import {pb, workspace} from '../helpers/playbook-run.js';
import {startSshd, type TestSshd} from '../helpers/sshd.js';
import {pbOnTerminal} from '../helpers/terminal.js';
import {createTestUser, type TestUser} from '../helpers/test-user.js';

/*
 * An Ansible project as it is: its ansible.cfg names the inventory, the roles path, forks, the
 * remote user, the key and host key checking, and `pb run site.yml` in its folder needs no flag,
 * as `ansible-playbook site.yml` there does. Hosts: a real sshd on loopback, a throwaway user.
 */

let sshd: TestSshd;
let user: TestUser;

test.before(async () => {
	sshd = await startSshd();
	user = await createTestUser('cfg');
});

test.after.always(async () => {
	await sshd?.stop();
	await user?.remove();
});

function project(): string {
	const dir = workspace({
		'ansible.cfg': `[defaults]\ninventory = inventory/hosts\nroles_path = shared-roles\nforks = 2\nremote_user = ${user.name}\nprivate_key_file = ${sshd.userKeyFile}\nhost_key_checking = False\n\n[ssh_connection]\npipelining = True\n`,
		'site.yml': '- hosts: all\n  gather_facts: false\n  roles: [whoami]\n',
	});
	mkdirSync(join(dir, 'inventory'));
	writeFileSync(join(dir, 'inventory', 'hosts'), `[web]\nweb1 ansible_host=${sshd.address} ansible_port=${sshd.port}\nweb2 ansible_host=${sshd.address} ansible_port=${sshd.port}\n`);
	mkdirSync(join(dir, 'shared-roles', 'whoami', 'tasks'), {recursive: true});
	writeFileSync(join(dir, 'shared-roles', 'whoami', 'tasks', 'main.yml'), '- command: id -un\n  register: me\n  changed_when: false\n- debug: msg="logged in as {{ me.stdout }}"\n');
	return dir;
}

/** The debug messages of a --json run, by host. */
function said(stdout: string): Record<string, string> {
	const events = stdout.trim().split('\n').map(line => JSON.parse(line) as {kind: string; host?: string; msg?: string});
	return Object.fromEntries(events.filter(event => event.kind === 'debug').map(event => [event.host!, event.msg!]));
}

test('a project folder with an ansible.cfg runs with no flags, as ansible-playbook runs it there', t => {
	const dir = project();
	const env = {ANSIBLE_CONFIG: '', HOME: dir};
	const run = pb(['run', 'site.yml', '--json'], dir, env);
	t.is(run.code, 0, run.stderr);
	const expected = `logged in as ${user.name}`;
	t.deepEqual(said(run.stdout), {web1: expected, web2: expected});
	// No ControlPersist: its lingering session would keep the test user from being removed.
	const ansible = spawnSync('ansible-playbook', ['site.yml'], {cwd: dir, encoding: 'utf8', env: {...process.env, ...env, ANSIBLE_NOCOLOR: '1', ANSIBLE_SSH_ARGS: '-o ControlMaster=no'}});
	t.is(ansible.status, 0, ansible.stdout + ansible.stderr);
	t.is(ansible.stdout.match(new RegExp(`"msg": "${expected}"`, 'g'))?.length, 2, ansible.stdout);
});

test('pb config dump says where each setting came from, and which keys pb ignores; the environment wins over the file', t => {
	const dir = project();
	const dump = pb(['config', 'dump', '--only-changed'], dir, {ANSIBLE_CONFIG: '', HOME: dir, ANSIBLE_FORKS: '3'});
	t.is(dump.code, 0, dump.stderr);
	const cfg = join(dir, 'ansible.cfg');
	t.deepEqual(dump.stdout.trim().split('\n'), [
		`DEFAULT_HOST_LIST(${cfg}) = ['${join(dir, 'inventory', 'hosts')}']`,
		'DEFAULT_FORKS(env: ANSIBLE_FORKS) = 3  # Ansible\'s default is 5; pb runs 50 hosts at once unless told otherwise',
		`DEFAULT_REMOTE_USER(${cfg}) = ${user.name}`,
		`DEFAULT_PRIVATE_KEY_FILE(${cfg}) = ${sshd.userKeyFile}`,
		`HOST_KEY_CHECKING(${cfg}) = False`,
		'ignored: ssh_connection.pipelining = True  # pb sends each task\'s script over its one connection already',
	]);
	const asRoot = pb(['run', 'site.yml', '--json', '--limit', 'web1'], dir, {ANSIBLE_CONFIG: '', HOME: dir, ANSIBLE_REMOTE_USER: 'root'});
	t.deepEqual(said(asRoot.stdout), {web1: 'logged in as root'}, asRoot.stderr);
	const flagged = pb(['run', 'site.yml', '--json', '--limit', 'web1', '-u', user.name], dir, {ANSIBLE_CONFIG: '', HOME: dir, ANSIBLE_REMOTE_USER: 'root'});
	t.deepEqual(said(flagged.stdout), {web1: `logged in as ${user.name}`}, 'the command line wins over the environment');
});

test('gathering = explicit gathers facts only where a play asks for them', t => {
	const dir = workspace({
		'ansible.cfg': '[defaults]\ngathering = explicit\ninventory = hosts\n',
		hosts: 'node1 ansible_connection=local\n',
		'site.yml': `${['', '  gather_facts: true\n'].map(gather => `- hosts: all\n${gather}  tasks:\n    - debug: msg="{{ 'facts' if ansible_facts else 'none' }}"\n`).join('')}`,
	});
	const run = pb(['run', 'site.yml', '--json'], dir, {ANSIBLE_CONFIG: '', HOME: dir});
	t.is(run.code, 0, run.stderr);
	const events = run.stdout.trim().split('\n').map(line => JSON.parse(line) as {kind: string; task?: string; msg?: string});
	t.deepEqual(events.filter(event => event.kind === 'debug').map(event => event.msg), ['none', 'facts']);
});

test('-k asks for the SSH password on the terminal, and pb logs in with it where the inventory gives no key', async t => {
	const dir = workspace({
		hosts: `web1 ansible_host=${sshd.address} ansible_port=${sshd.port} ansible_user=${user.name} ansible_ssh_known_hosts_file=${join(sshd.dir, 'known_hosts-k')}\n`,
		'site.yml': '- hosts: all\n  gather_facts: false\n  tasks:\n    - command: id -un\n      register: me\n      changed_when: false\n    - debug: msg="logged in as {{ me.stdout }}"\n',
	});
	writeFileSync(join(sshd.dir, 'known_hosts-k'), `${sshd.knownHostsLine}\n`);
	const asked = await pbOnTerminal(['run', join(dir, 'site.yml'), '-i', join(dir, 'hosts'), '-k'], 'SSH password: ', [`${user.password}\r`]);
	t.is(asked.code, 0, asked.output);
	t.true(asked.output.startsWith('SSH password: '), asked.output);
	t.regex(asked.output, new RegExp(`logged in as ${user.name}`));
	t.false(asked.output.includes(user.password), 'neither echoed nor printed');
});
