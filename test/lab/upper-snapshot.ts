import {createHash} from 'node:crypto';
import {readdir, readFile, readlink, lstat} from 'node:fs/promises';
import {join} from 'node:path';

/**
 * One entry of an overlay upper dir. A whiteout is overlayfs' mark of a file the host deleted from
 * the base. Files carry their mtime too: rewriting a file with the same bytes is still a write.
 */
export type UpperEntry =
	| {readonly type: 'file'; readonly mode: number; readonly uid: number; readonly gid: number; readonly sha256: string; readonly mtimeMs: number}
	| {readonly type: 'directory'; readonly mode: number; readonly uid: number; readonly gid: number}
	| {readonly type: 'symlink'; readonly target: string; readonly uid: number; readonly gid: number}
	| {readonly type: 'whiteout'}
	| {readonly type: 'other'; readonly mode: number; readonly uid: number; readonly gid: number};

/** Path inside the host (leading '/') -> what the upper dir holds there. */
export type UpperSnapshot = ReadonlyMap<string, UpperEntry>;

/** What is at `path` on this machine, in an upper dir or anywhere else. */
export async function describePath(path: string): Promise<UpperEntry> {
	const info = await lstat(path);
	const owner = {uid: info.uid, gid: info.gid};
	if (info.isFile()) {
		const sha256 = createHash('sha256').update(await readFile(path)).digest('hex');
		return {type: 'file', mode: info.mode & 0o7777, ...owner, sha256, mtimeMs: info.mtimeMs};
	}

	if (info.isDirectory()) {
		return {type: 'directory', mode: info.mode & 0o7777, ...owner};
	}

	if (info.isSymbolicLink()) {
		return {type: 'symlink', target: await readlink(path), ...owner};
	}

	if (info.isCharacterDevice() && info.rdev === 0) {
		return {type: 'whiteout'};
	}

	return {type: 'other', mode: info.mode, ...owner};
}

/**
 * Every path below `directory`, relative to it. Symbolic links are listed, never followed (Node's own
 * recursive readdir follows them: a link in an upper dir to /etc would list the machine's /etc).
 */
async function listTree(directory: string, below = ''): Promise<string[]> {
	let entries;
	try {
		entries = await readdir(join(directory, below), {withFileTypes: true});
	} catch (error) {
		// Gone between listing its parent and reading it: the host removed it meanwhile.
		if (below !== '' && (error as NodeJS.ErrnoException).code === 'ENOENT') {
			return [];
		}

		throw error;
	}

	const names = [];
	for (const entry of entries) {
		const name = below === '' ? entry.name : `${below}/${entry.name}`;
		names.push(name, ...entry.isDirectory() ? await listTree(directory, name) : []);
	}

	return names;
}

/** Everything in an upper dir, read while the host runs (a file being written may show half its bytes). */
export async function snapshotDirectory(upper: string): Promise<UpperSnapshot> {
	const snapshot = new Map<string, UpperEntry>();
	const names = await listTree(upper);
	for (const name of names.sort()) {
		try {
			snapshot.set(`/${name}`, await describePath(join(upper, name)));
		} catch (error) {
			// Gone between listing and reading: the host removed it meanwhile.
			if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
				throw error;
			}
		}
	}

	return snapshot;
}

export interface UpperDiff {
	readonly added: string[];
	readonly removed: string[];
	readonly changed: string[];
}

/** What differs between two snapshots, leaving out `ignore`d paths (and what lies under them). */
export function diffSnapshots(before: UpperSnapshot, after: UpperSnapshot, ignore: Iterable<string> = []): UpperDiff {
	const ignored = [...ignore];
	const kept = (path: string) => !ignored.some(prefix => path === prefix || path.startsWith(`${prefix}/`));
	const diff: UpperDiff = {added: [], removed: [], changed: []};
	for (const [path, entry] of after) {
		const previous = before.get(path);
		if (!kept(path)) {
			continue;
		}

		if (previous === undefined) {
			diff.added.push(path);
		} else if (JSON.stringify(previous) !== JSON.stringify(entry)) {
			diff.changed.push(path);
		}
	}

	for (const path of before.keys()) {
		if (kept(path) && !after.has(path)) {
			diff.removed.push(path);
		}
	}

	return diff;
}
