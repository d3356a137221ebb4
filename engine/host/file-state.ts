import {createHash} from 'node:crypto';
import {posix} from 'node:path';
import type {ExecOptions, ExecResult} from '../connection/connection.js';
import {quoteShell} from '../shell-words.js';
import {type FileSums, type KnownSum, rememberedFrom} from './file-sums.js';

/*
 * What a file on a host is: the state a read reports, the script lines that find a path, and the
 * parser of what they print. Reading (read-files.ts), reading many at once (read-many.ts) and
 * writing (write-file.ts) share them. Each operation on a host is one POSIX sh script run through
 * `ctx.run`, so one round trip, the same over SSH and locally.
 */

/** What reading and writing a host's files needs of the host: the part of a module's HostContext they use. */
export interface HostRunner {
	readonly host: string;
	/** The host's connection with the task's become and environment already applied. */
	run(command: string, options?: Omit<ExecOptions, 'become'>): Promise<ExecResult>;
	/**
	 * In check mode: what earlier tasks of this run would have left at `path` (a directory a
	 * `file` task would create, a file a `copy` would write). Undefined outside check mode or
	 * when no earlier task touches the path. Reading it lets --check predict later tasks right.
	 */
	predictedPath?(path: string): PredictedPath | undefined;
	/** The sums of large files pb hashed or wrote on the host, this run and before (reads keep them). */
	readonly fileSums?: FileSums;
	/** Hash every file read in full, trusting no sum taken before (--verify-content, `verify: content`). */
	readonly verifyContent?: boolean;
	/** File states read ahead for this task and the next ones (reads use it). */
	readonly readAhead?: ReadAheadCache;
}

/** What a path would hold after a task's apply, as its plan predicts it. */
export interface PredictedPath {
	readonly path: string;
	readonly type: 'file' | 'directory' | 'link' | 'absent';
	readonly mode?: number | undefined;
	readonly owner?: string | undefined;
	readonly group?: string | undefined;
	readonly sha256?: string | undefined;
	readonly content?: Buffer | undefined;
}

/** A host file operation failed; the message says what, where, and the host's own words. */
export class HostFileError extends Error {
	override readonly name = 'HostFileError';
	readonly host: string;
	readonly path: string;
	readonly stderr: string;

	constructor(host: string, path: string, message: string, stderr: string) {
		super(stderr.trim() ? `${message}: ${stderr.trim()}` : message);
		this.host = host;
		this.path = path;
		this.stderr = stderr;
	}
}

export type FileType = 'file' | 'directory' | 'link' | 'other';

export type FileState =
	| {readonly path: string; readonly exists: false; readonly parentIsDir: boolean}
	| {
		readonly path: string;
		readonly exists: true;
		readonly type: FileType;
		/** Permission bits including setuid/setgid/sticky, e.g. 0o644. */
		readonly mode: number;
		readonly uid: number;
		readonly gid: number;
		/** The user's name, or the uid as a string when it has none. */
		readonly owner: string;
		readonly group: string;
		readonly size: number;
		/** Seconds since the epoch. */
		readonly mtime: number;
		/** `device:inode`, to tell whether two paths are one file (hard links). */
		readonly inode: string;
		/** Regular files only, unless checksums were not asked for. */
		readonly sha256?: string;
		/** Regular files up to `contentLimit` bytes, when asked for (for diffs). */
		readonly content?: Buffer;
		/** Symbolic links: where the link points, as written. */
		readonly linkTarget?: string;
		/** With `beneath`: how many entries under the directory differ from those attributes. */
		readonly differingBeneath?: number;
	};

/** A file's mode, owner and group; unset ones are left alone. */
export interface Attributes {
	readonly mode?: number | undefined;
	readonly owner?: string | undefined;
	readonly group?: string | undefined;
}

export interface ReadOptions {
	/** Also fetch the content of a regular file no bigger than `contentLimit` (for --diff). */
	readonly content?: boolean;
	/** Compute the sha256 of a regular file (default true). */
	readonly checksum?: boolean;
	/** Describe what a symbolic link points to rather than the link itself (default false). */
	readonly follow?: boolean;
	/** When `path` is a directory, read `path/<inDirectory>` instead (copy's `dest: dir/`). */
	readonly inDirectory?: string;
	/** For a directory: count the entries beneath it whose mode, owner or group differ from these. */
	readonly beneath?: Attributes;
}

/** Content bigger than this is not fetched for diffs. */
export const contentLimit = 1024 * 1024;

/**
 * What `stat -c` prints of a path, read by parseFileState: raw mode in hex and the names last, so
 * no field holds a space whatever the locale. mtime and ctime to the nanosecond (`%.9Y`, GNU stat
 * since coreutils 8.7): a file rewritten in place within the second its sum was remembered in is
 * not taken for the one hashed.
 */
export const statFormat = '%f %u %g %s %.9Y %d:%i %.9Z %U %G';

const typeBits: ReadonlyMap<number, FileType> = new Map([[0o100000, 'file'], [0o040000, 'directory'], [0o120000, 'link']]);

