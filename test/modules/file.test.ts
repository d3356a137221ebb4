import {link, lstat, mkdir, readdir, readFile, readlink, stat, symlink, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import fileModule from '../../modules/file.js';
import {localHost, runTask} from '../helpers/host-context.js';
import {checkThenApply} from './check-then-apply.js';
import {tempDir} from './tree-snapshot.js';

test('directory: created with its mode in one apply, then unchanged', async t => {
	const dir = await tempDir(t);
	const path = join(dir, 'etc', 'containerd');
	await mkdir(join(dir, 'etc'));
	const first = await checkThenApply(t, fileModule, {path, state: 'directory', mode: '0750'}, dir);
	t.like(first, {status: 'changed', msg: `${path}: directory created, mode: 0750`, roundTrips: 2});
	t.deepEqual(first.diff, [{header: path, before: 'state: absent\n', after: 'state: directory\nmode: 0750\n'}]);
	const info = await stat(path);
	t.true(info.isDirectory());
	t.is(info.mode & 0o7777, 0o750);
	t.like(await checkThenApply(t, fileModule, {path, state: 'directory', mode: '0750'}, dir), {status: 'ok', roundTrips: 1});
});

test('directory: the directories made above it get its mode too, from mkdir itself or, without the owner\'s rwx, a chmod after', async t => {
	for (const mode of [0o750, 0o500]) {
		const dir = await tempDir(t);
		const path = join(dir, 'a', 'b', 'c');
		t.like(await checkThenApply(t, fileModule, {path, state: 'directory', mode: mode.toString(8)}, dir), {status: 'changed'});
		for (const made of [join(dir, 'a'), join(dir, 'a', 'b'), path]) {
			t.deepEqual([made, (await stat(made)).mode & 0o7777], [made, mode]);
		}

		t.like(await checkThenApply(t, fileModule, {path, state: 'directory', mode: mode.toString(8)}, dir), {status: 'ok'});
	}
});

test('directory, recurse: owner and mode set on everything beneath, then unchanged', async t => {
	const dir = await tempDir(t);
	await mkdir(join(dir, 'a', 'b'), {recursive: true});
	await writeFile(join(dir, 'a', 'b', 'f'), 'x', {mode: 0o644});
	await symlink('f', join(dir, 'a', 'b', 'l'));
	const params = {path: dir, state: 'directory', recurse: true, mode: '0750', owner: '65534'};
	const report = await checkThenApply(t, fileModule, params, dir);
	t.like(report, {status: 'changed', msg: `${dir}: mode: 0750, owner: 65534 (recursively)`});
	for (const path of [dir, join(dir, 'a'), join(dir, 'a', 'b'), join(dir, 'a', 'b', 'f')]) {
		const info = await stat(path);
		t.deepEqual([path, info.mode & 0o7777, info.uid], [path, 0o750, 65_534]);
	}

	t.is((await lstat(join(dir, 'a', 'b', 'l'))).uid, 65_534, 'a link beneath gets the owner itself');
	t.like(await checkThenApply(t, fileModule, params, dir), {status: 'ok'});
});

test('absent: a whole tree is removed, then nothing to do', async t => {
	const dir = await tempDir(t);
	const path = join(dir, 'old');
	await mkdir(join(path, 'sub'), {recursive: true});
	await writeFile(join(path, 'sub', 'f'), 'x');
	const report = await checkThenApply(t, fileModule, {path, state: 'absent'}, dir);
	t.like(report, {status: 'changed', msg: `${path}: removed`});
	t.deepEqual(await readdir(dir), []);
	t.like(await checkThenApply(t, fileModule, {path, state: 'absent'}, dir), {status: 'ok', msg: `${path} is already absent`});
});

test('link: made, left alone when right, repointed when wrong', async t => {
	const dir = await tempDir(t);
	const path = join(dir, 'current');
	await mkdir(join(dir, 'v1'));
	await mkdir(join(dir, 'v2'));
	t.like(await checkThenApply(t, fileModule, {path, state: 'link', src: 'v1'}, dir), {status: 'changed', msg: `${path}: link to v1`});
	t.is(await readlink(path), 'v1');
	t.like(await checkThenApply(t, fileModule, {path, state: 'link', src: 'v1'}, dir), {status: 'ok'});
	const repointed = await checkThenApply(t, fileModule, {path, state: 'link', src: 'v2'}, dir);
	t.deepEqual(repointed.diff, [{header: path, before: 'state: link\nsrc: v1\n', after: 'state: link\nsrc: v2\n'}]);
	t.is(await readlink(path), 'v2', 'the link itself was replaced, not a link made inside v1');
	t.deepEqual(await readdir(join(dir, 'v1')), []);
	t.deepEqual((await readdir(dir)).sort(), ['current', 'v1', 'v2'], 'no temp link left behind');
});

test('link: a file in the way fails without force and is replaced with it', async t => {
	const dir = await tempDir(t);
	const path = join(dir, 'conf');
	await writeFile(path, 'x');
	await writeFile(join(dir, 'real'), 'y');
	const refused = await checkThenApply(t, fileModule, {path, state: 'link', src: join(dir, 'real')}, dir);
	t.like(refused, {status: 'failed', msg: `${path} exists as a file; force: true replaces it with a link`});
	t.like(await checkThenApply(t, fileModule, {path, state: 'link', src: join(dir, 'real'), force: true}, dir), {status: 'changed'});
	t.is(await readFile(path, 'utf8'), 'y');
});

test('hard: a second name for the same file, then unchanged', async t => {
	const dir = await tempDir(t);
	await writeFile(join(dir, 'a'), 'x');
	const path = join(dir, 'b');
	t.like(await checkThenApply(t, fileModule, {path, state: 'hard', src: join(dir, 'a')}, dir), {status: 'changed'});
	t.is((await stat(path)).ino, (await stat(join(dir, 'a'))).ino);
	t.like(await checkThenApply(t, fileModule, {path, state: 'hard', src: join(dir, 'a')}, dir), {status: 'ok'});
});

test('hard: an existing other file needs force', async t => {
	const dir = await tempDir(t);
	await writeFile(join(dir, 'a'), 'x');
	await writeFile(join(dir, 'b'), 'y');
	await link(join(dir, 'a'), join(dir, 'c'));
	t.like(await runTask(fileModule, {path: join(dir, 'b'), state: 'hard', src: join(dir, 'a')}, localHost()), {status: 'failed'});
	t.is(await readFile(join(dir, 'b'), 'utf8'), 'y');
});

test('touch: creates an empty file with its mode; touching again is a change (times)', async t => {
	const dir = await tempDir(t);
	const path = join(dir, 'stamp');
	t.like(await checkThenApply(t, fileModule, {path, state: 'touch', mode: '0600'}, dir), {status: 'changed', msg: `${path}: touched, mode: 0600`});
	const info = await stat(path);
	t.deepEqual([info.size, info.mode & 0o7777], [0, 0o600]);
	t.like(await runTask(fileModule, {path, state: 'touch', mode: '0600'}, localHost()), {status: 'changed', msg: `${path}: touched`});
});

test('file: a missing file fails and nothing is created', async t => {
	const dir = await tempDir(t);
	const report = await checkThenApply(t, fileModule, {path: join(dir, 'nope'), state: 'file', mode: '0644'}, dir);
	t.is(report.status, 'failed');
	t.deepEqual(await readdir(dir), []);
});

test('file: mode of an existing file, through a link to it', async t => {
	const dir = await tempDir(t);
	await writeFile(join(dir, 'real'), 'x', {mode: 0o644});
	await symlink('real', join(dir, 'alias'));
	t.like(await checkThenApply(t, fileModule, {path: join(dir, 'alias'), mode: '0600'}, dir), {status: 'changed'});
	t.is((await stat(join(dir, 'real'))).mode & 0o7777, 0o600);
});

test('validate: parameters that do not go together are refused with the reason', t => {
	const cases: Array<[Record<string, unknown>, string]> = [
		[{path: '/x', state: 'link'}, 'state: link needs src, the path the link points to'],
		[{path: '/x', src: '/y'}, 'src is only for state: link or hard'],
		[{path: '/x', state: 'file', recurse: true}, 'recurse is only for state: directory'],
		[{path: '/x', state: 'link', src: '/y', mode: '0644'}, 'mode does not apply to state: link (a symbolic link has no mode of its own); set it on src'],
		[{path: '/x', mode: 'rw'}, 'mode must be octal permissions like \'0644\' (a quoted string) or 0644, got "rw" (string)'],
		[{path: '/x', mode: 644}, 'mode 644 is the decimal number 644 (octal 1204); write mode: \'0644\' or mode: 0644'],
	];
	for (const [params, message] of cases) {
		t.is(fileModule.validate?.({recurse: false, force: false, ...params} as never), message);
	}
});
