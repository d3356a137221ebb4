import {PassThrough} from 'node:stream';
import test from 'ava';
import {openConnection} from '../../engine/connection/open.js';

test('openConnection gives a local connection that runs sh commands here', async t => {
	const connection = await openConnection({connection: 'local', host: 'localhost'});
	t.is(connection.host, 'localhost');
	t.deepEqual(await connection.exec('echo out; echo err >&2; exit 2'), {stdout: 'out\n', stderr: 'err\n', code: 2});
	await connection.close();
});

test('a command killed by a signal has exit code -1', async t => {
	const connection = await openConnection({connection: 'local', host: 'localhost'});
	t.is((await connection.exec('kill -9 $$')).code, -1);
});

test('stdin, cwd and env reach the command exactly as given', async t => {
	const connection = await openConnection({connection: 'local', host: 'localhost'});
	const value = `a'b"c $HOME \`x\` \\ ;|& *`;
	const result = await connection.exec('pwd; printf "%s|" "$PB_ODD"; cat', {cwd: '/tmp', env: {PB_ODD: value}, stdin: Buffer.from('in\u00e9')});
	t.deepEqual(result, {stdout: `/tmp\n${value}|iné`, stderr: '', code: 0});
});

test('an invalid environment variable name is refused before anything runs', async t => {
	const connection = await openConnection({connection: 'local', host: 'localhost'});
	const error = await t.throwsAsync(connection.exec('true', {env: {'BAD-NAME': 'x'}}), {instanceOf: TypeError});
	t.is(error?.message, 'Cannot run a command on localhost: environment variable name "BAD-NAME" is not valid (letters, digits and _ only, not starting with a digit).');
});

test('stdout sent to a stream arrives there, not in the result, and the stream is ended', async t => {
	const connection = await openConnection({connection: 'local', host: 'localhost'});
	const chunks: Buffer[] = [];
	const sink = new PassThrough().on('data', (chunk: Buffer) => chunks.push(chunk));
	const result = await connection.exec('head -c 100000 /dev/zero | tr "\\0" x; echo err >&2', {stdoutTo: sink});
	t.deepEqual(result, {stdout: '', stderr: 'err\n', code: 0});
	t.is(Buffer.concat(chunks).toString(), 'x'.repeat(100_000));
	t.true(sink.writableFinished);
});

test('a command that ignores its stdin still completes', async t => {
	const connection = await openConnection({connection: 'local', host: 'localhost'});
	const result = await connection.exec('exit 0', {stdin: Buffer.alloc(1024 * 1024)});
	t.is(result.code, 0);
});
