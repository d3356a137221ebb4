import {spawn} from 'node:child_process';
import {createHash, randomBytes, randomUUID} from 'node:crypto';
import {readFile, writeFile} from 'node:fs/promises';
import {createServer, connect, type Server, type Socket} from 'node:net';
import {join} from 'node:path';
import {PassThrough} from 'node:stream';
import test from 'ava';
import {HostUnreachable} from '../../engine/connection/connection.js';
import {openConnection} from '../../engine/connection/open.js';
import {openSsh} from '../../engine/connection/ssh.js';
import {startSshd, type TestSshd} from '../helpers/sshd.js';
import {createTestUser, type TestUser} from '../helpers/test-user.js';
import {trustingOptions} from './helpers/ssh-options.js';

let sshd: TestSshd;
let user: TestUser;

test.before(async () => {
	sshd = await startSshd();
	user = await createTestUser('ssh');
});

test.after.always(async () => {
	await sshd?.stop();
	await user?.remove();
});

test('exec returns stdout, stderr and the exit code', async t => {
	const connection = await openSsh(await trustingOptions(sshd, user.name));
	t.teardown(async () => connection.close());
	const result = await connection.exec('echo out; echo err >&2; exit 3');
	t.deepEqual(result, {stdout: 'out\n', stderr: 'err\n', code: 3});
});

test('a command killed by a signal has exit code 128+n, as sh says', async t => {
	const connection = await openSsh(await trustingOptions(sshd, user.name));
	t.teardown(async () => connection.close());
	t.is((await connection.exec('kill -9 $$')).code, 137);
});

test('exec runs in cwd with env, values quoted whatever they hold', async t => {
	const connection = await openSsh(await trustingOptions(sshd, user.name));
	t.teardown(async () => connection.close());
	const value = `it's "quoted" $HOME \`id\` \\ ;|&`;
	const result = await connection.exec('pwd; printf %s "$PB_VALUE"', {cwd: '/tmp', env: {PB_VALUE: value}});
	t.is(result.stdout, `/tmp\n${value}`);
	t.is(result.code, 0);
});

test('a missing cwd fails the command, saying so', async t => {
	const connection = await openSsh(await trustingOptions(sshd, user.name));
	t.teardown(async () => connection.close());
	const result = await connection.exec('echo never', {cwd: '/nonexistent/pb'});
	t.not(result.code, 0);
	t.is(result.stdout, '');
	t.regex(result.stderr, /\/nonexistent\/pb/);
});

test('5 MB of stdin arrives intact', async t => {
	const connection = await openSsh(await trustingOptions(sshd, user.name));
	t.teardown(async () => connection.close());
	const payload = randomBytes(5 * 1024 * 1024);
	const result = await connection.exec('f=$(mktemp); cat > "$f"; wc -c < "$f"; sha256sum < "$f" | cut -d" " -f1; rm -f "$f"', {stdin: payload});
	const [remoteBytes, remoteSum] = result.stdout.trim().split('\n');
	t.is(Number(remoteBytes), payload.length);
	t.is(remoteSum, createHash('sha256').update(payload).digest('hex'));
	t.is(result.code, 0);
});

test('commands one after another run in one shell kept open, each in a sh -c of its own', async t => {
	const connection = await openSsh(await trustingOptions(sshd, user.name));
	t.teardown(async () => connection.close());
	const parents = [];
	for (let index = 0; index < 5; index++) {
		parents.push((await connection.exec('echo $PPID')).stdout);
	}

	t.is(new Set(parents).size, 1);
	t.deepEqual(await connection.exec('cd /; export PB_LEAK=1; exit 4'), {stdout: '', stderr: '', code: 4});
	t.deepEqual(await connection.exec('printf "%s|%s" "$PWD" "${PB_LEAK:-unset}"'), {stdout: `${user.home}|unset`, stderr: '', code: 0});
	const broken = await connection.exec('if then');
	t.is(broken.code, 2);
	t.regex(broken.stderr, /syntax error/i);
	t.is((await connection.exec('echo still here')).stdout, 'still here\n');
});

