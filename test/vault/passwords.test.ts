import {chmodSync, existsSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import test from 'ava';
import {localInventory, pb, workspace} from '../helpers/playbook-run.js';
import {pbOnTerminal} from '../helpers/terminal.js';
import {ansibleVault} from './helpers/ansible-vault.js';

/* Where vault passwords come from: files, scripts, client scripts, the environment, the terminal. */

const play = `- hosts: all
  gather_facts: false
  tasks:
    - file: path={{ out }}/touched state=touch
    - debug: msg="the token is {{ token }}"
`;

/** A project whose vars file ansible-vault encrypted with `password` under vault id `label`. */
function project(password: string, label = 'default'): string {
	const dir = workspace({'hosts': localInventory('node1'), 'play.yml': play, 'secret.yml': 'token: opened-token\n', 'pw': `${password}\n`});
	writeFileSync(join(dir, 'hosts'), `node1 ansible_connection=local out=${dir}\n`);
	ansibleVault(['encrypt', '--vault-id', `${label}@pw`, 'secret.yml'], dir);
	return dir;
}

function script(dir: string, name: string, body: string): string {
	const file = join(dir, name);
	writeFileSync(file, `#!/bin/sh\n${body}\n`);
	chmodSync(file, 0o755);
	return file;
}

const runArgs = (dir: string) => ['run', join(dir, 'play.yml'), '-i', join(dir, 'hosts'), '-e', `@${join(dir, 'secret.yml')}`];

test('--vault-password-file runs an executable file and takes its output', t => {
	const dir = project('scripted-password');
	const file = script(dir, 'password.sh', 'echo scripted-password');
	const run = pb([...runArgs(dir), '--vault-password-file', file], dir);
	t.is(run.code, 0, run.stdout + run.stderr);
	t.true(run.stdout.includes('the token is ********'), run.stdout);
	t.false(run.stdout.includes('opened-token'));
});

test('a client script is asked for the password of the vault id it is given', t => {
	const dir = project('dev-password', 'dev');
	// Prints the password only when asked with `--vault-id dev`, exits 2 (no such id) otherwise, as Ansible's client scripts do.
	const client = script(dir, 'keyring-client.sh', '[ "$1 $2" = "--vault-id dev" ] && echo dev-password && exit 0\necho "no secret for $2" >&2; exit 2');
	const unknown = pb([...runArgs(dir), '--vault-id', `prod@${client}`], dir);
	t.is(unknown.code, 1);
	t.true(unknown.stderr.startsWith(`ERROR! the vault password client script ${client} found no secret for vault id prod: no secret for prod\n`), unknown.stderr);
	t.false(existsSync(join(dir, 'touched')));
	const run = pb([...runArgs(dir), '--vault-id', `dev@${client}`], dir);
	t.is(run.code, 0, run.stdout + run.stderr);
	t.true(run.stdout.includes('the token is ********'), run.stdout);
});

test('ANSIBLE_VAULT_PASSWORD_FILE names the password file when no flag does', t => {
	const dir = project('env-password');
	const run = pb(runArgs(dir), dir, {ANSIBLE_VAULT_PASSWORD_FILE: join(dir, 'pw')});
	t.is(run.code, 0, run.stdout + run.stderr);
	t.true(run.stdout.includes('the token is ********'), run.stdout);
});

test('--ask-vault-pass asks on the terminal, without echo', async t => {
	const dir = project('typed-vault-password');
	const asked = await pbOnTerminal([...runArgs(dir), '--ask-vault-pass'], 'Vault password: ', ['typed-vault-password\r']);
	t.is(asked.code, 0, asked.output);
	t.false(asked.output.includes('typed-vault-password'), asked.output);
	t.false(asked.output.includes('opened-token'), asked.output);
	t.true(asked.output.includes('the token is ********'), asked.output);
});

test('--ask-vault-pass without a terminal is an error before any host', t => {
	const dir = project('typed-vault-password');
	const run = pb([...runArgs(dir), '--ask-vault-pass'], dir);
	t.is(run.code, 5);
	t.is(run.stderr, 'ERROR! Vault password is asked for on a terminal, and pb\'s input is not one\nPass the vault password with --vault-password-file FILE or --vault-id LABEL@FILE.\n');
	t.false(existsSync(join(dir, 'touched')));
});

test('ansible.cfg\'s vault_password_file, relative to the file, is read when no flag names one', t => {
	const dir = project('cfg-password');
	writeFileSync(join(dir, 'ansible.cfg'), '[defaults]\nvault_password_file = pw\n');
	const run = pb(runArgs(dir), dir, {ANSIBLE_CONFIG: join(dir, 'ansible.cfg')});
	t.is(run.code, 0, run.stdout + run.stderr);
	t.true(run.stdout.includes('the token is ********'), run.stdout);
});

test('--vault-id LABEL@prompt asks on the terminal for that id\'s password', async t => {
	const dir = project('dev-typed-password', 'dev');
	const asked = await pbOnTerminal([...runArgs(dir), '--vault-id', 'dev@prompt'], 'Vault password (dev): ', ['dev-typed-password\r']);
	t.is(asked.code, 0, asked.output);
	t.false(asked.output.includes('dev-typed-password'), asked.output);
	t.true(asked.output.includes('the token is ********'), asked.output);
});
