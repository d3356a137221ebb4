import {createHash} from 'node:crypto';
import type {Connection} from '../connection/connection.js';
import {quoteShell} from '../shell-words.js';

/*
 * The quick check, as rsync and git make it: the sha256 of each large file pb wrote or hashed on a
 * host, with the file's identity then (device:inode, size, mtime and ctime to the nanosecond). A
 * later read that finds the same identity takes the sum instead of reading the file again: one
 * `stat` instead of 35 MB. The sums outlive the run in a state file pb owns on the host,
 * /var/lib/pb/file-sums for a root login, else ~/.cache/pb/file-sums: written whole, then renamed
 * over the old one. One that is not a regular file of the login user, is writable by others, or
 * whose own checksum does not match its lines is ignored, and the files are hashed.
 */

/** Smaller files are hashed again: checking the identity costs about as much. */
export const rememberedFrom = 1024 * 1024;

/**
 * A file changed less than this many seconds before it was hashed may change again within the
 * same tick of the host's clock, its ctime then unchanged: its sum is used in this run (as before
 * the state file), never kept past it. Whole seconds cover filesystems with coarse timestamps.
 */
const settledAfter = 1;

/** The state file keeps this many sums at most, this run's first. */
const maxSums = 20_000;

const magic = 'pb-file-sums 1';

/** A sum, with the identity of the file it was taken of: `dev:inode size mtime ctime`. */
export interface KnownSum {
	readonly identity: string;
	readonly sha256: string;
}

interface Sum extends KnownSum {
	/** Kept in the state file: taken of a settled file, or of one pb wrote itself. */
	readonly lasting: boolean;
}

/** What the sums need of their host: its login, a connection without become, and a way to warn. */
export interface SumsHost {
	readonly name: string;
	readonly loginUser: string;
	connect(): Promise<Connection>;
	warn(msg: string): void;
	/** The state file's absolute path, instead of the login's own. */
	readonly file?: string;
}

/** Where the state file is: as a shell word (the host's shell expands $HOME), and as said to people. */
function sumsFile({loginUser, file}: SumsHost): {readonly word: string; readonly name: string} {
	if (file !== undefined) {
		return {word: quoteShell(file), name: file};
	}

	return loginUser === 'root' ? {word: '/var/lib/pb/file-sums', name: '/var/lib/pb/file-sums'} : {word: '"$HOME/.cache/pb/file-sums"', name: '~/.cache/pb/file-sums'};
}

const linePattern = /^([\da-f]{64}) (\d+:\d+ \d+ \d+(?:\.\d+)? \d+(?:\.\d+)?) (\/.*)$/;

/** The state file's text: a header with the sha256 of the lines below it, then one line per sum. */
export function formatSums(sums: ReadonlyMap<string, KnownSum>): string {
	const body = [...sums].map(([path, {sha256, identity}]) => `${sha256} ${identity} ${path}\n`).join('');
	return `${magic} ${createHash('sha256').update(body).digest('hex')}\n${body}`;
}

/** The sums in a state file's text, or why it is not to be trusted. */
export function parseSums(text: string): Map<string, KnownSum> | {readonly ignored: string} {
	const newline = text.indexOf('\n');
	const [name, version, checksum] = text.slice(0, newline).split(' ');
	if (newline < 0 || `${name} ${version}` !== magic) {
		return {ignored: 'it is not a pb file-sums file of this version'};
	}

	const body = text.slice(newline + 1);
	if (createHash('sha256').update(body).digest('hex') !== checksum) {
		return {ignored: 'its checksum does not match its lines (it was changed outside pb, or cut short)'};
	}

	const sums = new Map<string, KnownSum>();
	for (const line of body.split('\n').slice(0, -1)) {
		const match = linePattern.exec(line);
		if (!match) {
			return {ignored: `a line is not a sum: ${JSON.stringify(line.slice(0, 80))}`};
		}

		sums.set(match[3]!, {sha256: match[1]!, identity: match[2]!});
	}

	return sums;
}

/** The ctime in an identity, in seconds. */
function ctimeOf(identity: string): number {
	return Number(identity.split(' ')[3]);
}

/** What the load script printed, after the host's clock: the file's mode then its text, or `none`, or `foreign`. */
function loaded(text: string): Map<string, KnownSum> | {readonly ignored: string} | 'none' {
	const newline = text.indexOf('\n');
	const first = text.slice(0, newline < 0 ? undefined : newline);
	if (first === 'none') {
		return 'none';
	}

	if (first === 'foreign') {
		return {ignored: 'it is not a regular file owned by the login user'};
	}

	// Writable by group or others: anyone could have planted sums there.
	if ((Number.parseInt(first, 8) & 0o022) !== 0) {
		return {ignored: `others may write it (mode ${first})`};
	}

	return parseSums(text.slice(newline + 1));
}