test('an inline script runs in the kept shell itself; one with env or a syntax error leaves that shell as it was', async t => {
	const connection = await openSsh(await trustingOptions(sshd, user.name));
	t.teardown(async () => connection.close());
	// $$ is the shell running the script: the kept shell's for inline ones, and sh -c's parent is that shell too.
	const kept = (await connection.exec('echo $PPID')).stdout;
	t.is((await connection.exec('echo $$', {inline: true})).stdout, kept);
	t.is((await connection.exec('echo $$', {inline: true})).stdout, kept);
	t.deepEqual(await connection.exec('printf "%s" "${PB_ENV:-unset}"; false', {inline: true, env: {PB_ENV: 'set'}}), {stdout: 'set', stderr: '', code: 1});
	t.is((await connection.exec('printf "%s" "${PB_ENV:-unset}"', {inline: true})).stdout, 'unset');
	const broken = await connection.exec('if then', {inline: true});
	t.is(broken.code, 2);
	t.regex(broken.stderr, /syntax error/i);
	t.is((await connection.exec('read line; echo "[$line]"', {inline: true})).stdout, '[]\n');
	t.is((await connection.exec('echo still $$', {inline: true})).stdout, `still ${kept}`);
});

test('a subshell script runs in a fork of the kept shell: its exit, traps, options and variables stay its own', async t => {
	const connection = await openSsh(await trustingOptions(sshd, user.name));
	t.teardown(async () => connection.close());
	const kept = (await connection.exec('echo $PPID')).stdout;
	// A subshell keeps its parent's $$; a new sh -c would have its own.
	t.is((await connection.exec('echo $$', {subshell: true})).stdout, kept);
	t.deepEqual(await connection.exec('trap "echo bye" EXIT; pb_x=set; set -e; false; echo not here', {subshell: true}), {stdout: 'bye\n', stderr: '', code: 1});
	t.is((await connection.exec('exit 4', {subshell: true})).code, 4);
	t.is((await connection.exec('printf "%s" "${pb_x:-unset}"; false; echo on', {inline: true})).stdout, 'unseton\n');
	t.is((await connection.exec('cat', {subshell: true, stdin: 'from stdin'})).stdout, 'from stdin');
	const broken = await connection.exec('if then', {subshell: true});
	t.is(broken.code, 2);
	t.regex(broken.stderr, /syntax error/i);
	t.is((await connection.exec('echo still $$', {inline: true})).stdout, `still ${kept}`);
});

test('a read after a command runs next in the kept shell, in the same round trip: each has its own output and status, whatever the command did', async t => {
	const connection = await openSsh(await trustingOptions(sshd, user.name));
	t.teardown(async () => connection.close());
	const kept = (await connection.exec('echo $PPID')).stdout;
	t.deepEqual(await connection.exec('printf one; echo err >&2; exit 3', {after: 'echo two; echo err2 >&2; [ -n "$$" ]'}), {
		stdout: 'one', stderr: 'err\n', code: 3,
		after: {stdout: 'two\n', stderr: 'err2\n', code: 0},
	});
	t.deepEqual(await connection.exec('exit 5', {subshell: true, stdin: 'ignored', after: 'false'}), {stdout: '', stderr: '', code: 5, after: {stdout: '', stderr: '', code: 1}});
	t.deepEqual(await connection.exec('cat', {subshell: true, stdin: 'from stdin', after: 'pb_after=set; echo "$pb_after"'}), {stdout: 'from stdin', stderr: '', code: 0, after: {stdout: 'set\n', stderr: '', code: 0}});
	t.is((await connection.exec('echo still $$', {inline: true})).stdout, `still ${kept}`, 'the read runs in the kept shell itself');
	t.deepEqual(await connection.exec('echo alone'), {stdout: 'alone\n', stderr: '', code: 0}, 'a command without a read after it has no `after`');
});

test('stdin of any bytes, and output without a final newline, come through the shell intact', async t => {
	const connection = await openSsh(await trustingOptions(sshd, user.name));
	t.teardown(async () => connection.close());
	const payload = randomBytes(300 * 1024);
	const result = await connection.exec('sha256sum | cut -d" " -f1 | tr -d "\\n"; printf "no newline" >&2', {stdin: payload});
	t.deepEqual(result, {stdout: createHash('sha256').update(payload).digest('hex'), stderr: 'no newline', code: 0});
	t.is((await connection.exec('cat; cat <<EOF\nheredoc\nEOF', {stdin: 'text\n'})).stdout, 'text\nheredoc\n');
});

