/*
 * Reading what the listing script prints: NUL-separated fields, a header per path, and per entry
 * its lstat fields (script.ts's entryFormat) then its path.
 */

export interface Entry {
	readonly path: string;
	readonly depth: number;
	/** find's %y letter: f d l c b p s. */
	readonly type: string;
	/** The type with links followed (%Y): a link to a directory walks as a directory in Ansible's order. */
	readonly followedType: string;
	readonly mode: number;
	readonly uid: number;
	readonly gid: number;
	readonly size: number;
	readonly inode: number;
	readonly dev: number;
	readonly nlink: number;
	readonly atime: number;
	readonly mtime: number;
	readonly ctime: number;
	readonly owner: string;
	readonly group: string;
}

export interface Listing {
	/** The host's clock when it listed, in seconds. */
	readonly now: number;
	/** Per path asked for: its entries in find's order, or undefined when it is not a directory. */
	readonly paths: ReadonlyArray<{readonly path: string; readonly entries: readonly Entry[] | undefined}>;
}

function parseEntry(fields: string, path: string): Entry {
	const [depth = '0', type = '', followedType = '', mode = '0', uid = '0', gid = '0', size = '0', inode = '0', dev = '0', nlink = '0', atime = '0', mtime = '0', ctime = '0', owner = '', group = ''] = fields.split(' ');
	return {
		path, depth: Number(depth), type, followedType, mode: Number.parseInt(mode, 8), uid: Number(uid), gid: Number(gid), size: Number(size),
		inode: Number(inode), dev: Number(dev), nlink: Number(nlink), atime: Number(atime), mtime: Number(mtime), ctime: Number(ctime), owner, group,
	};
}

export function parseListing(stdout: string): Listing {
	const tokens = stdout.split('\0');
	const now = Number(tokens[0]);
	const paths: Array<{path: string; entries: Entry[] | undefined}> = [];
	for (let at = 1; at + 1 < tokens.length; at += 2) {
		const [first = '', second = ''] = [tokens[at], tokens[at + 1]];
		if (first === 'dir' || first === 'notdir') {
			paths.push({path: second, entries: first === 'dir' ? [] : undefined});
		} else {
			paths.at(-1)?.entries?.push(parseEntry(first, second));
		}
	}

	return {now, paths};
}

/** The content script's answer: each matching file with its sha1 ('' when not asked for). */
export function parseContentMatches(stdout: string): Map<string, string> {
	const tokens = stdout.split('\0');
	const matches = new Map<string, string>();
	for (let at = 0; at + 1 < tokens.length; at += 2) {
		matches.set(tokens[at]!, tokens[at + 1]!);
	}

	return matches;
}
