import {readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import test from 'ava';
import {PbError} from '../../engine/errors.js';
import {loadYamlFile} from '../../engine/load/yaml.js';
import {formatVaultText, parseVaultText} from '../../engine/vault/format.js';
import {decryptAes256} from '../../engine/vault/cipher.js';
import {VaultKeyring, vaultKeyring} from '../../engine/vault/keyring.js';
import {pb, workspace} from '../helpers/playbook-run.js';
import {ansible, ansibleVault} from './helpers/ansible-vault.js';

/* Both directions with Debian's ansible-vault: what it writes pb reads, and what pb writes it reads. */

const passwords = {'pw': 'default-password\n', 'dev-pw': 'dev-password\n'};
const keyring = new VaultKeyring();
keyring.use([{label: 'default', password: Buffer.from('default-password')}, {label: 'dev', password: Buffer.from('dev-password')}]);

test('a 1.1 file ansible-vault encrypted is read by pb; a wrong password opens nothing', t => {
	const dir = workspace({...passwords, 'v.yml': 'db_password: s3cret-1.1\n'});
	ansibleVault(['encrypt', '--vault-password-file', 'pw', 'v.yml'], dir);
	const text = readFileSync(join(dir, 'v.yml'), 'utf8');
	t.true(text.startsWith('$ANSIBLE_VAULT;1.1;AES256\n'), text);
	t.is(keyring.decrypt(text, 'v.yml'), 'db_password: s3cret-1.1\n');
	const sealed = parseVaultText(text);
	t.is(sealed.label, undefined);
	t.is(decryptAes256(sealed, Buffer.from('not-the-password')), undefined);
	// Written back as ansible-vault wrote it: the same header, hex and 80-column lines.
	t.is(formatVaultText(sealed), text);
});

test('a 1.2 file with a vault id is opened by the password of that id, tried first', t => {
	const dir = workspace({...passwords, 'v.yml': 'token: dev-token-1.2\n'});
	ansibleVault(['encrypt', '--vault-id', 'dev@dev-pw', 'v.yml'], dir);
	const text = readFileSync(join(dir, 'v.yml'), 'utf8');
	t.true(text.startsWith('$ANSIBLE_VAULT;1.2;AES256;dev\n'), text);
	t.is(parseVaultText(text).label, 'dev');
	t.is(keyring.decrypt(text, 'v.yml'), 'token: dev-token-1.2\n');
	const wrong = new VaultKeyring();
	wrong.use([{label: 'dev', password: Buffer.from('default-password')}]);
	const error = t.throws(() => wrong.decrypt(text, 'v.yml'), {instanceOf: PbError});
	t.is(error?.message, 'cannot decrypt v.yml: no vault password given opens it (tried vault ids dev)');
});

test('inline values from ansible-vault encrypt_string are read in YAML; a wrong password names the value\'s file:line:col', t => {
	const dir = workspace(passwords);
	const inline = ansibleVault(['encrypt_string', '--vault-id', 'dev@dev-pw', '--name', 'api_token', 'inline-token-value'], dir);
	writeFileSync(join(dir, 'vars.yml'), `plain: visible\nnested:\n  list:\n    - first\n    - ${inline.replace('api_token: ', '').replaceAll('\n', '\n  ')}\n${inline}`);
	vaultKeyring.use([{label: 'dev', password: Buffer.from('dev-password')}]);
	t.deepEqual(loadYamlFile(join(dir, 'vars.yml')).value, {plain: 'visible', nested: {list: ['first', 'inline-token-value']}, api_token: 'inline-token-value'});
	vaultKeyring.use([{label: 'dev', password: Buffer.from('wrong')}]);
	const error = t.throws(() => loadYamlFile(join(dir, 'vars.yml')), {instanceOf: PbError});
	t.regex(error?.message ?? '', /^cannot decrypt the vault-encrypted value: no vault password given opens it/);
	t.deepEqual(error?.where, {file: join(dir, 'vars.yml'), line: 5, column: 7});
	t.is(error?.hint, 'It was encrypted with another password (its vault id is dev): check --vault-password-file, --vault-id and --ask-vault-pass.');
});

test('files pb encrypts, 1.1 and 1.2, are read by ansible-vault view and decrypt', t => {
	const dir = workspace({...passwords, 'a.yml': 'a: from-pb-1.1\n', 'b.yml': 'b: from-pb-1.2\n'});
	t.is(pb(['vault', 'encrypt', '--vault-password-file', 'pw', 'a.yml'], dir).code, 0);
	t.is(pb(['vault', 'encrypt', '--vault-id', 'dev@dev-pw', 'b.yml'], dir).code, 0);
	t.true(readFileSync(join(dir, 'a.yml'), 'utf8').startsWith('$ANSIBLE_VAULT;1.1;AES256\n'));
	t.true(readFileSync(join(dir, 'b.yml'), 'utf8').startsWith('$ANSIBLE_VAULT;1.2;AES256;dev\n'));
	t.is(ansibleVault(['view', '--vault-password-file', 'pw', 'a.yml'], dir), 'a: from-pb-1.1\n');
	ansibleVault(['decrypt', '--vault-id', 'dev@dev-pw', 'b.yml'], dir);
	t.is(readFileSync(join(dir, 'b.yml'), 'utf8'), 'b: from-pb-1.2\n');
});

test('strings pb encrypts are read by Ansible as inline vault values', t => {
	const dir = workspace(passwords);
	const run = pb(['vault', 'encrypt_string', '--vault-id', 'dev@dev-pw', '--name', 'api_token', 'pb-inline-value'], dir);
	t.is(run.code, 0, run.stderr);
	t.regex(run.stdout, /^api_token: !vault \|\n {10}\$ANSIBLE_VAULT;1\.2;AES256;dev\n( {10}[\da-f]{1,80}\n)+$/);
	writeFileSync(join(dir, 'vars.yml'), run.stdout);
	const shown = ansible('ansible', ['localhost', '-i', 'localhost,', '-c', 'local', '-m', 'debug', '-a', 'var=api_token', '-e', '@vars.yml', '--vault-id', 'dev@dev-pw'], dir);
	t.true(shown.includes('"api_token": "pb-inline-value"'), shown);
});
