import {PassThrough} from 'node:stream';
import test from 'ava';
import {BecomeFailed, wrapInSudo} from '../../engine/connection/become.js';
import type {Connection} from '../../engine/connection/connection.js';
import {LocalConnection} from '../../engine/connection/local.js';
import {openSsh} from '../../engine/connection/ssh.js';
import {startSshd, type TestSshd} from '../helpers/sshd.js';
import {createTestUser, type TestUser} from '../helpers/test-user.js';
import {trustingOptions} from './helpers/ssh-options.js';

let sshd: TestSshd;
/** May run anything with sudo, after giving its password. */
let sudoer: TestUser;
/** Has no sudo rights at all. */
let plain: TestUser;

test.before(async () => {
	sshd = await startSshd();
	sudoer = await createTestUser('sudo', {sudo: 'password'});
	plain = await createTestUser('plain');
});

test.after.always(async () => {
	await sshd?.stop();
	await sudoer?.remove();
	await plain?.remove();
});

const local = new LocalConnection('localhost');

async function sshAs(user: TestUser, t: {teardown(fn: () => Promise<void>): void}): Promise<Connection> {
	const connection = await openSsh(await trustingOptions(sshd, user.name));
	t.teardown(async () => connection.close());
	return connection;
}

test('the command line is sudo -H -S -p PROMPT -u USER -- /bin/sh -c SCRIPT', t => {
	const sudo = wrapInSudo('echo "it\'s"', {method: 'sudo', user: 'app user'});
	t.is(sudo.commandLine, `sudo -H -S -p '${sudo.prompt}' -u 'app user' -- /bin/sh -c 'echo ${sudo.marker}\necho "it'\\''s"'`);
	t.regex(sudo.prompt, /^\[pb-become-[\da-f]{24}] password: $/);
	t.not(wrapInSudo('true', {method: 'sudo', user: 'root'}).prompt, sudo.prompt);
});

test('local: become root goes through sudo', async t => {
	const result = await local.exec('id -un; echo "$SUDO_COMMAND"', {become: {method: 'sudo', user: 'root'}});
	t.is(result.code, 0);
	const [id, sudoCommand] = result.stdout.split('\n');
	t.is(id, 'root');
	t.regex(sudoCommand ?? '', /^\/bin\/sh -c /);
});

test('local: become another user, with its home, cwd and env applied as that user', async t => {
	const result = await local.exec('id -un; echo "$HOME"; pwd; echo "$PB_GREETING"', {
		become: {method: 'sudo', user: plain.name},
		cwd: '/tmp',
		env: {PB_GREETING: 'hello there'},
	});
	t.deepEqual(result, {stdout: `${plain.name}\n${plain.home}\n/tmp\nhello there\n`, stderr: '', code: 0});
});

test('local: a password sudo does not ask for never reaches the command\'s stdin', async t => {
	const password = 'not-to-be-seen';
	const result = await local.exec('cat', {become: {method: 'sudo', user: 'root', password}, stdin: 'only this'});
	t.deepEqual(result, {stdout: 'only this', stderr: '', code: 0});
});

test('local: the command\'s exit code and stderr come back through sudo', async t => {
	const result = await local.exec('echo oops >&2; exit 4', {become: {method: 'sudo', user: plain.name}});
	t.deepEqual(result, {stdout: '', stderr: 'oops\n', code: 4});
});

test('ssh: become root with the right password', async t => {
	const connection = await sshAs(sudoer, t);
	const result = await connection.exec('id -un; cat', {become: {method: 'sudo', user: 'root', password: sudoer.password}, stdin: 'payload\n'});
	t.is(result.stdout, 'root\npayload\n');
	t.is(result.code, 0);
	t.false(result.stderr.includes('password'));
	t.false(result.stdout.includes(sudoer.password));
});

test('ssh: stdout sent to a stream through sudo holds the command\'s bytes alone, never the prompt or the password', async t => {
	const connection = await sshAs(sudoer, t);
	const chunks: Buffer[] = [];
	const sink = new PassThrough().on('data', (chunk: Buffer) => chunks.push(chunk));
	const result = await connection.exec('id -un; head -c 200000 /dev/zero', {become: {method: 'sudo', user: 'root', password: sudoer.password}, stdoutTo: sink});
	t.deepEqual(result, {stdout: '', stderr: '', code: 0});
	t.true(Buffer.concat(chunks).equals(Buffer.concat([Buffer.from('root\n'), Buffer.alloc(200_000)])));
});

test('ssh: a wrong become password fails clearly, without showing the password', async t => {
	const connection = await sshAs(sudoer, t);
	const wrong = 'wrong-password-1234';
	const error = await t.throwsAsync(connection.exec('id -un', {become: {method: 'sudo', user: 'root', password: wrong}}), {instanceOf: BecomeFailed});
	t.is(error?.message, 'testhost: cannot become user \'root\' with sudo: sudo rejected the become password. Check ansible_become_password (or become_password) for this host.');
	t.false(JSON.stringify(error).includes(wrong));
});

test('ssh: sudo asking for a password when none was given fails clearly', async t => {
	const connection = await sshAs(sudoer, t);
	const error = await t.throwsAsync(connection.exec('id -un', {become: {method: 'sudo', user: 'root'}}), {instanceOf: BecomeFailed});
	t.is(error?.message, 'testhost: cannot become user \'root\' with sudo: sudo asks for a password and none was given. Set ansible_become_password for this host, or allow the user NOPASSWD in sudoers.');
});

test('ssh: a user sudo refuses gets sudo\'s own reason', async t => {
	const connection = await sshAs(plain, t);
	const error = await t.throwsAsync(connection.exec('id -un', {become: {method: 'sudo', user: 'root', password: plain.password}}), {instanceOf: BecomeFailed});
	t.regex(error?.message ?? '', new RegExp(`^testhost: cannot become user 'root' with sudo \\(exit 1\\): .*${plain.name} is not in the sudoers file`, 's'));
	t.false(error?.message.includes('[pb-become-'));
});

test('ssh: logs in with a password', async t => {
	const connection = await openSsh(await trustingOptions(sshd, sudoer.name, {privateKeyFile: undefined, password: sudoer.password}));
	t.teardown(async () => connection.close());
	t.is((await connection.exec('id -un')).stdout, `${sudoer.name}\n`);
});

test('ssh: a wrong login password is unreachable, naming the methods tried', async t => {
	const error = await t.throwsAsync(openSsh(await trustingOptions(sshd, sudoer.name, {privateKeyFile: undefined, password: 'nope'})));
	t.regex(error?.message ?? '', /authentication failed for user \w+: tried password; the server accepts publickey, password\.$/);
});
