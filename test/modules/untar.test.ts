import {execFileSync} from 'node:child_process';
import {chmod, mkdir, readdir, readFile, stat, symlink, writeFile, lstat, readlink} from 'node:fs/promises';
import {join} from 'node:path';
import test, {type ExecutionContext} from 'ava';
import untar from '../../modules/untar/index.js';
import {localHost, runTask} from '../helpers/host-context.js';
import {localInventory, runPlaybook, workspace} from '../helpers/playbook-run.js';
import {checkThenApply} from './check-then-apply.js';
import {serve, sha256} from './download-fixtures.js';
import {snapshot, tempDir} from './tree-snapshot.js';

/** A release tarball in the upstream layout: one top folder, bin/ with executables, a link, docs. */
async function releaseArchive(t: ExecutionContext, options: {gzip?: boolean; version?: string} = {}): Promise<string> {
	const dir = await tempDir(t);
	const top = join(dir, 'tree', 'tool');
	await mkdir(join(top, 'bin'), {recursive: true});
	await mkdir(join(top, 'doc'));
	await writeFile(join(top, 'bin', 'toold'), `#!/bin/sh\necho toold ${options.version ?? '1.0'}\n`);
	await writeFile(join(top, 'bin', 'toolctl'), '#!/bin/sh\necho toolctl\n');
	await chmod(join(top, 'bin', 'toold'), 0o755);
	await chmod(join(top, 'bin', 'toolctl'), 0o750);
	await symlink('toolctl', join(top, 'bin', 'tctl'));
	await writeFile(join(top, 'doc', 'README'), 'read me\n');
	const archive = join(dir, options.gzip === false ? 'tool.tar' : 'tool.tar.gz');
	execFileSync('tar', [options.gzip === false ? '-cf' : '-czf', archive, '-C', join(dir, 'tree'), 'tool']);
	return archive;
}

test('extracts with strip_components, then leaves a second run unchanged; check mode predicted it', async t => {
	const src = await releaseArchive(t);
	const dest = await tempDir(t);
	const params = {src, dest, strip_components: 1};
	const first = await checkThenApply(t, untar, params, dest);
	t.like(first, {status: 'changed', msg: `${dest}: 6 of 6 members of ${src} written: bin, bin/tctl, bin/toolctl, bin/toold, doc, and 1 more`});
	t.is(await readFile(join(dest, 'bin', 'toold'), 'utf8'), '#!/bin/sh\necho toold 1.0\n');
	t.is((await stat(join(dest, 'bin', 'toolctl'))).mode & 0o7777, 0o750);
	t.is(await readlink(join(dest, 'bin', 'tctl')), 'toolctl');
	t.deepEqual((await readdir(dest)).sort(), ['bin', 'doc'], 'no temp directory left');
	t.regex(first.diff?.[0]?.after ?? '', /^bin\/ 0755\nbin\/tctl -> toolctl\nbin\/toolctl 0750 23 bytes sha256:[\da-f]{16}\nbin\/toold 0755 25 bytes sha256:/);

	const second = await checkThenApply(t, untar, params, dest);
	t.like(second, {status: 'ok', msg: `${dest} already holds the 6 members of ${src}`});
});

test('only the members that differ are written: one changed file, a mode, a link', async t => {
	const src = await releaseArchive(t, {gzip: false});
	const dest = await tempDir(t);
	await runTask(untar, {src, dest, strip_components: 1}, localHost());
	const untouched = (await stat(join(dest, 'doc', 'README'))).ino;
	await writeFile(join(dest, 'bin', 'toold'), 'tampered\n');
	await chmod(join(dest, 'bin', 'toolctl'), 0o777);
	const report = await checkThenApply(t, untar, {src, dest, strip_components: 1}, dest);
	t.like(report, {status: 'changed', msg: `${dest}: 2 of 6 members of ${src} written: bin/toolctl, bin/toold`});
	t.regex(report.diff?.[0]?.before ?? '', /^bin\/toolctl 0777 23 bytes sha256:[\da-f]{16}\nbin\/toold 0755 9 bytes sha256:/);
	t.is(await readFile(join(dest, 'bin', 'toold'), 'utf8'), '#!/bin/sh\necho toold 1.0\n');
	t.is((await stat(join(dest, 'bin', 'toolctl'))).mode & 0o7777, 0o750);
	t.is((await stat(join(dest, 'doc', 'README'))).ino, untouched);
});

test('include takes only bin/, with a mode and owner for what it writes; list_files registers them', async t => {
	const src = await releaseArchive(t);
	const dest = await tempDir(t);
	const params = {src, dest, strip_components: 1, include: ['bin/'], mode: '0700', owner: '65534', group: '65534', list_files: true};
	const report = await checkThenApply(t, untar, params, dest);
	t.like(report, {status: 'changed', result: {files: ['bin', 'bin/tctl', 'bin/toolctl', 'bin/toold']}});
	t.deepEqual(await readdir(dest), ['bin']);
	const toold = await stat(join(dest, 'bin', 'toold'));
	t.deepEqual([toold.mode & 0o7777, toold.uid, toold.gid], [0o700, 65_534, 65_534]);
	t.is((await lstat(join(dest, 'bin', 'tctl'))).uid, 65_534);
	t.like(await runTask(untar, params, localHost()), {status: 'ok'});
	t.like(await runTask(untar, {src, dest, strip_components: 1, include: ['**/toolctl']}, localHost({check: true})), {status: 'changed', msg: `${dest}: 1 of 1 members of ${src} written: bin/toolctl`});
});

