import {createHash, randomBytes} from 'node:crypto';
import {posix} from 'node:path';
import type {StdinFile} from './connection/connection.js';
import type {HostContext} from './module.js';

/*
 * Reading and writing files on a host through `ctx.run`, shared by copy, file, stat and the
 * modules that write files (template, sysctl...). Each operation is one POSIX sh script, so one
 * round trip, and works the same over SSH and locally.
 */

/** What these helpers need of a host context. */
export type HostRunner = Pick<HostContext, 'host' | 'run' | 'predictedPath' | 'knownHashes' | 'readAhead'>;

/**
 * The sha256 of each large file a run has hashed on one host, with the file's identity then
 * (device:inode, size, mtime, ctime): a later task of the run reading the same unchanged file (the
 * archive a download just checked, which untar then reads) gets the sum without hashing it again.
 */
export type KnownHashes = Map<string, {readonly identity: string; readonly sha256: string}>;

/** Smaller files are hashed again: checking the identity costs about as much. */
const rememberedFrom = 1024 * 1024;

/** Quotes a word for POSIX sh: the shell passes it through as is, whatever it holds. */
export function quote(word: string): string {
	return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll('\'', '\'\\\'\'')}'`;
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

/** The `find` test for entries that differ from `attributes` (links have no mode of their own). */
function differsTest(attributes: Attributes): string {
	return [
		attributes.mode === undefined ? '' : `\\( ! -type l ! -perm ${formatMode(attributes.mode)} \\)`,
		attributes.owner === undefined ? '' : `! -user ${quote(attributes.owner)}`,
		attributes.group === undefined ? '' : `! -group ${quote(attributes.group)}`,
	].filter(Boolean).join(' -o ');
}

/**
 * The read of one path: `absent`/`absent-in-dir`, or a `stat` line then what was asked for. Every
 * process is paid on the host once per task, so there are as few as the answer needs: content
 * fetched whole is hashed on the controller, not by sha256sum too, and the parent directory is
 * named by the controller, not by dirname. It runs inline in the host's kept shell (see
 * ExecOptions), so it never exits: a step that fails sets `f`, and the whole read's status is `f`'s.
 */
function readScript(path: string, options: ReadOptions, known: {readonly identity: string; readonly sha256: string} | undefined): string {
	const stat = options.follow ? 'stat -L' : 'stat';
	// A link is hashed only when followed: otherwise it is described as a link.
	const isRegular = options.follow ? '[ -f "$p" ]' : '[ -f "$p" ] && [ ! -L "$p" ]';
	const differs = options.beneath === undefined ? '' : differsTest(options.beneath);
	const hashNow = 'printf \'sha256 \'; sha256sum < "$p" || f=1';
	// The stat line's fields: $4 the size, $5 the mtime, $6 device:inode, $7 the ctime.
	const hash = options.checksum === false
		? ''
		: known === undefined ? hashNow : `if [ "$6 $4 $5 $7" = ${quote(known.identity)} ]; then echo ${quote(`sha256 ${known.sha256}`)}; else ${hashNow}; fi`;
	const fileBody = options.content
		? `if [ "$4" -le ${contentLimit} ]; then echo content; base64 < "$p" || f=1; ${hash === '' ? '' : `else ${hash}; `}fi`
		: hash;
	return [
		// The directory asked about is there: a missing entry in it is missing in a directory.
		locateScript(path, options.inDirectory, 'echo indir'),
		'if [ ! -e "$p" ] && [ ! -L "$p" ]; then',
		'  if [ -d "$d" ]; then echo absent-in-dir; else echo absent; fi',
		`elif info=$(${stat} -c '${statFormat}' -- "$p"); then`,
		'  echo "stat $info"',
		'  set -f; set -- $info; set +f',
		'  if [ -L "$p" ]; then printf "link "; readlink -- "$p" || f=1; fi',
		differs === '' ? '' : `  if [ -d "$p" ]; then n=$(find "$p" -mindepth 1 \\( ${differs} \\) -print | wc -l) || f=1; echo "beneath $n"; fi`,
		// Last: the content runs to the end of this path's output.
		fileBody === '' ? '' : `  if ${isRegular}; then ${fileBody}; fi`,
		'else',
		'  f=1',
		'fi',
	].filter(Boolean).join('\n');
}

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

