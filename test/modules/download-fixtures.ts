import {createHash} from 'node:crypto';
import {mkdtemp, readdir, rm, writeFile, mkdir} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import type {ExecutionContext} from 'ava';
import {ArtifactMirror} from '../lab/artifact-mirror.js';

/*
 * What the download and untar tests share: a controller cache of their own (set before any
 * module asks for it), and HTTP mirrors on loopback that stop with the test.
 */

export const cacheDirectory = await mkdtemp(join(tmpdir(), 'pb-artifact-cache-'));
process.env['PB_CACHE_DIR'] = cacheDirectory;

export function sha256(content: Buffer | string): string {
	return createHash('sha256').update(content).digest('hex');
}

/** An HTTP server on 127.0.0.1 serving these files (path -> bytes); closed when the test ends. */
export async function serve(t: ExecutionContext, files: Readonly<Record<string, Buffer | string>>, address = '127.0.0.1'): Promise<ArtifactMirror> {
	const root = await mkdtemp(join(tmpdir(), 'pb-mirror-'));
	for (const [path, content] of Object.entries(files)) {
		await mkdir(dirname(join(root, path)), {recursive: true});
		await writeFile(join(root, path), content);
	}

	const mirror = await ArtifactMirror.start(root, address);
	t.teardown(async () => {
		await mirror.close();
		await rm(root, {recursive: true, force: true});
	});
	return mirror;
}

/** How many times the mirror was asked for `path`'s bytes. */
export function gets(mirror: ArtifactMirror, path: string): number {
	return mirror.requests.filter(request => request.method === 'GET' && request.path === `/${path}`).length;
}

/** What the cache holds: its files by hash, and any temp file left behind. */
export async function cacheContents(): Promise<{kept: string[]; temp: string[]}> {
	const list = async (folder: string) => readdir(join(cacheDirectory, folder)).catch(() => []);
	return {kept: await list('sha256'), temp: await list('tmp')};
}