test('a directory member where dest has a link to a directory goes through the link, as on merged /usr', async t => {
	const src = await releaseArchive(t);
	const dest = await tempDir(t);
	await mkdir(join(dest, 'usr-bin'));
	await symlink('usr-bin', join(dest, 'bin'));
	const params = {src, dest, strip_components: 1, include: ['bin/']};
	t.like(await checkThenApply(t, untar, params, dest), {status: 'changed', msg: `${dest}: 3 of 4 members of ${src} written: bin/tctl, bin/toolctl, bin/toold`});
	t.is(await readlink(join(dest, 'bin')), 'usr-bin');
	t.is(await readFile(join(dest, 'usr-bin', 'toold'), 'utf8'), '#!/bin/sh\necho toold 1.0\n');
	t.like(await runTask(untar, params, localHost()), {status: 'ok'});
});

test('creates: nothing is done when the path exists', async t => {
	const src = await releaseArchive(t);
	const dest = await tempDir(t);
	await writeFile(join(dest, 'installed'), '');
	const before = await snapshot(dest);
	t.like(await runTask(untar, {src, dest, creates: join(dest, 'installed')}, localHost()), {status: 'ok', msg: `${join(dest, 'installed')} exists, so ${src} is not extracted`});
	t.deepEqual(await snapshot(dest), before);
});

test('a missing dest fails unless create_dest; something in a member\'s way fails with what to do', async t => {
	const src = await releaseArchive(t);
	const root = await tempDir(t);
	const dest = join(root, 'opt', 'tool');
	t.like(await runTask(untar, {src, dest}, localHost()), {status: 'failed', msg: `dest ${dest} does not exist on the host; create it first, or set create_dest: true`});
	const created = await checkThenApply(t, untar, {src, dest, create_dest: true}, root);
	t.like(created, {status: 'changed'});
	t.is(await readFile(join(dest, 'tool', 'doc', 'README'), 'utf8'), 'read me\n');

	const other = await tempDir(t);
	await mkdir(join(other, 'bin', 'toold'), {recursive: true});
	t.like(await runTask(untar, {src, dest: other, strip_components: 1}, localHost()), {status: 'failed', msg: `${join(other, 'bin', 'toold')} is a directory on the host where the archive has a file; remove it, or extract elsewhere`});
});

test('a src that is missing or not an archive fails clearly', async t => {
	const dir = await tempDir(t);
	await t.throwsAsync(runTask(untar, {src: join(dir, 'none.tgz'), dest: dir}, localHost()), {message: `src ${join(dir, 'none.tgz')} does not exist on localhost; fetch it first (download: dest=${join(dir, 'none.tgz')})`});
	await writeFile(join(dir, 'notes.txt'), 'not an archive\n');
	await t.throwsAsync(runTask(untar, {src: join(dir, 'notes.txt'), dest: dir}, localHost()), {message: /is not an archive pb reads: it is neither a tar archive \(plain, gzip, xz, bzip2 or zstd\) nor a zip file$/});
});

test('check mode predicts untar from a download an earlier task would make, reading the archive from the controller cache', async t => {
	const archive = await readFile(await releaseArchive(t, {version: '2.0'}));
	const mirror = await serve(t, {'releases/tool-2.0.tar.gz': archive});
	const target = await tempDir(t);
	const play = `- hosts: all
  gather_facts: false
  tasks:
    - name: fetch the release
      download:
        url: ${mirror.urlOf('releases/tool-2.0.tar.gz')}
        dest: ${target}/tool-2.0.tar.gz
        checksum: sha256:${sha256(archive)}
    - name: unpack it
      untar:
        src: ${target}/tool-2.0.tar.gz
        dest: ${target}/tool
        create_dest: true
        strip_components: 1
        include: [bin/]
`;
	const dir = workspace({'play.yml': play, hosts: localInventory('node1')});
	const before = await snapshot(target);
	const check = await runPlaybook(dir, {check: true, diff: true});
	t.deepEqual(await snapshot(target), before, 'check mode wrote nothing');
	const predicted = check.results.map(({task, status, msg}) => ({task, status, msg}));
	t.deepEqual(predicted.map(result => result.status), ['changed', 'changed'], JSON.stringify(predicted));
	t.is(predicted[1]?.msg, `${target}/tool: 4 of 4 members of ${target}/tool-2.0.tar.gz written: bin, bin/tctl, bin/toolctl, bin/toold`);

	const real = await runPlaybook(dir);
	t.deepEqual(real.results.map(({task, status, msg}) => ({task, status, msg})), predicted, 'the real run did what check mode said');
	t.is(await readFile(join(target, 'tool', 'bin', 'toold'), 'utf8'), '#!/bin/sh\necho toold 2.0\n');
	const again = await runPlaybook(dir);
	t.deepEqual(again.results.map(result => result.status), ['ok', 'ok']);
	t.is(mirror.requests.filter(request => request.method === 'GET').length, 1);
});

test('bad parameters are rejected with what to write', t => {
	const check = (params: Record<string, unknown>) => untar.validate?.({src: '/a.tgz', dest: '/d', create_dest: false, strip_components: 0, include: [], list_files: false, ...params} as never);
	t.is(check({include: ['./']}), 'include: \'./\' names no member; leave include out to extract everything');
	t.regex(check({mode: 755}) ?? '', /^mode 755 is the decimal number 755/);
});
