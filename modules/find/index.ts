import {posix} from 'node:path';
import {formatMode} from '../../engine/host/attributes.js';
import {defineModule, type Plan} from '../../engine/module.js';
import {contentScript, listingScript} from './script.js';
import {parseContentMatches, parseListing, type Entry} from './parse.js';

/*
 * find: the files under some directories that match, as Ansible's find selects and describes them.
 * One round trip lists every entry with its stat fields; names, types, ages and sizes are matched
 * on the controller; only contains and get_checksum look into the candidate files, in a second.
 */

const seconds: Readonly<Record<string, number>> = {s: 1, m: 60, h: 3600, d: 86_400, w: 604_800};
const bytes: Readonly<Record<string, number>> = {b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4};

/** '2d', '-1w', '10k' as Ansible reads them: a signed number and a unit; undefined when unreadable. */
function amount(value: string, units: Readonly<Record<string, number>>): number | undefined {
	const match = /^(-?\d+)([a-z])?$/.exec(value.toLowerCase());
	if (!match || (match[2] !== undefined && units[match[2]] === undefined)) {
		return undefined;
	}

	return Number(match[1]) * (match[2] === undefined ? 1 : units[match[2]]!);
}

/** Python's fnmatch: the whole name; `*` and `?` cross anything, `[!...]` negates. */
function globRegex(glob: string): RegExp {
	let source = '';
	for (let at = 0; at < glob.length; at++) {
		const char = glob[at]!;
		const close = char === '[' ? glob.indexOf(']', at + 2) : -1;
		if (char === '*') {
			source += '.*';
		} else if (char === '?') {
			source += '.';
		} else if (close !== -1) {
			const set = glob.slice(at + 1, close).replaceAll('\\', '\\\\');
			source += set.startsWith('!') ? `[^${set.slice(1)}]` : `[${set}]`;
			at = close;
		} else {
			source += char.replaceAll(/[.+^${}()|[\]\\/]/g, '\\$&');
		}
	}

	return new RegExp(`^${source}$`, 's');
}

/** A Python regex as re.match applies it: from the name's start, named groups in JS's spelling. */
function pythonRegex(pattern: string): RegExp {
	return new RegExp(`^(?:${pattern.replaceAll('(?P<', '(?<')})`, 's');
}

interface FindParams {
	readonly patterns: readonly string[];
	readonly excludes?: readonly string[] | undefined;
	readonly use_regex: boolean;
}

/** Ansible's pfilter: a name matching a pattern and no exclude. */
function nameMatches(name: string, params: FindParams): boolean {
	const compile = params.use_regex ? pythonRegex : globRegex;
	const patterns = params.patterns.length > 0 ? params.patterns : [params.use_regex ? '.*' : '*'];
	return patterns.some(pattern => compile(pattern).test(name)) && !(params.excludes ?? []).some(pattern => compile(pattern).test(name));
}

/** The entry as Ansible's statinfo describes it. */
function statInfo(entry: Entry): Record<string, unknown> {
	const bit = (mask: number) => (entry.mode & mask) !== 0;
	return {
		path: entry.path, mode: formatMode(entry.mode),
		isdir: entry.type === 'd', ischr: entry.type === 'c', isblk: entry.type === 'b', isreg: entry.type === 'f', isfifo: entry.type === 'p', islnk: entry.type === 'l', issock: entry.type === 's',
		uid: entry.uid, gid: entry.gid, size: entry.size, inode: entry.inode, dev: entry.dev, nlink: entry.nlink,
		atime: entry.atime, mtime: entry.mtime, ctime: entry.ctime, gr_name: entry.group, pw_name: entry.owner,
		wusr: bit(0o200), rusr: bit(0o400), xusr: bit(0o100), wgrp: bit(0o20), rgrp: bit(0o40), xgrp: bit(0o10), woth: bit(0o2), roth: bit(0o4), xoth: bit(0o1),
		isuid: bit(0o4000), isgid: bit(0o2000),
	};
}

/**
 * find's preorder listing in the order Ansible's os.walk gives: each directory's other entries,
 * then its directories (a link to one among them), then each of those directories' own, in turn.
 */
function walkOrder(root: string, entries: readonly Entry[]): Entry[] {
	const children = new Map<string, Entry[]>();
	for (const entry of entries) {
		const parent = posix.dirname(entry.path);
		children.set(parent, [...children.get(parent) ?? [], entry]);
	}

	const ordered: Entry[] = [];
	const visit = (directory: string) => {
		const here = children.get(directory) ?? [];
		const directories = here.filter(entry => entry.followedType === 'd');
		ordered.push(...here.filter(entry => entry.followedType !== 'd'), ...directories);
		for (const child of directories) {
			visit(child.path);
		}
	};

	visit(root);
	return ordered;
}

