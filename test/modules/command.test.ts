import {readdir, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import command from '../../modules/command.js';
import shell from '../../modules/shell.js';
import {localHost, runTask} from '../helpers/host-context.js';
import {tempDir} from './tree-snapshot.js';

test('command: output, rc and times are registered; no round trip before it runs', async t => {
	const report = await runTask(command, {cmd: 'printf "one\\ntwo\\n\\n"'}, localHost());
	t.like(report, {status: 'changed', roundTrips: 1, result: {rc: 0, stdout: 'one\ntwo', stdout_lines: ['one', 'two'], stderr: '', stderr_lines: [], cmd: ['printf', 'one\\ntwo\\n\\n']}});
	t.regex(String(report.result['start']), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/);
	t.regex(String(report.result['delta']), /^0:00:\d\d\.\d{6}$/);
});

test('command: no shell: redirections and variables are plain words', async t => {
	const dir = await tempDir(t);
	const report = await runTask(command, {cmd: 'echo $HOME > out', chdir: dir}, localHost());
	t.is(report.result['stdout'], '$HOME > out');
	t.deepEqual(await readdir(dir), []);
});

test('command: a failure names the command, its rc and the end of its stderr', async t => {
	const report = await runTask(command, {argv: ['sh', '-c', 'echo first >&2; echo last >&2; exit 3']}, localHost());
	t.like(report, {status: 'failed', msg: 'command `sh -c echo first >&2; echo last >&2; exit 3` exited with rc 3: first\nlast', result: {rc: 3}});
});

test('command: a program that does not exist fails with rc 127', async t => {
	const report = await runTask(command, {cmd: 'no-such-program-pb'}, localHost());
	t.like(report, {status: 'failed', result: {rc: 127}});
	t.regex(report.msg, /^command `no-such-program-pb` exited with rc 127: .*not found/);
});

test('command: stdin is written with a newline, chdir is where it runs', async t => {
	const dir = await tempDir(t);
	t.like(await runTask(command, {cmd: 'cat', stdin: 'hello'}, localHost()), {result: {stdout: 'hello'}});
	t.like(await runTask(command, {cmd: 'wc -c', stdin: 'hello', strip_empty_ends: false}, localHost()), {result: {stdout: '6\n'}});
	t.like(await runTask(command, {cmd: 'pwd', chdir: dir}, localHost()), {result: {stdout: dir}});
});

test('command: creates (a glob, relative to chdir) decides in check mode and in a real run', async t => {
	const dir = await tempDir(t);
	const params = {cmd: 'touch done.flag', chdir: dir, creates: '*.flag'};
	t.like(await runTask(command, params, localHost({check: true})), {status: 'skipped', msg: 'Command would have run if not in check mode'});
	t.deepEqual(await readdir(dir), [], 'check mode ran nothing');
	t.like(await runTask(command, params, localHost()), {status: 'changed', roundTrips: 2});
	t.deepEqual(await readdir(dir), ['done.flag']);
	const skipped = {status: 'ok', changed: false, msg: 'skipped, since *.flag exists', roundTrips: 1};
	t.like(await runTask(command, params, localHost({check: true})), skipped);
	t.like(await runTask(command, params, localHost()), skipped);
});

test('command: removes runs only while the path exists', async t => {
	const dir = await tempDir(t);
	const path = join(dir, 'stale');
	await writeFile(path, '');
	t.like(await runTask(command, {argv: ['rm', path], removes: path}, localHost()), {status: 'changed'});
	t.like(await runTask(command, {argv: ['rm', path], removes: path}, localHost()), {status: 'ok', msg: `skipped, since ${path} does not exist`});
});

test('command: a chdir that does not exist fails saying so', async t => {
	const report = await runTask(command, {cmd: 'pwd', chdir: '/no/such/dir'}, localHost());
	t.is(report.status, 'failed');
	t.regex(report.msg, /exited with rc \d+: .*can't cd to \/no\/such\/dir|No such file/);
});

test('shell: pipes, variables and redirections work', async t => {
	const dir = await tempDir(t);
	const report = await runTask(shell, {cmd: 'X=hi; echo $X | tr a-z A-Z > out; cat out', chdir: dir}, localHost());
	t.like(report, {status: 'changed', result: {rc: 0, stdout: 'HI', cmd: 'X=hi; echo $X | tr a-z A-Z > out; cat out'}});
});

test('shell: executable runs the line in that shell', async t => {
	const report = await runTask(shell, {cmd: 'set -o pipefail; false | true', executable: '/bin/bash'}, localHost());
	t.like(report, {status: 'failed', result: {rc: 1}});
});

test('validate: a command line must hold a command, its quotes closed', t => {
	const defaults = {stdin_add_newline: true, strip_empty_ends: true};	t.is(command.validate?.({...defaults, cmd: '  '}), 'the command is empty');
	t.is(command.validate?.({...defaults, cmd: 'echo \'x'}), 'the command has an unclosed \' quote: echo \'x');
});
