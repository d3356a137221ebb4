import {createHash} from 'node:crypto';
import {mkdir, mkdtemp, readFile, rm, stat, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {setTimeout} from 'node:timers/promises';
import {join} from 'node:path';
import test from 'ava';
import * as tar from 'tar';
import {ArtifactCache} from '../../engine/artifact-cache.js';
import {archiveMembers} from '../../engine/artifacts/tar-members.js';

async function scratch(t: {teardown(fn: () => Promise<void>): void}): Promise<string> {
	const directory = await mkdtemp(join(tmpdir(), 'pb-cache-test-'));
	t.teardown(async () => rm(directory, {recursive: true, force: true}));
	return directory;
}

test('a cached file is hashed once and its size, mtime and inode kept; a file changed since is found damaged by the next run and removed', async t => {
	const directory = await scratch(t);
	const kept = await new ArtifactCache(directory).store(Buffer.from('the artifact'));
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
	const kept = await new ArtifactCache(directory).store(Buffer.from('the artifact'));
	await writeFile(kept.path, 'damaged');
	const cache = new ArtifactCache(directory);
	t.deepEqual(await Promise.all(Array.from({length: 5}, async () => cache.lookup(kept.sha256))), [undefined, undefined, undefined, undefined, undefined]);
	await t.throwsAsync(stat(kept.path), {code: 'ENOENT'});
	const again = await cache.store(Buffer.from('the artifact'));
	t.is((await cache.lookup(kept.sha256))?.path, again.path);
});

test('an archive read back from hosts at once is read from one of them; a failed read is not shared, and the next caller reads for itself', async t => {
	const directory = await scratch(t);
	const content = Buffer.from('the archive');
	const sha256 = createHash('sha256').update(content).digest('hex');
	const cache = new ArtifactCache(directory);
	let reads = 0;
	const read = async () => {
		reads += 1;
		return content;
	};

	const kept = await Promise.all(Array.from({length: 5}, async () => cache.readOnce(sha256, read)));
	t.is(reads, 1);
	t.deepEqual(new Set(kept.map(artifact => artifact.path)), new Set([cache.pathOf(sha256)]));
	t.is(await readFile(cache.pathOf(sha256), 'utf8'), 'the archive');

	const other = Buffer.from('another archive');
	const otherSha256 = createHash('sha256').update(other).digest('hex');
	let started: () => void = () => undefined;
	const reading = new Promise<void>(resolve => {
		started = resolve;
	});
	const failing = cache.readOnce(otherSha256, async () => {
		started();
		await setTimeout(50);
		throw new Error('the host went away');
	});
	// Asked while the first read is under way: it waits for that one, then reads for itself.
	await reading;
	const waiting = cache.readOnce(otherSha256, async () => other);
	await t.throwsAsync(failing, {message: 'the host went away'});
	t.is((await waiting).sha256, otherSha256);
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
