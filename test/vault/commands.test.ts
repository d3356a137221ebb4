import {spawnSync} from 'node:child_process';
import {chmodSync, existsSync, readFileSync, statSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import test from 'ava';
import {pb, pbCli, workspace} from '../helpers/playbook-run.js';
import {ansibleVault} from './helpers/ansible-vault.js';

/* `pb vault`: its commands on files ansible-vault wrote, and what they write read back by ansible-vault. */

const passwords = {'pw': 'default-password\n', 'dev-pw': 'dev-password\n', 'new-pw': 'new-password\n'};

/** An $EDITOR that records its file's folder and that folder's mode, then writes `content` into the file. */
function editor(dir: string, content: string): string {
	const file = join(dir, 'editor.sh');
	writeFileSync(file, `#!/bin/sh\nprintf '%s %s\\n' "$(dirname "$1")" "$(stat -c %a "$(dirname "$1")")" > ${join(dir, 'edited-in')}\nprintf '${content}' > "$1"\n`);
	chmodSync(file, 0o755);
	return file;
}

function editedIn(dir: string): {folder: string; mode: string} {
	const [folder = '', mode = ''] = readFileSync(join(dir, 'edited-in'), 'utf8').trim().split(' ');
	return {folder, mode};
}

/** pb with `input` on its stdin. */
function pbReading(args: readonly string[], dir: string, input: string): {code: number; stdout: string; stderr: string} {
	const result = spawnSync(process.execPath, [pbCli, ...args], {cwd: dir, input, encoding: 'utf8'});
	return {code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr};
}

test('view prints an ansible-vault file; encrypt and decrypt without files go from stdin to stdout', t => {
	const dir = workspace({...passwords, 'v.yml': 'token: viewed\n'});
	ansibleVault(['encrypt', '--vault-id', 'dev@dev-pw', 'v.yml'], dir);
	const view = pb(['vault', 'view', '--vault-id', 'dev@dev-pw', 'v.yml'], dir);
	t.is(view.code, 0, view.stderr);
	t.is(view.stdout, 'token: viewed\n');
	const encrypted = pbReading(['vault', 'encrypt', '--vault-password-file', 'pw'], dir, 'piped: in\n');
	t.is(encrypted.code, 0, encrypted.stderr);
	t.is(ansibleVault(['decrypt', '--vault-password-file', 'pw'], dir, encrypted.stdout), 'piped: in\n');
	const decrypted = pbReading(['vault', 'decrypt', '--vault-password-file', 'pw'], dir, ansibleVault(['encrypt', '--vault-password-file', 'pw'], dir, 'piped: back\n'));
	t.is(decrypted.code, 0, decrypted.stderr);
	t.is(decrypted.stdout, 'piped: back\n');
});

test('rekey encrypts again with the new vault id; ansible-vault opens it with the new password only', t => {
	const dir = workspace({...passwords, 'v.yml': 'token: rekeyed\n'});
	ansibleVault(['encrypt', '--vault-password-file', 'pw', 'v.yml'], dir);
	chmodSync(join(dir, 'v.yml'), 0o640);
	const run = pb(['vault', 'rekey', '--vault-password-file', 'pw', '--new-vault-id', 'prod@new-pw', 'v.yml'], dir);
	t.is(run.code, 0, run.stderr);
	t.true(readFileSync(join(dir, 'v.yml'), 'utf8').startsWith('$ANSIBLE_VAULT;1.2;AES256;prod\n'));
	t.is(statSync(join(dir, 'v.yml')).mode & 0o777, 0o640);
	t.is(ansibleVault(['view', '--vault-id', 'prod@new-pw', 'v.yml'], dir), 'token: rekeyed\n');
	t.throws(() => ansibleVault(['view', '--vault-password-file', 'pw', 'v.yml'], dir), {message: /Decryption failed/});
});

test('edit opens the file in $EDITOR in a private folder, removed after; the file keeps its vault id', t => {
	const dir = workspace({...passwords, 'v.yml': 'token: before\n'});
	ansibleVault(['encrypt', '--vault-id', 'dev@dev-pw', 'v.yml'], dir);
	const run = pb(['vault', 'edit', '--vault-id', 'default@pw', '--vault-id', 'dev@dev-pw', 'v.yml'], dir, {EDITOR: editor(dir, 'token: after\\n')});
	t.is(run.code, 0, run.stderr);
	const {folder, mode} = editedIn(dir);
	t.is(mode, '700');
	t.false(existsSync(folder));
	t.true(readFileSync(join(dir, 'v.yml'), 'utf8').startsWith('$ANSIBLE_VAULT;1.2;AES256;dev\n'));
	t.is(ansibleVault(['view', '--vault-id', 'dev@dev-pw', 'v.yml'], dir), 'token: after\n');
});

test('create writes a new 0600 file from $EDITOR, which ansible-vault opens; an existing file is refused', t => {
	const dir = workspace(passwords);
	const run = pb(['vault', 'create', '--vault-password-file', 'pw', 'new.yml'], dir, {EDITOR: editor(dir, 'token: created\\n')});
	t.is(run.code, 0, run.stderr);
	t.false(existsSync(editedIn(dir).folder));
	t.is(statSync(join(dir, 'new.yml')).mode & 0o777, 0o600);
	t.is(ansibleVault(['view', '--vault-password-file', 'pw', 'new.yml'], dir), 'token: created\n');
	const again = pb(['vault', 'create', '--vault-password-file', 'pw', 'new.yml'], dir, {EDITOR: editor(dir, 'x')});
	t.is(again.code, 1);
	t.is(again.stderr, 'ERROR! new.yml exists already\n`pb vault edit` changes it.\n');
});

test('with two vault ids, encrypting needs --encrypt-vault-id to choose', t => {
	const dir = workspace({...passwords, 'v.yml': 'a: 1\n'});
	const unchosen = pb(['vault', 'encrypt', '--vault-id', 'default@pw', '--vault-id', 'dev@dev-pw', 'v.yml'], dir);
	t.is(unchosen.code, 5);
	t.is(unchosen.stderr, 'ERROR! the vault ids default, dev can all encrypt\nChoose one with --encrypt-vault-id LABEL.\n');
	t.is(readFileSync(join(dir, 'v.yml'), 'utf8'), 'a: 1\n');
	const chosen = pb(['vault', 'encrypt', '--vault-id', 'default@pw', '--vault-id', 'dev@dev-pw', '--encrypt-vault-id', 'dev', 'v.yml'], dir);
	t.is(chosen.code, 0, chosen.stderr);
	t.is(ansibleVault(['view', '--vault-id', 'dev@dev-pw', 'v.yml'], dir), 'a: 1\n');
});