/** Keeps a large file's sum for later reads of the same unchanged file in this run. */
export function rememberHash(ctx: HostRunner, state: FileState, identity: string | undefined): void {
	if (identity !== undefined && state.exists && state.sha256 !== undefined && state.size >= rememberedFrom) {
		ctx.knownHashes?.set(state.path, {identity, sha256: state.sha256});
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
 * A sum this run took of the file a request reads, if any. It is used only for the very file it
 * was taken of (the read compares identities), so either path may offer it.
 */
export function knownHash(ctx: HostRunner, {path, options = {}}: FileRequest): {readonly identity: string; readonly sha256: string} | undefined {
	return ctx.knownHashes?.get(options.inDirectory === undefined ? path : posix.join(path, options.inDirectory)) ?? ctx.knownHashes?.get(path);
}

/**
 * Sets p (the path to read) and d (its directory); into a directory named by `inDirectory` when
 * p is one, saying so with `saying` (a command, or nothing).
 */
export function locateScript(path: string, inDirectory: string | undefined, saying: string | undefined): string {
	const into = inDirectory === undefined ? '' : `if [ -d "$p" ]; then d=$p; p="$p"/${quote(inDirectory)};${saying === undefined ? '' : ` ${saying};`} fi`;
	return [`p=${quote(path)}; d=${quote(posix.dirname(path))}`, into].filter(Boolean).join('\n');
}

/** What is at each path on the host now, all in one round trip (none when read ahead). */
export async function readFileStates(ctx: HostRunner, requests: readonly FileRequest[]): Promise<FileState[]> {
	const early = await ctx.readAhead?.statesFor(ctx, requests);
	if (early !== undefined) {
		return early.map((state, index) => withPrediction(ctx, state, requests[index]?.options?.inDirectory));
	}

	// Output separated by a line base64 never produces.
	const script = ['f=0', ...requests.map(({path, options = {}}) => `${readScript(path, options, knownHash(ctx, {path, options}))}\necho --`), '[ "$f" = 0 ]'].join('\n');
	const result = await ctx.run(script, {inline: true});
	const paths = requests.map(request => request.path).join(', ');
	if (result.code !== 0) {
		throw new HostFileError(ctx.host, paths, `cannot read ${paths} on ${ctx.host}`, result.stderr);
	}

	const outputs = result.stdout.split(/^--\n/m);
	return requests.map(({path, options = {}}, index) => {
		const {identity, ...state} = parseFileState(path, outputs[index] ?? '', options);
		rememberHash(ctx, state, identity);
		return withPrediction(ctx, state, options.inDirectory);
	});
}

/**
 * Check mode: what the host would hold had earlier tasks run for real. A path an earlier task
 * would write reads as written; a missing file whose directory an earlier task would create
 * reads as missing in an existing directory.
 */
function withPrediction(ctx: HostRunner, state: FileState, inDirectory: string | undefined): FileState {
	const predict = ctx.predictedPath;
	if (!predict) {
		return state;
	}

	let path = state.path;
	if (inDirectory !== undefined && !state.exists && predict(path)?.type === 'directory') {
		path = posix.join(path, inDirectory);
	}

	const predicted = predict(path);
	if (!predicted) {
		return state.exists ? state : {...state, path, parentIsDir: state.parentIsDir || predict(posix.dirname(path))?.type === 'directory'};
	}

	if (predicted.type === 'absent') {
		return {path, exists: false, parentIsDir: true};
	}

	const before = state.exists ? state : undefined;
	return {
		path,
		exists: true,
		type: predicted.type,
		mode: predicted.mode ?? before?.mode ?? (predicted.type === 'directory' ? 0o755 : 0o644),
		uid: before?.uid ?? 0,
		gid: before?.gid ?? 0,
		owner: predicted.owner ?? before?.owner ?? 'root',
		group: predicted.group ?? before?.group ?? 'root',
		size: predicted.content?.length ?? 0,
		mtime: Math.floor(Date.now() / 1000),
		inode: '',
		...(predicted.sha256 === undefined ? {} : {sha256: predicted.sha256}),
		...(predicted.content === undefined ? {} : {content: predicted.content}),
	};
}

/** What is at `path` on the host now, in one round trip. */
export async function readFileState(ctx: HostRunner, path: string, options: ReadOptions = {}): Promise<FileState> {
	const [state] = await readFileStates(ctx, [{path, options}]);
	// One request, one state: readFileStates answers every request or throws.
	return state!;
}

export interface WriteOptions {
	/** Permission bits, e.g. 0o644; unset: those of the file replaced, or the umask's for a new one. */
	readonly mode?: number | undefined;
	/** User name or uid; unset: the replaced file's owner (when allowed), or ours. */
	readonly owner?: string | undefined;
	/** Group name or gid. */
	readonly group?: string | undefined;
	/** Keep the old file as `path.YYYY-MM-DD@HH:MM:SS~` before replacing it. */
	readonly backup?: boolean | undefined;
	/** A command run on the new file before it replaces the old one; `%s` is its path. */
	readonly validate?: string | undefined;
}

export interface WriteResult {
	/** Where the old file was kept, when `backup` was asked and there was one. */
	readonly backupFile?: string;
}

const validateFailed = 65;

/** A backup name as Ansible makes them, in the controller's local time. */
function backupName(path: string, now: Date): string {
	const two = (n: number) => String(n).padStart(2, '0');
	return `${path}.${now.getFullYear()}-${two(now.getMonth() + 1)}-${two(now.getDate())}@${two(now.getHours())}:${two(now.getMinutes())}:${two(now.getSeconds())}~`;
}

export function ownership(owner: string | undefined, group: string | undefined): string | undefined {
	if (owner !== undefined) {
		return group === undefined ? owner : `${owner}:${group}`;
	}

	return group === undefined ? undefined : `:${group}`;
}

/** Text written from the script itself is quoted into one argument of sh -c: kept well under Linux's 128 KiB per argument. */
const maxScriptText = 16 * 1024;

/**
 * `content` as text the script can write itself with printf, or undefined: a file streamed from
 * the controller, content too big, or bytes a shell string cannot carry (NUL, invalid UTF-8).
 */
function scriptText(content: Buffer | string | StdinFile): string | undefined {
	if (typeof content === 'object' && !Buffer.isBuffer(content)) {
		return undefined;
	}

	const text = content.toString();
	const fits = text.length <= maxScriptText && !text.includes('\0');
	return fits && (typeof content === 'string' || Buffer.from(text).equals(content)) ? text : undefined;
}

/**
 * Writes `content` to `path` atomically: into a temp file beside it, given its mode and owner,
 * validated, then renamed over `path`. A failure at any point leaves `path` as it was and no temp
 * file behind. Small text is written by the script's own printf; anything else is streamed
 * through stdin (which costs the host a `base64 -d` and a `cat`).
 */
export async function writeFileAtomic(ctx: HostRunner, path: string, content: Buffer | string | StdinFile, options: WriteOptions = {}): Promise<WriteResult> {
	const temp = posix.join(posix.dirname(path), `.${posix.basename(path)}.pb-tmp-${randomBytes(6).toString('hex')}`);
	const backup = options.backup ? backupName(path, new Date()) : undefined;
	const owners = ownership(options.owner, options.group);
	const text = scriptText(content);
	const script = [
		`d=${quote(path)}`,
		`t=${quote(temp)}`,
		// noclobber: the temp file is ours alone, never a file (or link) someone put there.
		'set -C; : > "$t" || exit 1; set +C',
		'trap \'rm -f -- "$t"\' EXIT',
		'trap \'rm -f -- "$t"; exit 1\' HUP INT TERM',
		text === undefined ? 'cat > "$t" || exit 1' : `printf '%s' ${quote(text)} > "$t" || exit 1`,
		// Owners before mode: chown clears setuid bits. A replaced file keeps its owner where we
		// may give it (as root) and its mode, unless told otherwise.
		'm=; if [ -f "$d" ] && [ ! -L "$d" ]; then chown "$(stat -c %u:%g -- "$d")" "$t" 2>/dev/null; m=$(stat -c %a -- "$d"); fi',
		owners === undefined ? '' : `chown ${quote(owners)} "$t" || exit 1`,
		options.mode === undefined ? 'if [ -n "${m:-}" ]; then chmod "$m" "$t" || exit 1; fi' : `chmod ${options.mode.toString(8)} "$t" || exit 1`,
		options.validate === undefined ? '' : `( ${options.validate.replaceAll('%s', '"$t"')} ) >&2 || exit ${validateFailed}`,
		backup === undefined ? '' : `if [ -f "$d" ]; then cp -p -- "$d" ${quote(backup)} || exit 1; echo backup; fi`,
		'mv -f -- "$t" "$d" || exit 1',
	].filter(Boolean).join('\n');
	const result = await ctx.run(script, text === undefined ? {stdin: content} : {});
	if (result.code === validateFailed) {
		throw new HostFileError(ctx.host, path, `validate (${options.validate ?? ''}) rejected the new ${path}; ${path} was left as it was`, result.stderr);
	}

	if (result.code !== 0) {
		throw new HostFileError(ctx.host, path, `cannot write ${path} on ${ctx.host}`, result.stderr);
	}

	return backup !== undefined && result.stdout.includes('backup') ? {backupFile: backup} : {};
}

/**
 * Reads a `mode` parameter. An int is the mode itself, as the YAML 1.1 loader reads `0644`
 * (420); a string is octal digits, with or without the leading 0 ('0644', '644', '0o644').
 */
export function parseMode(value: unknown): number {
	if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 0o7777) {
		// `mode: 644` without the 0 is the decimal 644 (0o1204): always a slip, never meant.
		if (value > 0o777 && value <= 777 && /^[0-7]+$/.test(String(value))) {
			throw new Error(`mode ${value} is the decimal number ${value} (octal ${value.toString(8)}); write mode: '0${value}' or mode: 0${value}`);
		}

		return value;
	}

	if (typeof value === 'string' && /^(?:0o)?[0-7]{1,4}$/.test(value)) {
		return Number.parseInt(value.replace(/^0o/, ''), 8);
	}

	throw new Error(`mode must be octal permissions like '0644' (a quoted string) or 0644, got ${JSON.stringify(value)} (${typeof value})`);
}

/** A mode as people write it: 0644, 4755. */
export function formatMode(mode: number): string {
	return mode.toString(8).padStart(4, '0');
}

/** Whether a wanted owner or group (a name or a numeric id) is the one a file has. */
export function sameOwner(wanted: string, id: number, name: string): boolean {
	return /^\d+$/.test(wanted) ? Number(wanted) === id : wanted === name;
}

export interface Attributes {
	readonly mode?: number | undefined;
	readonly owner?: string | undefined;
	readonly group?: string | undefined;
}

/** The wanted attributes that an existing file does not have yet. */
export function attributeChanges(current: {readonly mode: number; readonly uid: number; readonly gid: number; readonly owner: string; readonly group: string}, wanted: Attributes): Attributes {
	return {
		...(wanted.mode !== undefined && wanted.mode !== current.mode ? {mode: wanted.mode} : {}),
		...(wanted.owner !== undefined && !sameOwner(wanted.owner, current.uid, current.owner) ? {owner: wanted.owner} : {}),
		...(wanted.group !== undefined && !sameOwner(wanted.group, current.gid, current.group) ? {group: wanted.group} : {}),
	};
}

/** The current values of the attributes named in `changes` (the 'before' of a diff). */
export function currentAttributes(current: {readonly mode: number; readonly owner: string; readonly group: string}, changes: Attributes): Attributes {
	return {
		mode: changes.mode === undefined ? undefined : current.mode,
		owner: changes.owner === undefined ? undefined : current.owner,
		group: changes.group === undefined ? undefined : current.group,
	};
}

/** `mode: 0644` / `owner: root` lines for a before/after diff; unset attributes are left out. */
export function attributeLines(attributes: Attributes): string {
	return [
		attributes.mode === undefined ? '' : `mode: ${formatMode(attributes.mode)}\n`,
		attributes.owner === undefined ? '' : `owner: ${attributes.owner}\n`,
		attributes.group === undefined ? '' : `group: ${attributes.group}\n`,
	].join('');
}

/** Shell commands giving `path` these attributes; `recurse`: also everything beneath it. */
export function attributeCommands(path: string, attributes: Attributes, options: {readonly recurse?: boolean; readonly ofLink?: boolean; readonly shellWord?: string} = {}): string[] {
	const recurse = options.recurse ? '-R ' : '';
	const owners = ownership(attributes.owner, attributes.group);
	// shellWord: the path as a shell expression instead (a loop's "$d").
	const target = options.shellWord ?? quote(path);
	return [
		// Owners before mode: chown clears setuid bits. -h: a link's own owner, not its target's.
		owners === undefined ? '' : `chown ${options.ofLink ? '-h ' : ''}${recurse}${quote(owners)} -- ${target}`,
		attributes.mode === undefined ? '' : `chmod ${recurse}${attributes.mode.toString(8)} -- ${target}`,
	].filter(Boolean);
}

/** Sets mode, owner and group of `path` in one round trip. */
export async function setAttributes(ctx: HostRunner, path: string, attributes: Attributes): Promise<void> {
	const result = await ctx.run(attributeCommands(path, attributes).join(' && '));
	if (result.code !== 0) {
		throw new HostFileError(ctx.host, path, `cannot set ${attributeLines(attributes).trim().replaceAll('\n', ', ')} on ${path} on ${ctx.host}`, result.stderr);
	}
}