export function parseFileState(path: string, stdout: string, {inDirectory, checksum = true}: ReadOptions): FileState & {readonly identity?: string} {
	const lines = stdout.split('\n');
	let at = 0;
	let actualPath = path;
	if (lines[at] === 'indir') {
		actualPath = posix.join(path, inDirectory ?? '');
		at++;
	}

	const first = lines[at] ?? '';
	if (first === 'absent' || first === 'absent-in-dir') {
		return {path: actualPath, exists: false, parentIsDir: first === 'absent-in-dir'};
	}

	const [rawMode = '0', uid = '0', gid = '0', size = '0', mtime = '0', inode = '', ctime = '', owner = '', group = ''] = first.replace(/^stat /, '').split(' ');
	const modeBits = Number.parseInt(rawMode, 16);
	const state: Record<string, unknown> = {
		path: actualPath,
		exists: true,
		type: typeBits.get(modeBits & 0o170000) ?? 'other',
		mode: modeBits & 0o7777,
		uid: Number(uid),
		gid: Number(gid),
		owner: owner === 'UNKNOWN' ? uid : owner,
		group: group === 'UNKNOWN' ? gid : group,
		size: Number(size),
		mtime: Number(mtime),
		inode,
		identity: `${inode} ${size} ${mtime} ${ctime}`,
	};
	for (at++; at < lines.length; at++) {
		const line = lines[at] ?? '';
		if (line.startsWith('link ')) {
			state['linkTarget'] = line.slice('link '.length);
		} else if (line.startsWith('beneath ')) {
			state['differingBeneath'] = Number(line.slice('beneath '.length));
		} else if (line.startsWith('sha256 ')) {
			// sha256sum names its input `-` after the sum.
			state['sha256'] = line.slice('sha256 '.length).split(' ')[0];
		} else if (line === 'content') {
			const content = Buffer.from(lines.slice(at + 1).join(''), 'base64');
			state['content'] = content;
			if (checksum) {
				state['sha256'] = createHash('sha256').update(content).digest('hex');
			}

			break;
		}
	}

	return state as FileState;
}

/** One path to read, and what to read of it. */
export interface FileRequest {
	readonly path: string;
	readonly options?: ReadOptions;
}

/**
 * Keeps a large file's sum for later reads of the same unchanged file, in this run and the next
 * ones; `hashedFrom`: the host's time before the read (FileSums.hostNow).
 */
export function rememberHash(ctx: HostRunner, state: FileState, identity: string | undefined, hashedFrom: number | undefined): void {
	if (identity !== undefined && state.exists && state.sha256 !== undefined && state.size >= rememberedFrom) {
		ctx.fileSums?.remember(state.path, {identity, sha256: state.sha256}, hashedFrom);
	}
}

/**
 * File states read earlier in the run, before the tasks that ask for them (engine/run/read-ahead.ts):
 * as the host holds them, without check mode's predictions; undefined when not all are at hand.
 */
export interface ReadAheadCache {
	statesFor(ctx: HostRunner, requests: readonly FileRequest[]): Promise<FileState[] | undefined>;
}

/**
 * A sum taken before of the file a request reads, if any and if trusted. It is used only for the
 * very file it was taken of (the read compares identities), so either path may offer it.
 */
export function knownHash(ctx: HostRunner, {path, options = {}}: FileRequest): KnownSum | undefined {
	if (ctx.verifyContent || options.checksum === false) {
		return undefined;
	}

	return ctx.fileSums?.get(options.inDirectory === undefined ? path : posix.join(path, options.inDirectory)) ?? ctx.fileSums?.get(path);
}

/**
 * Script lines printing, for the quick check, what a write left at each file: `identities KEY...`,
 * then one stat line per file in that order (`files`: each file's key and shell word), from one
 * `stat`; `identities-failed` when a stat failed, and then none is kept.
 */
export function identityScript(files: ReadonlyArray<readonly [key: string, word: string]>): string {
	if (files.length === 0) {
		return '';
	}

	return `printf 'identities %s\\n' ${quoteShell(files.map(([key]) => key).join(' '))}; stat -c '${statFormat}' -- ${files.map(([, word]) => word).join(' ')} || echo identities-failed`;
}

/** Remembers the sums of large files a write just left, from the lines identityScript printed: `files` by their keys. */
export function rememberWritten(ctx: HostRunner, stdout: string, files: ReadonlyMap<string, {readonly path: string; readonly sha256: string}>): void {
	const lines = stdout.split('\n');
	const at = lines.findIndex(line => line.startsWith('identities '));
	const keys = lines[at]?.split(' ').slice(1) ?? [];
	const stats = lines.slice(at + 1, at + 1 + keys.length);
	// A stat that failed left a line out: those files are hashed next time.
	if (at === -1 || [...stats, lines[at + 1 + keys.length]].includes('identities-failed') || stats.length < keys.length) {
		return;
	}

	for (const [index, key] of keys.entries()) {
		const file = files.get(key);
		const {identity} = file === undefined ? {} : parseFileState(file.path, `stat ${stats[index]!}`, {checksum: false});
		if (file !== undefined && identity !== undefined) {
			ctx.fileSums?.rememberWritten(file.path, {identity, sha256: file.sha256});
		}
	}
}

/**
 * Sets p (the path to read) and d (its directory); into a directory named by `inDirectory` when
 * p is one, saying so with `saying` (a command, or nothing).
 */
export function locateScript(path: string, inDirectory: string | undefined, saying: string | undefined): string {
	const into = inDirectory === undefined ? '' : `if [ -d "$p" ]; then d=$p; p="$p"/${quoteShell(inDirectory)};${saying === undefined ? '' : ` ${saying};`} fi`;
	return [`p=${quoteShell(path)}; d=${quoteShell(posix.dirname(path))}`, into].filter(Boolean).join('\n');
}
