import {randomBytes} from 'node:crypto';
import {posix} from 'node:path';
import {isStdinFile, type StdinFile} from '../connection/connection.js';
import {quoteShell} from '../shell-words.js';
import {ownership} from './attributes.js';
import {HostFileError, type HostRunner, identityScript, rememberWritten} from './file-state.js';
import {rememberedFrom} from './file-sums.js';

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
	/** The content's sha256, when known: a large file's is kept for the quick check (file-sums.ts). */
	readonly sha256?: string | undefined;
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
 * A replaced file ("$d") keeps its owner, where we may give it (as root), and its mode, unless
 * told otherwise: the temp file ("$t") gets them from one stat of both, and a chown or chmod only
 * where they differ (a process each, and most often they do not).
 */
export function keptAttributesScript(owner: boolean, mode: boolean): string {
	if (!owner && !mode) {
		return '';
	}

	const fields = owner && mode ? 2 : 1;
	const steps = [
		owner ? `[ "$1" = "$${fields + 1}" ] || chown "$1" "$t" 2>/dev/null` : '',
		mode ? `[ "$${fields}" = "$${2 * fields}" ] || chmod "$${fields}" "$t" || exit 1` : '',
	].filter(Boolean);
	const format = [owner ? '%u:%g' : '', mode ? '%a' : ''].filter(Boolean).join(' ');
	return `if [ -f "$d" ] && [ ! -L "$d" ]; then k=$(stat -c '${format}' -- "$d" "$t") || exit 1; set -- $k; ${steps.join('; ')}; fi`;
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
	const size = typeof content === 'string' ? Buffer.byteLength(content) : Buffer.isBuffer(content) ? content.length : content.size;
	const remembered = options.sha256 !== undefined && size >= rememberedFrom ? {path, sha256: options.sha256} : undefined;
	// A mode within rw-rw-rw- is given by the umask the temp file is made with: a chmod less
	// (not with validate, whose command would run under that umask too).
	const byUmask = options.mode !== undefined && (options.mode & ~0o666) === 0 && options.validate === undefined;
	const script = [
		`d=${quoteShell(path)}`,
		`t=${quoteShell(temp)}`,
		byUmask ? `umask ${(~options.mode! & 0o777).toString(8).padStart(3, '0')}` : '',
		// noclobber: the temp file is ours alone, never a file (or link) someone put there.
		'set -C; : > "$t" || exit 1; set +C',
		'trap \'rm -f -- "$t"\' EXIT',
		'trap \'rm -f -- "$t"; exit 1\' HUP INT TERM',
		text === undefined ? 'cat > "$t" || exit 1' : `printf '%s' ${quoteShell(text)} > "$t" || exit 1`,
		// A file streamed from the controller whose read was cut short must not replace dest.
		isStdinFile(content) ? `n=$(stat -c %s -- "$t") || exit 1; if [ "$n" != ${content.size} ]; then echo "the host got $n of the ${content.size} bytes sent" >&2; exit 1; fi` : '',
		// Owners before mode: chown clears setuid bits.
		keptAttributesScript(owners === undefined, options.mode === undefined),
		owners === undefined ? '' : `chown ${quoteShell(owners)} "$t" || exit 1`,
		options.mode === undefined || byUmask ? '' : `chmod ${options.mode.toString(8)} "$t" || exit 1`,
		options.validate === undefined ? '' : `( ${options.validate.replaceAll('%s', '"$t"')} ) >&2 || exit ${validateFailed}`,
		backup === undefined ? '' : `if [ -f "$d" ]; then cp -p -- "$d" ${quoteShell(backup)} || exit 1; echo backup; fi`,
		'mv -f -- "$t" "$d" || exit 1',
		'trap - EXIT HUP INT TERM',
		remembered === undefined ? '' : identityScript([['written', '"$d"']]),
	].filter(Boolean).join('\n');
	// A user's validate command runs in a /bin/sh of its own, as it would alone.
	const result = await ctx.run(script, {...(text === undefined ? {stdin: content} : {}), subshell: options.validate === undefined});
	if (result.code === validateFailed) {
		throw new HostFileError(ctx.host, path, `validate (${options.validate ?? ''}) rejected the new ${path}; ${path} was left as it was`, result.stderr);
	}

	if (result.code !== 0) {
		throw new HostFileError(ctx.host, path, `cannot write ${path} on ${ctx.host}`, result.stderr);
	}

	if (remembered !== undefined) {
		rememberWritten(ctx, result.stdout, new Map([['written', remembered]]));
	}

	return backup !== undefined && result.stdout.includes('backup') ? {backupFile: backup} : {};
}
