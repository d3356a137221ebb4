import {createHash} from 'node:crypto';
import {chmod, mkdir, readFile, stat, symlink, utimes, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import fetch from '../../modules/fetch.js';
import find from '../../modules/find/index.js';
import raw from '../../modules/raw.js';
import script from '../../modules/script.js';
import slurp from '../../modules/slurp.js';
import tempfile from '../../modules/tempfile.js';
import {localHost, runTask} from '../helpers/host-context.js';
import {tempDir} from './tree-snapshot.js';

/* slurp, fetch, find, tempfile, script and raw on this machine (the local connection). */

test('slurp: the file in base64 with its source; a missing file or a directory fails in Ansible\'s words', async t => {
	const dir = await tempDir(t);
	await writeFile(join(dir, 'flags.env'), 'KUBELET_ARGS=--v=2\n');
	t.like(await runTask(slurp, {src: join(dir, 'flags.env')}, localHost()), {status: 'ok', result: {content: Buffer.from('KUBELET_ARGS=--v=2\n').toString('base64'), encoding: 'base64', source: join(dir, 'flags.env')}});
	t.like(await runTask(slurp, {src: join(dir, 'none')}, localHost()), {status: 'failed', msg: `file not found: ${join(dir, 'none')}`});
	t.like(await runTask(slurp, {src: dir}, localHost()), {status: 'failed', msg: 'source is a directory and must be a file'});
});

test('fetch: into dest/HOST/SRC, then unchanged; flat writes dest itself; a missing src fails, or is reported with fail_on_missing: false', async t => {
	const dir = await tempDir(t);
	const src = join(dir, 'host', 'etc', 'app.conf');
	await mkdir(join(dir, 'host', 'etc'), {recursive: true});
	await writeFile(src, 'port = 8080\n');
	const host = {...localHost(), vars: {inventory_hostname: 'node1'}};
	const sha1 = createHash('sha1').update('port = 8080\n').digest('hex');
	const first = await runTask(fetch, {src, dest: join(dir, 'collected')}, host);
	const dest = join(dir, 'collected', 'node1', src);
	t.like(first, {status: 'changed', result: {dest, checksum: sha1, remote_checksum: sha1}});
	t.is(await readFile(dest, 'utf8'), 'port = 8080\n');
	t.like(await runTask(fetch, {src, dest: join(dir, 'collected')}, host), {status: 'ok', result: {dest, checksum: sha1}});
	const check = await runTask(fetch, {src, dest: join(dir, 'flat/'), flat: true}, {...host, check: true});
	t.like(check, {status: 'changed'});
	await t.throwsAsync(stat(join(dir, 'flat')), undefined, 'check mode wrote nothing on the controller');
	t.like(await runTask(fetch, {src, dest: join(dir, 'flat/'), flat: true}, host), {status: 'changed', result: {dest: join(dir, 'flat', 'app.conf')}});
	t.like(await runTask(fetch, {src: join(dir, 'none'), dest: join(dir, 'collected')}, host), {status: 'failed', msg: 'the remote file does not exist, not transferring, ignored'});
	t.like(await runTask(fetch, {src: join(dir, 'none'), dest: join(dir, 'collected'), fail_on_missing: false}, host), {status: 'ok', msg: 'the remote file does not exist, not transferring, ignored'});
});

test('find: globs, excludes, hidden, depth, file_type, size, age, contains and checksums, described as Ansible\'s stat', async t => {
	const dir = await tempDir(t);
	await mkdir(join(dir, 'a', 'b', 'c'), {recursive: true});
	await mkdir(join(dir, '.hid'));
	await writeFile(join(dir, 'top.log'), 'error: disk\n');
	await writeFile(join(dir, 'top.txt'), 'x'.repeat(2048));
	await writeFile(join(dir, '.dot.log'), 'hidden\n');
	await writeFile(join(dir, '.hid', 'in-hidden.log'), 'ok\n');
	await writeFile(join(dir, 'a', 'one.log'), 'all good\n');
	await writeFile(join(dir, 'a', 'b', 'c', 'deep.log'), 'error: deep\n');
	await symlink('top.log', join(dir, 'link.log'));
	await chmod(join(dir, 'top.log'), 0o640);
	const old = new Date('2020-01-01T00:00:00Z');
	await utimes(join(dir, 'a', 'one.log'), old, old);
	const paths = (report: Awaited<ReturnType<typeof runTask>>) => (report.result['files'] as Array<{path: string}>).map(file => file.path.slice(dir.length + 1)).sort();
	const run = async (params: Record<string, unknown>) => runTask(find, {paths: [dir], ...params}, localHost());

	const logs = await run({patterns: ['*.log']});
	t.deepEqual(paths(logs), ['top.log'], 'no recursion, no hidden names, no links by default');
	t.like(logs, {msg: 'All paths examined', result: {matched: 1, examined: 6}});
	t.like((logs.result['files'] as unknown[])[0], {mode: '0640', isreg: true, islnk: false, rusr: true, wgrp: false, rgrp: true, size: 12});
	t.deepEqual(paths(await run({patterns: ['*.log'], recurse: true, hidden: true})), ['.dot.log', '.hid/in-hidden.log', 'a/b/c/deep.log', 'a/one.log', 'top.log']);
	t.deepEqual(paths(await run({patterns: ['*.log'], recurse: true})), ['.hid/in-hidden.log', 'a/b/c/deep.log', 'a/one.log', 'top.log'], 'hidden directories are searched, as in Ansible');
	t.deepEqual(paths(await run({recurse: true, depth: 2, excludes: ['top*']})), ['.hid/in-hidden.log', 'a/one.log']);
	t.deepEqual(paths(await run({file_type: 'directory', recurse: true})), ['a', 'a/b', 'a/b/c']);
	t.deepEqual(paths(await run({file_type: 'link'})), ['link.log']);
	t.deepEqual(paths(await run({size: '1k'})), ['top.txt']);
	t.deepEqual(paths(await run({age: '52w', recurse: true})), ['a/one.log']);
	t.deepEqual(paths(await run({patterns: ['^(top|one)\\.'], use_regex: true, recurse: true})), ['a/one.log', 'top.log', 'top.txt']);
	const errors = await run({contains: 'error:', recurse: true, get_checksum: true});
	t.deepEqual(paths(errors), ['a/b/c/deep.log', 'top.log']);
	t.is((errors.result['files'] as Array<{path: string; checksum: string}>).find(file => file.path.endsWith('top.log'))?.checksum, createHash('sha1').update('error: disk\n').digest('hex'));
	const missing = await runTask(find, {paths: [join(dir, 'none'), dir], patterns: ['top.log']}, localHost());
	t.is(missing.msg, 'Not all paths examined, check warnings for details');
	t.like(missing.result, {matched: 1, skipped_paths: {[join(dir, 'none')]: `'${join(dir, 'none')}' is not a directory`}});
	t.is(find.validate?.({paths: [dir], patterns: [], use_regex: false, age: '3 days'} as never), 'age \'3 days\' is not a number with an optional unit s, m, h, d or w (e.g. 2d, -1h)');
});

test('tempfile: a new file (0600) or directory (0700) with prefix and suffix; check mode cannot know its name', async t => {
	const dir = await tempDir(t);
	const made = await runTask(tempfile, {path: dir, prefix: 'build.', suffix: '.tmp'}, localHost());
	t.like(made, {status: 'changed'});
	const path = made.result['path'] as string;
	t.regex(path, new RegExp(`^${dir}/build\\.[\\w]{8}\\.tmp$`));
	t.is((await stat(path)).mode & 0o777, 0o600);
	const directory = await runTask(tempfile, {path: dir, state: 'directory'}, localHost());
	t.true((await stat(directory.result['path'] as string)).isDirectory());
	t.like(await runTask(tempfile, {path: dir}, localHost({check: true})), {status: 'skipped'});
});

test('script: sent from the controller and run with its arguments in chdir; creates skips it; the temp copy is gone', async t => {
	const dir = await tempDir(t);
	await mkdir(join(dir, 'files'));
	await writeFile(join(dir, 'files', 'prepare.sh'), '#!/bin/sh\necho "args: $*"; pwd; echo oops >&2; touch prepared\n');
	const work = await tempDir(t);
	const host = () => localHost({playbookDir: dir});
	const ran = await runTask(script, {cmd: 'prepare.sh one "two words"', chdir: work}, host());
	t.like(ran, {status: 'changed', result: {rc: 0, stdout: `args: one two words\n${work}\n`, stdout_lines: ['args: one two words', work], stderr: 'oops\n'}});
	t.like(await runTask(script, {cmd: 'prepare.sh', creates: join(work, 'prepared')}, host()), {status: 'skipped', msg: `${join(work, 'prepared')} exists, matching creates option`});
	t.like(await runTask(script, {cmd: 'prepare.sh', removes: join(work, 'none')}, host()), {status: 'skipped', msg: `${join(work, 'none')} does not exist, matching removes option`});
	t.like(await runTask(script, {cmd: 'prepare.sh', chdir: work}, localHost({check: true, playbookDir: dir})), {status: 'skipped', msg: 'Check mode is not supported for this task.'});
	t.like(await runTask(script, {cmd: 'prepare.sh', chdir: work, creates: join(work, 'other')}, localHost({check: true, playbookDir: dir})), {status: 'changed'}, 'with creates, check mode says changed, as Ansible');
	await writeFile(join(dir, 'files', 'fails.py'), 'import sys\nsys.exit(3)\n');
	t.like(await runTask(script, {cmd: 'fails.py', executable: 'python3'}, host()), {status: 'failed', result: {rc: 3, msg: 'non-zero return code'}});
});

test('raw: the line through the shell, or an executable; a failure is rc with Ansible\'s message; skipped in check mode', async t => {
	t.like(await runTask(raw, {cmd: 'echo $((1 + 2)); echo err >&2'}, localHost()), {status: 'changed', result: {rc: 0, stdout: '3\n', stdout_lines: ['3'], stderr: 'err\n'}});
	t.like(await runTask(raw, {cmd: 'echo $BASH_VERSION | cut -c1', executable: '/bin/bash'}, localHost()), {result: {stdout: '5\n'}});
	t.like(await runTask(raw, {cmd: 'exit 4'}, localHost()), {status: 'failed', result: {rc: 4, msg: 'non-zero return code'}});
	t.like(await runTask(raw, {cmd: 'touch /should-not-exist'}, localHost({check: true})), {status: 'skipped'});
});