/** One host's sums: those its state file holds, and those this run took. */
export class FileSums {
	private readonly host: SumsHost;
	private readonly sums = new Map<string, Sum>();
	/** The state file's lines as loaded, to write it only when this run changed them. */
	private stored = new Map<string, KnownSum>();
	private loading: Promise<void> | undefined;
	/** The state file was there but ignored: it is replaced even when no sum changed. */
	private replace = false;
	/** The host's clock when the state file was read, and the controller's then (ms). */
	private clock: {readonly host: number; readonly at: number} | undefined;

	constructor(host: SumsHost) {
		this.host = host;
	}

	/** Reads the state file, once a run (again after a failed attempt). */
	async ready(): Promise<void> {
		this.loading ??= this.load().catch((error: unknown) => {
			this.loading = undefined;
			throw error;
		});
		return this.loading;
	}

	get(path: string): KnownSum | undefined {
		return this.sums.get(path);
	}

	/**
	 * The host's clock now, at the earliest: its time when the state file was read plus the time
	 * since on the controller's. A read started now hashes no earlier than this.
	 */
	hostNow(): number | undefined {
		return this.clock && this.clock.host + ((Date.now() - this.clock.at) / 1000);
	}

	/**
	 * A sum a read took; `hashedFrom`: the host's time before it (hostNow), which decides whether it
	 * lasts. A read of a file pb wrote, or took a lasting sum of, finds the same identity: it stays lasting.
	 */
	remember(path: string, sum: KnownSum, hashedFrom: number | undefined): void {
		const known = this.sums.get(path);
		const confirmed = known?.lasting === true && known.identity === sum.identity && known.sha256 === sum.sha256;
		const lasting = confirmed || (hashedFrom !== undefined && ctimeOf(sum.identity) + settledAfter <= hashedFrom);
		this.sums.set(path, {...sum, lasting});
	}

	/** The sum of bytes pb itself just wrote at `path`, with the identity the file had right after. */
	rememberWritten(path: string, sum: KnownSum): void {
		this.sums.set(path, {...sum, lasting: true});
	}

	/** Writes the state file when this run changed what it should hold; a host that cannot take it is warned of. */
	async save(): Promise<void> {
		if (this.loading === undefined && this.sums.size === 0) {
			return;
		}

		await this.ready();
		const lasting = new Map<string, KnownSum>();
		for (const [path, {identity, sha256, lasting: keep}] of this.sums) {
			if (keep && lasting.size < maxSums && !path.includes('\n')) {
				lasting.set(path, {identity, sha256});
			}
		}

		if (!this.replace && sameSums(lasting, this.stored)) {
			return;
		}

		const file = sumsFile(this.host);
		const script = [
			'umask 077',
			`f=${file.word}`,
			'mkdir -p -- "${f%/*}" || exit 1',
			't=$(mktemp "${f%/*}/.file-sums.XXXXXX") || exit 1',
			'cat > "$t" && mv -f -- "$t" "$f" || { rm -f -- "$t"; exit 1; }',
		].join('\n');
		const connection = await this.host.connect();
		const result = await connection.exec(script, {stdin: formatSums(lasting), subshell: true});
		if (result.code !== 0) {
			this.host.warn(`cannot write pb's file sums to ${file.name}: ${result.stderr.trim() || `exit status ${result.code}`}; the next run hashes large files in full`);
			return;
		}

		this.stored = lasting;
		this.replace = false;
	}

	private async load(): Promise<void> {
		const file = sumsFile(this.host);
		const script = [
			`f=${file.word}`,
			'date +%s.%N',
			'if [ ! -e "$f" ] && [ ! -L "$f" ]; then echo none',
			'elif [ -f "$f" ] && [ ! -L "$f" ] && [ -O "$f" ]; then stat -c %a -- "$f" && cat -- "$f"',
			'else echo foreign; fi',
		].join('\n');
		const connection = await this.host.connect();
		const result = await connection.exec(script, {inline: true});
		const at = Date.now();
		const newline = result.stdout.indexOf('\n');
		const hostTime = Number(result.stdout.slice(0, newline));
		if (result.code !== 0 || newline < 0 || !Number.isFinite(hostTime)) {
			this.host.warn(`cannot read pb's file sums in ${file.name}: ${result.stderr.trim() || `exit status ${result.code}`}; large files are hashed in full`);
			return;
		}

		this.clock = {host: hostTime, at};
		const found = loaded(result.stdout.slice(newline + 1));
		if (found === 'none') {
			return;
		}

		if (!(found instanceof Map)) {
			this.replace = true;
			this.host.warn(`ignored pb's file sums in ${file.name}: ${found.ignored}; large files are hashed in full, and the file is written anew`);
			return;
		}

		this.stored = found;
		for (const [path, sum] of found) {
			// This run's own sums, taken before the file was read, are the newer.
			if (!this.sums.has(path)) {
				this.sums.set(path, {...sum, lasting: true});
			}
		}
	}
}

function sameSums(a: ReadonlyMap<string, KnownSum>, b: ReadonlyMap<string, KnownSum>): boolean {
	return a.size === b.size && [...a].every(([path, sum]) => b.get(path)?.identity === sum.identity && b.get(path)?.sha256 === sum.sha256);
}
