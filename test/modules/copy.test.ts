import {mkdir, readdir, readFile, stat, symlink, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import copy from '../../modules/copy.js';
import {localHost, runTask} from '../helpers/host-context.js';
import {checkThenApply} from './check-then-apply.js';
import {tempDir} from './tree-snapshot.js';

test('content: written with its mode, then unchanged; check mode predicted it', async t => {
	const dir = await tempDir(t);
	const dest = join(dir, 'app.conf');
	const first = await checkThenApply(t, copy, {content: 'port=80\n', dest, mode: '0640'}, dir);
	t.like(first, {status: 'changed', msg: `${dest}: new file, 8 bytes`, roundTrips: 2});
	t.deepEqual(first.diff, [{header: dest, before: '', after: 'port=80\n'}, {header: `${dest} (attributes)`, before: '', after: 'mode: 0640\n'}]);
	t.is(await readFile(dest, 'utf8'), 'port=80\n');
	t.is((await stat(dest)).mode & 0o7777, 0o640);

	const second = await checkThenApply(t, copy, {content: 'port=80\n', dest, mode: '0640'}, dir);
	t.like(second, {status: 'ok', changed: false, msg: `${dest} is up to date`, roundTrips: 1});
});

test('changed content: a before/after diff, and the replaced file keeps its mode', async t => {
	const dir = await tempDir(t);
	const dest = join(dir, 'app.conf');
	await writeFile(dest, 'port=80\n', {mode: 0o600});
	const report = await checkThenApply(t, copy, {content: 'port=8080\n', dest}, dir);
	t.like(report, {status: 'changed', msg: `${dest}: content changed`});
	t.deepEqual(report.diff, [{header: dest, before: 'port=80\n', after: 'port=8080\n'}]);
	t.is((await stat(dest)).mode & 0o7777, 0o600);
});

test('mode and owner only: set in place, the content untouched', async t => {
	const dir = await tempDir(t);
	const dest = join(dir, 'app.conf');
	await writeFile(dest, 'x', {mode: 0o644});
	const inode = (await stat(dest)).ino;
	const report = await checkThenApply(t, copy, {content: 'x', dest, mode: 0o600, owner: '65534', group: '65534'}, dir);
	t.like(report, {status: 'changed', msg: `${dest}: mode: 0600, owner: 65534, group: 65534`});
	const after = await stat(dest);
	t.deepEqual([after.mode & 0o7777, after.uid, after.gid, after.ino], [0o600, 65_534, 65_534, inode]);
	t.like(await runTask(copy, {content: 'x', dest, mode: 0o600, owner: '65534', group: '65534'}, localHost()), {status: 'ok'});
});

test('atomic: no temp file is left beside dest', async t => {
	const dir = await tempDir(t);
	await runTask(copy, {content: 'a', dest: join(dir, 'one')}, localHost());
	await runTask(copy, {content: 'b', dest: join(dir, 'one')}, localHost());
	t.deepEqual(await readdir(dir), ['one']);
});

test('validate failing leaves dest as it was, no temp file, and says why', async t => {
	const dir = await tempDir(t);
	const dest = join(dir, 'sudoers');
	await writeFile(dest, 'good\n');
	const report = await runTask(copy, {content: 'bad\n', dest, validate: 'grep -q good %s || { echo "syntax error" >&2; exit 1; }'}, localHost());
	t.is(report.status, 'failed');
	t.regex(report.msg, /^validate \(.*\) rejected the new .*sudoers; .*sudoers was left as it was: syntax error$/);
	t.is(await readFile(dest, 'utf8'), 'good\n');
	t.deepEqual(await readdir(dir), ['sudoers']);
});

test('validate passing: the new file replaces dest', async t => {
	const dir = await tempDir(t);
	const dest = join(dir, 'conf');
	const report = await runTask(copy, {content: 'good\n', dest, validate: 'grep -q good %s'}, localHost());
	t.is(report.status, 'changed');
	t.is(await readFile(dest, 'utf8'), 'good\n');
});

test('backup keeps the replaced file under a timestamped name', async t => {
	const dir = await tempDir(t);
	const dest = join(dir, 'conf');
	await writeFile(dest, 'old\n');
	const report = await runTask(copy, {content: 'new\n', dest, backup: true}, localHost());
	const backup = report.result['backup_file'];
	t.regex(String(backup), /\/conf\.\d{4}-\d\d-\d\d@\d\d:\d\d:\d\d~$/);
	t.is(await readFile(String(backup), 'utf8'), 'old\n');
	t.is(await readFile(dest, 'utf8'), 'new\n');
});

test('src: looked up in the playbook\'s files/ first, binary content kept byte for byte', async t => {
	const playbookDir = await tempDir(t);
	const hostDir = await tempDir(t);
	const bytes = Buffer.from(Array.from({length: 256}, (_, byte) => byte));
	await mkdir(join(playbookDir, 'files'));
	await writeFile(join(playbookDir, 'files', 'blob.bin'), bytes);
	await writeFile(join(playbookDir, 'blob.bin'), 'the other one');
	const report = await checkThenApply(t, copy, {src: 'blob.bin', dest: `${hostDir}/`}, hostDir, playbookDir);
	t.like(report, {status: 'changed', result: {dest: join(hostDir, 'blob.bin'), size: 256}});
	t.deepEqual(await readFile(join(hostDir, 'blob.bin')), bytes);
	t.like(await runTask(copy, {src: 'blob.bin', dest: hostDir}, localHost({playbookDir})), {status: 'ok'});
});

test('src missing: the error names where it looked', async t => {
	const playbookDir = await tempDir(t);
	const error = await t.throwsAsync(runTask(copy, {src: 'nope.conf', dest: '/tmp/x'}, localHost({playbookDir})));
	t.is(error?.message, `src nope.conf not found on the controller; looked for ${join(playbookDir, 'files', 'nope.conf')} and ${join(playbookDir, 'nope.conf')}`);
});

test('a link at dest is replaced by the file, the link\'s target untouched', async t => {
	const dir = await tempDir(t);
	await writeFile(join(dir, 'target'), 'target\n');
	await symlink('target', join(dir, 'dest'));
	await checkThenApply(t, copy, {content: 'new\n', dest: join(dir, 'dest')}, dir);
	t.is(await readFile(join(dir, 'target'), 'utf8'), 'target\n');
	t.true((await stat(join(dir, 'dest'))).isFile());
	t.is(await readFile(join(dir, 'dest'), 'utf8'), 'new\n');
});

test('a path with quotes and spaces is written where it says', async t => {
	const dir = await tempDir(t);
	const dest = join(dir, 'it\'s a "file" $HOME');
	t.like(await runTask(copy, {content: 'x', dest}, localHost()), {status: 'changed'});
	t.is(await readFile(dest, 'utf8'), 'x');
	t.like(await runTask(copy, {content: 'x', dest}, localHost()), {status: 'ok'});
});

test('a missing directory fails in check mode and for real alike, creating nothing', async t => {
	const dir = await tempDir(t);
	const report = await checkThenApply(t, copy, {content: 'x', dest: join(dir, 'no', 'file')}, dir);
	t.like(report, {status: 'failed', msg: `directory ${join(dir, 'no')} does not exist on the host; create it first (file: state=directory)`});
});
