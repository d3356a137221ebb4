import {lstat, mkdtemp, readdir, readFile, readlink, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import type {ExecutionContext} from 'ava';

/** Everything about a directory tree that a module could change: kinds, modes, owners, times, contents. */
export async function snapshot(root: string): Promise<Record<string, string>> {
	const entries: Record<string, string> = {};
	async function walk(path: string): Promise<void> {
		const info = await lstat(path);
		const content = info.isFile() ? (await readFile(path)).toString('base64') : info.isSymbolicLink() ? await readlink(path) : '';
		entries[path] = `${info.mode.toString(8)} ${info.uid}:${info.gid} ${info.mtimeMs} ${info.ino} ${content}`;
		if (info.isDirectory()) {
			for (const name of await readdir(path)) {
				await walk(join(path, name));
			}
		}
	}

	await walk(root);
	return entries;
}

/** A fresh temp directory, removed when the test ends. */
export async function tempDir(t: ExecutionContext): Promise<string> {
	const dir = await mkdtemp(join(tmpdir(), 'pb-modules-'));
	t.teardown(async () => rm(dir, {recursive: true, force: true}));
	return dir;
}
