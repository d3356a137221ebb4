import {createHash} from 'node:crypto';
import {mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import type {Writable} from 'node:stream';
import {setTimeout} from 'node:timers/promises';
import test from 'ava';
import * as tar from 'tar';
import {ArtifactCache} from '../../engine/artifacts/cache.js';
import {archiveMembers} from '../../engine/artifacts/tar-members.js';

function sha256Of(content: Buffer): string {
	return createHash('sha256').update(content).digest('hex');
}

/** Puts `content` into the cache as a read back from a host does. */
async function keep(cache: ArtifactCache, text: string) {
	const content = Buffer.from(text);
	return cache.readOnce(sha256Of(content), 'the test\'s bytes', async sink => {
		sink.end(content);
	});
}

async function scratch(t: {teardown(fn: () => Promise<void>): void}): Promise<string> {
	const directory = await mkdtemp(join(tmpdir(), 'pb-cache-test-'));
	t.teardown(async () => rm(directory, {recursive: true, force: true}));
	return directory;
}

test('a cached file is hashed once and its size, mtime and inode kept; a file changed since is found damaged by the next run and removed', async t => {
	const directory = await scratch(t);
	const kept = await keep(new ArtifactCache(directory), 'the artifact');
	// Hashed on its way in: stamped at once.
	const info = await stat(kept.path);
	t.is(await readFile(join(directory, 'verified', kept.sha256), 'utf8'), `${info.size} ${info.mtimeMs} ${info.ino}`);
	// Each ArtifactCache is a run: this one has not checked the file yet.
	t.is((await new ArtifactCache(directory).lookup(kept.sha256))?.path, kept.path);

	await writeFile(kept.path, 'other bytes, written later');
	t.is(await new ArtifactCache(directory).lookup(kept.sha256), undefined);
	await t.throwsAsync(stat(kept.path), {code: 'ENOENT'});
});

test('lookups made at once (every host\'s task) share one check: a damaged file is found so by all, and removed', async t => {
	const directory = await scratch(t);
	const kept = await keep(new ArtifactCache(directory), 'the artifact');
	await writeFile(kept.path, 'damaged');
	const cache = new ArtifactCache(directory);
	t.deepEqual(await Promise.all(Array.from({length: 5}, async () => cache.lookup(kept.sha256))), [undefined, undefined, undefined, undefined, undefined]);
	await t.throwsAsync(stat(kept.path), {code: 'ENOENT'});
	const again = await keep(cache, 'the artifact');
	t.is((await cache.lookup(kept.sha256))?.path, again.path);
});

test('an archive read back from hosts at once is read from one of them, streamed into the cache and checked; a failed read is not shared, and the next caller reads for itself', async t => {
	const directory = await scratch(t);
	const content = Buffer.from('the archive');
	const cache = new ArtifactCache(directory);
	let reads = 0;
	const read = async (sink: Writable) => {
		reads += 1;
		sink.write(content.subarray(0, 4));
		await setTimeout(10);
		sink.end(content.subarray(4));
	};

	const kept = await Promise.all(Array.from({length: 5}, async () => cache.readOnce(sha256Of(content), 'the archive on host1', read)));
	t.is(reads, 1);
	t.deepEqual(new Set(kept.map(artifact => artifact.path)), new Set([cache.pathOf(sha256Of(content))]));
	t.is(await readFile(cache.pathOf(sha256Of(content)), 'utf8'), 'the archive');

	const other = Buffer.from('another archive');
	let started: () => void = () => undefined;
	const reading = new Promise<void>(resolve => {
		started = resolve;
	});
	const failing = cache.readOnce(sha256Of(other), 'the archive on host2', async sink => {
		started();
		sink.write('half of it');
		await setTimeout(50);
		throw new Error('the host went away');
	});
	// Asked while the first read is under way: it waits for that one, then reads for itself.
	await reading;
	const waiting = cache.readOnce(sha256Of(other), 'the archive on host3', async sink => {
		sink.end(other);
	});
	await t.throwsAsync(failing, {message: 'the host went away'});
	t.is((await waiting).sha256, sha256Of(other));

	const changed = Buffer.from('yet another archive');
	await t.throwsAsync(cache.readOnce(sha256Of(changed), '/opt/a.tgz on host4', async sink => {
		sink.end('other bytes');
	}), {message: `/opt/a.tgz on host4 changed while it was read (sha256 ${sha256Of(changed)}, then ${sha256Of(Buffer.from('other bytes'))}); run again`});
	t.is(await cache.lookup(sha256Of(changed)), undefined);
	t.deepEqual(await readdir(join(directory, 'tmp')), [], 'no temp file left by the failed and the wrong reads');
});

test('an archive\'s members are read once and kept for later runs, which need not read the archive', async t => {
	const directory = await scratch(t);
	await mkdir(join(directory, 'tree', 'bin'), {recursive: true});
	await writeFile(join(directory, 'tree', 'bin', 'tool'), 'binary', {mode: 0o755});
	const archive = join(directory, 'archive.tar.gz');
	await tar.create({file: archive, cwd: join(directory, 'tree'), gzip: true, portable: true}, ['bin']);
	const keptAt = join(directory, 'members', 'archive');

	const members = await archiveMembers(archive, keptAt);
	t.deepEqual(members.map(({name, type, mode, size}) => ({name, type, mode, size})), [
		{name: 'bin/', type: 'directory', mode: 0o755, size: 0},
		{name: 'bin/tool', type: 'file', mode: 0o755, size: 6},
	]);
	// Another run: the archive is gone, the kept list answers.
	await rm(archive);
	t.deepEqual(await archiveMembers(join(directory, 'elsewhere.tar.gz'), keptAt), members);
});
