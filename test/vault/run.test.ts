import {existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import test from 'ava';
import {localInventory, pb, workspace} from '../helpers/playbook-run.js';
import {ansible, ansibleVault} from './helpers/ansible-vault.js';

/*
 * A project whose secrets ansible-vault encrypted, run by pb on local hosts: every place a vars
 * file goes, whole files and inline values, two vault ids; no secret in any output.
 */

const secrets = {
	groupVars: 'group-vars-secret-1.1',
	hostVars: 'host-vars-inline-secret',
	varsFiles: 'vars-files-secret-1.2',
	includeVars: 'include-vars-secret',
	extraVars: 'extra-vars-file-secret',
	roleDefaults: 'role-defaults-secret',
};

const playbook = `- hosts: all
  gather_facts: false
  vars_files: [vaulted/vars-files.yml]
  roles: [keeper]
  tasks:
    - include_vars: vaulted/include-vars.yml
    - assert:
        that:
          - group_secret == '${secrets.groupVars}'
          - host_secret == '${secrets.hostVars}'
          - files_secret == '${secrets.varsFiles}'
          - included_secret == '${secrets.includeVars}'
          - extra_secret == '${secrets.extraVars}'
          - role_secret == '${secrets.roleDefaults}'
    - debug: msg="group {{ group_secret }} host {{ host_secret }} files {{ files_secret }}"
    - debug: var=included_secret
    - copy:
        dest: "{{ out }}/secret.txt"
        content: "token={{ extra_secret }} role={{ role_secret }}\\n"
`;

/** The project, its files encrypted by ansible-vault with the ids default (pw) and dev (dev-pw). */
function vaultedProject(): string {
	const dir = workspace({
		'pw': 'default-password\n',
		'dev-pw': 'dev-password\n',
		'hosts': localInventory('node1'),
		'play.yml': playbook,
		'group_vars/all.yml': `group_secret: ${secrets.groupVars}\n`,
		'vaulted/vars-files.yml': `files_secret: ${secrets.varsFiles}\n`,
		'vaulted/include-vars.yml': `included_secret: ${secrets.includeVars}\n`,
		'vaulted/extra.yml': `extra_secret: ${secrets.extraVars}\n`,
		'roles/keeper/defaults/main.yml': `role_secret: ${secrets.roleDefaults}\n`,
		'roles/keeper/tasks/main.yml': '- debug: msg="role {{ role_secret }}"\n',
	});
	ansibleVault(['encrypt', '--vault-password-file', 'pw', 'group_vars/all.yml', 'vaulted/include-vars.yml', 'roles/keeper/defaults/main.yml'], dir);
	ansibleVault(['encrypt', '--vault-id', 'dev@dev-pw', 'vaulted/vars-files.yml', 'vaulted/extra.yml'], dir);
	const inline = ansibleVault(['encrypt_string', '--vault-id', 'dev@dev-pw', '--name', 'host_secret', secrets.hostVars], dir);
	mkdirSync(join(dir, 'host_vars'));
	writeFileSync(join(dir, 'host_vars/node1.yml'), `out: ${dir}\n${inline}`);
	return dir;
}

const vaultFlags = ['--vault-id', 'default@pw', '--vault-id', 'dev@dev-pw', '-e', '@vaulted/extra.yml'];

const leaked = (output: string) => Object.values(secrets).filter(secret => output.includes(secret));

test('every vaulted place is read with two vault ids, and no secret shows at -vvv', t => {
	const dir = vaultedProject();
	const run = pb(['run', '-i', 'hosts', 'play.yml', '-vvv', ...vaultFlags], dir);
	t.is(run.code, 0, run.stdout + run.stderr);
	t.regex(run.stdout, /node1 +: ok=6 +changed=1 /);
	t.true(run.stdout.includes('group ******** host ******** files ********'), run.stdout);
	t.deepEqual(leaked(run.stdout + run.stderr), []);
	t.is(readFileSync(join(dir, 'secret.txt'), 'utf8'), `token=${secrets.extraVars} role=${secrets.roleDefaults}\n`);
});

test('no secret shows in --json, nor in --diff, where the file\'s new content is masked', t => {
	const dir = vaultedProject();
	const json = pb(['run', '-i', 'hosts', 'play.yml', '--json', '--check', ...vaultFlags], dir);
	t.is(json.code, 0, json.stdout + json.stderr);
	t.true(json.stdout.split('\n').filter(Boolean).every(line => JSON.parse(line) !== undefined));
	t.true(json.stdout.includes('********'));
	t.deepEqual(leaked(json.stdout + json.stderr), []);
	const diff = pb(['run', '-i', 'hosts', 'play.yml', '--diff', '-vvv', ...vaultFlags], dir);
	t.is(diff.code, 0, diff.stdout + diff.stderr);
	t.true(diff.stdout.includes('+token=******** role=********'), diff.stdout);
	t.deepEqual(leaked(diff.stdout + diff.stderr), []);
});

test('a wrong vault password stops the run before any host, as ansible-playbook stops it, with its exit code', t => {
	const dir = vaultedProject();
	writeFileSync(join(dir, 'wrong-pw'), 'not-the-password\n');
	writeFileSync(join(dir, 'marked.yml'), `- hosts: all\n  gather_facts: false\n  tasks:\n    - file: path={{ out }}/touched state=touch\n${playbook}`);
	const args = ['-i', 'hosts', 'marked.yml', '--vault-id', 'default@wrong-pw', '--vault-id', 'dev@dev-pw'];
	const ansibleCode = ansibleExitCode(args, dir);
	t.false(existsSync(join(dir, 'touched')));
	const run = pb(['run', ...args], dir);
	t.is(run.code, ansibleCode);
	t.is(run.code, 1);
	t.true(run.stderr.startsWith(`ERROR! cannot decrypt group_vars/all.yml: no vault password given opens it (tried vault ids default, dev)\n`), run.stderr);
	t.true(run.stderr.includes('check --vault-password-file, --vault-id and --ask-vault-pass'), run.stderr);
	t.false(existsSync(join(dir, 'touched')));
	t.deepEqual(leaked(run.stdout + run.stderr), []);
});

test('an inline value that no password opens is an error at its file:line:col, before any host', t => {
	const dir = vaultedProject();
	writeFileSync(join(dir, 'wrong-pw'), 'not-the-password\n');
	writeFileSync(join(dir, 'marked.yml'), `- hosts: all\n  gather_facts: false\n  tasks:\n    - file: path={{ out }}/touched state=touch\n${playbook}`);
	const run = pb(['run', '-i', 'hosts', 'marked.yml', '--vault-id', 'default@pw', '--vault-id', 'dev@wrong-pw'], dir);
	t.is(run.code, 1);
	t.true(run.stderr.startsWith(`ERROR! host_vars/node1.yml:2:14: cannot decrypt the vault-encrypted value`), run.stderr);
	t.false(existsSync(join(dir, 'touched')));
});

test('without a vault password, the error says what to pass', t => {
	const dir = vaultedProject();
	const run = pb(['run', '-i', 'hosts', 'play.yml'], dir);
	t.is(run.code, 1);
	t.true(run.stderr.startsWith(`ERROR! cannot decrypt group_vars/all.yml: no vault password was given\n`), run.stderr);
	t.true(run.stderr.includes('Pass the vault password with --vault-password-file FILE, --vault-id LABEL@FILE or --ask-vault-pass.'), run.stderr);
});

test('include_vars of a file no password opens fails that task\'s host, with ansible-playbook\'s exit code', t => {
	const dir = workspace({
		'pw': 'default-password\n',
		'wrong-pw': 'not-the-password\n',
		'hosts': localInventory('node1'),
		'play.yml': '- hosts: all\n  gather_facts: false\n  tasks:\n    - include_vars: vaulted.yml\n    - debug: var=included\n',
		'vaulted.yml': 'included: value\n',
	});
	ansibleVault(['encrypt', '--vault-password-file', 'pw', 'vaulted.yml'], dir);
	const args = ['-i', 'hosts', 'play.yml', '--vault-password-file', 'wrong-pw'];
	const run = pb(['run', ...args], dir);
	t.is(run.code, ansibleExitCode(args, dir));
	t.is(run.code, 2);
	t.regex(run.stdout, /fatal: \[node1\]: FAILED! .*=> cannot decrypt \S*vaulted\.yml: no vault password given opens it/);
	t.false(run.stdout.includes('included: value'));
});

function ansibleExitCode(args: readonly string[], cwd: string): number {
	try {
		ansible('ansible-playbook', args, cwd);
		return 0;
	} catch (error) {
		return Number(/exited with (\d+)/.exec((error as Error).message)?.[1]);
	}
}
