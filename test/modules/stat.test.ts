import {createHash} from 'node:crypto';
import {lstat, mkdir, symlink, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import stat from '../../modules/stat.js';
import {localHost, runTask} from '../helpers/host-context.js';
import {tempDir} from './tree-snapshot.js';

test('a file: every field matches what Node sees, in one round trip', async t => {
	const dir = await tempDir(t);
	const path = join(dir, 'f');
	await writeFile(path, 'hello', {mode: 0o640});
	const info = await lstat(path);
	const report = await runTask(stat, {path}, localHost());
	t.like(report, {status: 'ok', changed: false, roundTrips: 1});
	t.like(report.result['stat'], {
		exists: true, path, isreg: true, isdir: false, islnk: false, mode: '0640', uid: info.uid, gid: info.gid,
		pw_name: 'root', size: 5,
		checksum: createHash('sha256').update('hello').digest('hex'),
	});
	// Seconds with their fraction, as Ansible's stat gives them (Node's mtimeMs is rounded below the microsecond).
	const {mtime} = report.result['stat'] as {mtime: number};
	t.true(Math.abs(mtime - info.mtimeMs / 1000) < 1e-5, String(mtime));
});

test('a directory, a link (followed or not) and nothing', async t => {
	const dir = await tempDir(t);
	await mkdir(join(dir, 'd'));
	await symlink('d', join(dir, 'l'));
	t.like((await runTask(stat, {path: join(dir, 'd')}, localHost())).result['stat'], {isdir: true, mode: '0755'});
	t.like((await runTask(stat, {path: join(dir, 'l')}, localHost())).result['stat'], {islnk: true, isdir: false, lnk_target: 'd'});
	t.like((await runTask(stat, {path: join(dir, 'l'), follow: true}, localHost())).result['stat'], {islnk: false, isdir: true});
	t.deepEqual((await runTask(stat, {path: join(dir, 'none')}, localHost())).result['stat'], {exists: false, path: join(dir, 'none')});
});

test('get_checksum: false reads no checksum', async t => {
	const dir = await tempDir(t);
	await writeFile(join(dir, 'f'), 'x');
	const report = await runTask(stat, {path: join(dir, 'f'), get_checksum: false}, localHost());
	t.false('checksum' in (report.result['stat'] as object));
});