test('a command that leaves a process in the background returns while that process runs', async t => {
	const connection = await openSsh(await trustingOptions(sshd, user.name));
	t.teardown(async () => connection.close());
	const started = await connection.exec('sleep 300 & echo $!');
	const pid = started.stdout.trim();
	t.is(started.code, 0);
	t.is((await connection.exec(`kill ${pid}`)).code, 0, 'the background process was still running');
});

test('a controller file given as stdin arrives intact, streamed when large, and whole when small', async t => {
	const connection = await openSsh(await trustingOptions(sshd, user.name));
	t.teardown(async () => connection.close());
	for (const size of [3 * 1024 * 1024, 1000]) {
		const payload = randomBytes(size);
		const path = join(sshd.dir, `stdin-${size}`);
		await writeFile(path, payload);
		const result = await connection.exec('sha256sum | cut -d" " -f1', {stdin: {path, size}});
		t.is(result.stdout.trim(), createHash('sha256').update(payload).digest('hex'), `${size} bytes`);
	}
});

test('stdout sent to a stream arrives there intact, byte for byte, and not in the result', async t => {
	const connection = await openSsh(await trustingOptions(sshd, user.name));
	t.teardown(async () => connection.close());
	const payload = randomBytes(3 * 1024 * 1024);
	const path = join(sshd.dir, 'read-back');
	await writeFile(path, payload);
	const chunks: Buffer[] = [];
	const sink = new PassThrough().on('data', (chunk: Buffer) => chunks.push(chunk));
	const result = await connection.exec(`cat < ${path}; echo done >&2`, {stdoutTo: sink});
	t.deepEqual(result, {stdout: '', stderr: 'done\n', code: 0});
	t.true(Buffer.concat(chunks).equals(payload));
	t.true(sink.writableFinished, 'the stream is ended with the command');
});

test('30 concurrent execs on one connection all succeed (more than sshd\'s 10 sessions wait their turn)', async t => {
	const connection = await openSsh(await trustingOptions(sshd, user.name));
	t.teardown(async () => connection.close());
	const results = await Promise.all(Array.from({length: 30}, async (_, index) => connection.exec(`sleep 0.2; echo ${index}`)));
	t.deepEqual(results, Array.from({length: 30}, (_, index) => ({stdout: `${index}\n`, stderr: '', code: 0})));
});

test('the connection is opened once and reused: every exec comes through the same TCP connection', async t => {
	const connection = await openSsh(await trustingOptions(sshd, user.name));
	t.teardown(async () => connection.close());
	const ports = await Promise.all(Array.from({length: 12}, async () => (await connection.exec('echo "$SSH_CLIENT"')).stdout.split(' ')[1]));
	t.is(new Set(ports).size, 1);
});

test('openConnection opens ssh from settings', async t => {
	const connection = await openConnection({connection: 'ssh', ...await trustingOptions(sshd, user.name)});
	t.teardown(async () => connection.close());
	t.is(connection.host, 'testhost');
	t.is((await connection.exec('echo "$SSH_CONNECTION"')).stdout.trim().split(' ')[3], String(sshd.port));
});

test('authenticates with ssh-agent', async t => {
	const socket = join(sshd.dir, 'agent.sock');
	const agent = spawn('ssh-agent', ['-D', '-a', socket], {stdio: 'ignore'});
	t.teardown(() => agent.kill('SIGTERM'));
	await waitFor(async () => runQuiet('ssh-add', [sshd.userKeyFile], {SSH_AUTH_SOCK: socket}));
	const connection = await openSsh(await trustingOptions(sshd, user.name, {privateKeyFile: undefined, agent: socket}));
	t.teardown(async () => connection.close());
	t.is((await connection.exec('id -un')).stdout, `${user.name}\n`);
});

test('failed authentication is unreachable, naming the methods tried', async t => {
	const error = await t.throwsAsync(openSsh(await trustingOptions(sshd, 'pb-no-such-user')), {instanceOf: HostUnreachable});
	t.is(error?.message, `testhost: cannot connect to pb-no-such-user@127.0.0.1:${sshd.port}: authentication failed for user pb-no-such-user: tried publickey (${sshd.userKeyFile}); the server accepts publickey, password.`);
});