const schema = {
	paths: {type: 'list', elements: 'str', required: true, aliases: ['name', 'path'], description: 'Directories on the host to search'},
	patterns: {type: 'list', elements: 'str', default: [], aliases: ['pattern'], description: 'Shell globs (or, with use_regex, Python regexes) one of which a base name must match; none: everything'},
	excludes: {type: 'list', elements: 'str', aliases: ['exclude'], description: 'Globs (or regexes) of base names left out'},
	contains: {type: 'str', description: 'A regex a file\'s line must match from its start (with read_whole_file: found anywhere in the file); files only'},
	read_whole_file: {type: 'bool', default: false, description: 'Search contains in the whole file rather than line by line'},
	file_type: {type: 'str', choices: ['any', 'directory', 'file', 'link'], default: 'file', description: 'The type of entry to return'},
	age: {type: 'str', description: 'Entries at least this old (\'2d\', \'4w\'; s m h d w), or at most, when negative (\'-1h\')'},
	age_stamp: {type: 'str', choices: ['atime', 'ctime', 'mtime'], default: 'mtime', description: 'The time age compares'},
	size: {type: 'str', description: 'Files at least this big (\'10k\'; b k m g t), or at most, when negative'},
	recurse: {type: 'bool', default: false, description: 'Look in subdirectories too'},
	depth: {type: 'int', minimum: 0, description: 'With recurse, how many levels down (1: the directory\'s own entries); 0 or unset: all'},
	hidden: {type: 'bool', default: false, description: 'Return names starting with a dot too (their directories are searched either way)'},
	follow: {type: 'bool', default: false, description: 'Walk into directories that links point to'},
	get_checksum: {type: 'bool', default: false, description: 'Give each regular file\'s sha1 as checksum'},
	use_regex: {type: 'bool', default: false, description: 'patterns and excludes are Python regexes matched from the base name\'s start'},
} as const;

interface FindState {
	readonly files: ReadonlyArray<Record<string, unknown>>;
	readonly examined: number;
	readonly skipped: Readonly<Record<string, string>>;
}

export default defineModule({
	name: 'find',
	summary: 'List the files under directories on the host that match names, types, ages, sizes or content (never changes anything)',
	params: schema,
	example: `- name: Old logs
  find:
    paths: /var/log/pods
    patterns: '*.log'
    age: 2w
    recurse: true
  register: old_logs`,
	validate(params) {
		if (params.age !== undefined && amount(params.age, seconds) === undefined) {
			return `age '${params.age}' is not a number with an optional unit s, m, h, d or w (e.g. 2d, -1h)`;
		}

		if (params.size !== undefined && amount(params.size, bytes) === undefined) {
			return `size '${params.size}' is not a number with an optional unit b, k, m, g or t (e.g. 10k, -1m)`;
		}

		try {
			for (const pattern of [...params.patterns, ...params.excludes ?? []]) {
				(params.use_regex ? pythonRegex : globRegex)(pattern);
			}
		} catch (error) {
			return `patterns/excludes: ${(error as Error).message}`;
		}

		return undefined;
	},
	async read(ctx, params): Promise<FindState> {
		const maxDepth = !params.recurse ? 1 : params.depth ? params.depth + 1 : undefined;
		const listed = await ctx.run(listingScript({paths: params.paths, maxDepth, follow: params.follow}), {inline: true});
		if (listed.stderr.trim() !== '') {
			ctx.warn(`find on ${ctx.host}: ${listed.stderr.trim()}`);
		}

		const {now, paths} = parseListing(listed.stdout);
		const age = params.age === undefined ? undefined : amount(params.age, seconds)!;
		const size = params.size === undefined ? undefined : amount(params.size, bytes)!;
		const ageOk = (entry: Entry) => age === undefined || (age >= 0 ? now - entry[params.age_stamp] >= age : now - entry[params.age_stamp] <= -age);
		const sizeOk = (entry: Entry) => size === undefined || (size >= 0 ? entry.size >= size : entry.size <= -size);
		const typeOk = (entry: Entry) => params.file_type === 'any' || {directory: 'd', file: 'f', link: 'l'}[params.file_type] === entry.type;
		const skipped: Record<string, string> = {};
		const candidates: Entry[] = [];
		let examined = 0;
		for (const {path, entries} of paths) {
			if (entries === undefined) {
				skipped[path] = `'${path}' is not a directory`;
				ctx.warn(`Skipped '${path}' path due to this access issue: '${path}' is not a directory`);
				continue;
			}

			examined += entries.length;
			const shown = walkOrder(posix.normalize(path).replace(/(.)\/$/, '$1'), entries.map(entry => ({...entry, path: posix.normalize(entry.path)})));
			candidates.push(...shown.filter(entry => (params.depth ? entry.depth <= params.depth : true)
				&& (params.hidden || !posix.basename(entry.path).startsWith('.'))
				&& typeOk(entry) && nameMatches(posix.basename(entry.path), params) && ageOk(entry)
				&& (entry.type !== 'f' || sizeOk(entry))));
		}

		// contains (Ansible applies it to file_type: file only) and get_checksum look into regular files, when asked.
		const contains = params.file_type === 'file' ? params.contains : undefined;
		const looked = candidates.filter(entry => entry.type === 'f').map(entry => entry.path);
		const lookInto = (contains !== undefined || params.get_checksum) && looked.length > 0;
		const matches = lookInto ? parseContentMatches((await ctx.run(contentScript(looked, contains, params.read_whole_file, params.get_checksum), {inline: true})).stdout) : undefined;
		const files = candidates.flatMap(entry => {
			const sum = matches?.get(entry.path);
			if (entry.type !== 'f' || matches === undefined) {
				return [statInfo(entry)];
			}

			return sum === undefined ? [] : [{...statInfo(entry), ...(params.get_checksum ? {checksum: sum} : {})}];
		});
		return {files, examined, skipped};
	},
	plan({files, examined, skipped}): Plan<undefined> {
		const msg = Object.keys(skipped).length > 0 ? 'Not all paths examined, check warnings for details' : 'All paths examined';
		// Ansible's message, as register gives it; the counts are in matched and examined.
		return {changed: false, msg, steps: undefined, result: {files, matched: files.length, examined, skipped_paths: skipped}};
	},
	async apply() {
		// The plan is never changed, so the engine never calls this.
		return {};
	},
});
