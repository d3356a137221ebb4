import {createHash} from 'node:crypto';
import {execFileSync} from 'node:child_process';
import {chmod, mkdir, readdir, readFile, readlink, stat, symlink, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import test, {type ExecutionContext} from 'ava';
import getUrl from '../../modules/get_url.js';
import unarchive from '../../modules/unarchive.js';
import {localHost, runTask} from '../helpers/host-context.js';
import {checkThenApply} from './check-then-apply.js';
import {gets, serve} from './download-fixtures.js';
import {tempDir} from './tree-snapshot.js';

/* get_url and unarchive, Ansible's front ends of download and untar, on this machine. */

function digest(algorithm: string, content: Buffer | string): string {
	return createHash(algorithm).update(content).digest('hex');
}

/** A tree with a top folder, an executable, a link and a doc, archived by `archive` (tar or zip). */
async function releaseTree(t: ExecutionContext): Promise<string> {
	const dir = await tempDir(t);
	const top = join(dir, 'tree', 'tool');
	await mkdir(join(top, 'bin'), {recursive: true});
	await mkdir(join(top, 'doc'));
	await writeFile(join(top, 'bin', 'toold'), '#!/bin/sh\necho toold\n');
	await chmod(join(top, 'bin', 'toold'), 0o755);
	await symlink('toold', join(top, 'bin', 'tctl'));
	await writeFile(join(top, 'doc', 'README.txt'), 'read me\n');
	return join(dir, 'tree');
}

test('get_url with a sha1 checksum: fetched, verified and written; then unchanged without a request; Ansible\'s sums registered', async t => {
	const content = 'tool bytes\n';
	const mirror = await serve(t, {'v1/tool.bin': content});
	const dir = await tempDir(t);
	const dest = join(dir, 'tool.bin');
	const params = {url: mirror.urlOf('v1/tool.bin'), dest, checksum: `sha1:${digest('sha1', content)}`, mode: '0640'};
	const first = await checkThenApply(t, getUrl, params, dir);
	t.like(first, {status: 'changed', result: {dest, checksum_src: digest('sha1', content), checksum_dest: null, md5sum: digest('md5', content), status_code: 200, msg: 'OK (11 bytes)', size: 11, mode: '0640', state: 'file'}});
	t.is(await readFile(dest, 'utf8'), content);
	t.is((await stat(dest)).mode & 0o777, 0o640);
	const requests = gets(mirror, 'v1/tool.bin');
	const second = await runTask(getUrl, params, localHost());
	t.like(second, {status: 'ok', result: {checksum_src: null, checksum_dest: null, msg: 'file already exists'}});
	t.is(gets(mirror, 'v1/tool.bin'), requests, 'a file matching its checksum is not fetched again');
});

test('get_url: a wrong md5 fails and writes nothing; a checksums file for sha512 is read as Ansible reads it', async t => {
	const content = 'other bytes\n';
	const mirror = await serve(t, {'a.bin': content, 'SHA512SUMS': `${digest('sha512', content)} *a.bin\n`});
	const dir = await tempDir(t);
	const wrong = digest('md5', 'x');
	const error = await t.throwsAsync(runTask(getUrl, {url: mirror.urlOf('a.bin'), dest: join(dir, 'a.bin'), checksum: `md5:${wrong}`}, localHost()));
	t.is(error?.message, `cannot download a.bin: md5 mismatch: expected ${wrong}, got ${digest('md5', content)} (12 bytes, from ${mirror.urlOf('a.bin')}); nothing was written to the host`);
	t.deepEqual(await readdir(dir), []);
	const listed = await runTask(getUrl, {url: mirror.urlOf('a.bin'), dest: join(dir, 'a.bin'), checksum: `sha512:${mirror.urlOf('SHA512SUMS')}`}, localHost());
	t.like(listed, {status: 'changed'});
	t.is(await readFile(join(dir, 'a.bin'), 'utf8'), content);
});

test('get_url without a checksum: force: false keeps an existing file unfetched, force: true replaces it when the bytes differ; a dest directory takes the URL\'s name', async t => {
	const mirror = await serve(t, {'rel/conf.txt': 'new\n'});
	const dir = await tempDir(t);
	await writeFile(join(dir, 'conf.txt'), 'old\n');
	const url = mirror.urlOf('rel/conf.txt');
	t.like(await runTask(getUrl, {url, dest: join(dir, 'conf.txt')}, localHost()), {status: 'ok', result: {msg: 'file already exists'}});
	t.is(gets(mirror, 'rel/conf.txt'), 0);
	t.like(await runTask(getUrl, {url, dest: join(dir, 'conf.txt'), force: true}, localHost()), {status: 'changed', result: {checksum_dest: digest('sha1', 'old\n'), checksum_src: digest('sha1', 'new\n')}});
	t.is(await readFile(join(dir, 'conf.txt'), 'utf8'), 'new\n');
	const into = join(dir, 'into');
	await mkdir(into);
	t.like(await runTask(getUrl, {url, dest: into}, localHost()), {status: 'changed', result: {dest: join(into, 'conf.txt')}});
	t.like(await runTask(getUrl, {url, dest: into}, localHost()), {status: 'ok'}, 'same bytes: unchanged');
});

test('get_url rejects a checksum it cannot verify, naming the forms it takes', t => {
	const check = (params: Record<string, unknown>) => getUrl.validate?.({url: 'http://x/y', dest: '/d', checksum: '', ...params} as never);
	t.is(check({checksum: 'crc32:abcd'}), 'checksum \'crc32:abcd\' uses crc32; write checksum: \'ALGORITHM:<hex digits>\' or \'ALGORITHM:<URL of a checksums file>\', ALGORITHM one of md5, sha1, sha224, sha256, sha384, sha512');
	t.regex(check({checksum: 'sha1:abc'}) ?? '', /after 'sha1:' comes 40 hex digits/);
	t.is(check({url: 'ftp://x/y'}), 'url must be an http:// or https:// URL, got \'ftp://x/y\'');
});

test('unarchive: a zip from the controller, extracted by unzip, then unchanged; list_files gives the archive\'s names; check mode predicted it', async t => {
	const tree = await releaseTree(t);
	const zip = join(tree, '..', 'tool.zip');
	execFileSync('zip', ['-q', '-r', '--symlinks', zip, 'tool'], {cwd: tree});
	const dest = await tempDir(t);
	const params = {src: zip, dest, list_files: true};
	const first = await checkThenApply(t, unarchive, params, dest);
	t.like(first, {status: 'changed', result: {handler: 'ZipArchive'}});
	t.deepEqual((first.result['files'] as string[]).sort(), ['tool/', 'tool/bin/', 'tool/bin/tctl', 'tool/bin/toold', 'tool/doc/', 'tool/doc/README.txt']);
	t.is(await readFile(join(dest, 'tool', 'bin', 'toold'), 'utf8'), '#!/bin/sh\necho toold\n');
	t.is((await stat(join(dest, 'tool', 'bin', 'toold'))).mode & 0o777, 0o755);
	t.is(await readlink(join(dest, 'tool', 'bin', 'tctl')), 'toold');
	t.deepEqual((await readdir(dest)).sort(), ['tool'], 'no temp file left');
	t.like(await runTask(unarchive, params, localHost()), {status: 'ok'});
});

test('unarchive: a tar.xz on the host (remote_src) with --strip-components and exclude; keep_newer keeps a newer file', async t => {
	const tree = await releaseTree(t);
	const archive = join(tree, '..', 'tool.tar.xz');
	execFileSync('tar', ['-cJf', archive, '--mtime=2020-01-01', 'tool'], {cwd: tree});
	const dest = await tempDir(t);
	const params = {src: archive, dest, remote_src: true, extra_opts: ['--strip-components=1'], exclude: ['*.txt'], list_files: true};
	const first = await checkThenApply(t, unarchive, params, dest);
	t.like(first, {status: 'changed', msg: `${dest}: 4 of 4 members of ${archive} written: bin, bin/tctl, bin/toold, doc`, result: {handler: 'TarArchive'}});
	t.deepEqual((first.result['files'] as string[]).sort(), ['', 'bin/', 'bin/tctl', 'bin/toold', 'doc/'], 'the excluded README is not listed; its directory is, as tar extracts it');
	t.deepEqual((await readdir(join(dest, 'doc'))), []);
	await writeFile(join(dest, 'bin', 'toold'), 'mine, newer than the archive\n');
	t.like(await runTask(unarchive, {...params, keep_newer: true}, localHost()), {status: 'ok'});
	t.like(await runTask(unarchive, params, localHost()), {status: 'changed', msg: `${dest}: 1 of 4 members of ${archive} written: bin/toold`});
});

test('unarchive: creates skips the task, as Ansible skips it; a URL src is fetched into the controller\'s cache once', async t => {
	const tree = await releaseTree(t);
	const archive = join(tree, '..', 'tool.tgz');
	execFileSync('tar', ['-czf', archive, 'tool'], {cwd: tree});
	const mirror = await serve(t, {'tool.tgz': await readFile(archive)});
	const dest = await tempDir(t);
	t.like(await runTask(unarchive, {src: mirror.urlOf('tool.tgz'), dest, include: ['tool/bin']}, localHost()), {status: 'changed', result: {handler: 'TgzArchive'}});
	t.deepEqual((await readdir(join(dest, 'tool'))).sort(), ['bin']);
	t.like(await runTask(unarchive, {src: mirror.urlOf('tool.tgz'), dest, creates: join(dest, 'tool')}, localHost()), {status: 'skipped', msg: `skipped, since ${join(dest, 'tool')} exists`});
	t.is(gets(mirror, 'tool.tgz'), 1);
});

test('unarchive: a missing dest fails with what to do; extra_opts pb cannot honour are rejected', async t => {
	const tree = await releaseTree(t);
	const archive = join(tree, '..', 'tool.tar');
	execFileSync('tar', ['-cf', archive, 'tool'], {cwd: tree});
	const dest = join(await tempDir(t), 'none');
	t.like(await runTask(unarchive, {src: archive, dest}, localHost()), {status: 'failed', msg: `dest ${dest} does not exist on the host; unarchive extracts into an existing directory: create it first (file: state=directory)`});
	t.is(unarchive.validate?.({src: archive, dest, extra_opts: ['-v'], include: [], exclude: [], remote_src: false, list_files: false, keep_newer: false, validate_certs: true} as never), 'extra_opts: pb does not pass options to tar and understands only --strip-components=N, --exclude=PATTERN and --no-same-owner, got \'-v\'; use include, exclude or mode instead');
});