test('a missing key file is unreachable, naming the file', async t => {
	const error = await t.throwsAsync(openSsh(await trustingOptions(sshd, user.name, {privateKeyFile: '/nonexistent/id_ed25519'})), {instanceOf: HostUnreachable});
	t.regex(error?.message ?? '', /cannot read the private key file \/nonexistent\/id_ed25519 \(ansible_ssh_private_key_file\): ENOENT/);
});

test('connection refused is unreachable, with ECONNREFUSED as the cause', async t => {
	const port = await closedPort();
	const error = await t.throwsAsync(openSsh(await trustingOptions(sshd, user.name, {port})), {instanceOf: HostUnreachable});
	t.is(error?.message, `testhost: cannot connect to ${user.name}@127.0.0.1:${port}: connection refused (ECONNREFUSED): nothing listens on port ${port}. Is sshd running, and is ansible_port right?`);
	t.is((error?.cause as NodeJS.ErrnoException).code, 'ECONNREFUSED');
	t.is((error as HostUnreachable).host, 'testhost');
});

test('a server that never speaks SSH times out after connectTimeoutMs', async t => {
	const silent = await listen(createServer(() => undefined));
	t.teardown(() => silent.server.close());
	const started = Date.now();
	const error = await t.throwsAsync(openSsh(await trustingOptions(sshd, user.name, {port: silent.port, connectTimeoutMs: 300})), {instanceOf: HostUnreachable});
	t.true(Date.now() - started < 5000);
	t.regex(error?.message ?? '', /timed out after 300 ms without completing the SSH handshake/);
});

test('a lost connection rejects the pending exec with HostUnreachable, and later execs too', async t => {
	// A TCP relay between pb and sshd, cut mid-command, stands for a host that goes away.
	const sockets = new Set<Socket>();
	const relay = await listen(createServer(client => {
		const server = connect(sshd.port, sshd.address);
		sockets.add(client).add(server);
		client.pipe(server).pipe(client);
		client.on('error', () => undefined);
		server.on('error', () => undefined);
	}));
	t.teardown(() => relay.server.close());
	const connection = await openSsh(await trustingOptions(sshd, user.name, {port: relay.port}));
	t.teardown(async () => connection.close());
	const pidFile = join(user.home, `sleeper-${randomUUID()}`);
	const pending = connection.exec(`echo $$ > ${pidFile}; exec sleep 30`);
	// The command outlives the cut connection: stop it, or its user cannot be removed.
	t.teardown(async () => process.kill(Number(await readFile(pidFile, 'utf8'))));
	await waitFor(async () => (await readFile(pidFile, 'utf8').catch(() => '')).endsWith('\n'));
	for (const socket of sockets) {
		socket.destroy();
	}

	const error = await t.throwsAsync(pending, {instanceOf: HostUnreachable});
	t.is(error?.message, `testhost: lost the SSH connection to ${user.name}@127.0.0.1:${relay.port}: the server closed the connection`);
	await t.throwsAsync(connection.exec('true'), {instanceOf: HostUnreachable});
});

test('close() ends the connection; execs after it reject', async t => {
	const connection = await openSsh(await trustingOptions(sshd, user.name));
	t.is((await connection.exec('echo ok')).stdout, 'ok\n');
	await connection.close();
	const error = await t.throwsAsync(connection.exec('true'), {instanceOf: HostUnreachable});
	t.regex(error?.message ?? '', /closed by pb/);
});

async function listen(server: Server): Promise<{server: Server; port: number}> {
	return new Promise(resolve => {
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			resolve({server, port: typeof address === 'object' && address !== null ? address.port : 0});
		});
	});
}

async function closedPort(): Promise<number> {
	const {server, port} = await listen(createServer());
	await new Promise(resolve => server.close(resolve));
	return port;
}

async function runQuiet(command: string, args: string[], env: Record<string, string>): Promise<boolean> {
	return new Promise(resolve => {
		spawn(command, args, {stdio: 'ignore', env: {...process.env, ...env}}).on('close', code => resolve(code === 0));
	});
}

async function waitFor(condition: () => Promise<boolean>): Promise<void> {
	for (let tries = 0; tries < 100; tries++) {
		if (await condition()) {
			return;
		}

		await new Promise(resolve => setTimeout(resolve, 50));
	}

	throw new Error('condition not met within 5 s');
}
