import {randomBytes} from 'node:crypto';
import {posix} from 'node:path';
import {quoteShell} from '../shell-words.js';
import {ownership} from '../host/attributes.js';
import {HostFileError, type HostRunner, type Attributes, identityScript, rememberWritten} from '../host/file-state.js';
import {rememberedFrom} from '../host/file-sums.js';
import {keptAttributesScript} from '../host/write-file.js';
import {firstServed, TransferError, transientStatus, type RetryPolicy} from './sources.js';

/*
 * `via: host`: the host fetches the file itself with curl (or wget), one attempt per round trip,
 * so mirrors, retries and error messages follow the same rules as on the controller. The file is
 * fetched into a temp file beside dest, checked, given its attributes, then renamed over dest.
 */

export interface HostFetchOptions {
	readonly headers: Readonly<Record<string, string>>;
	readonly timeoutMs: number;
	readonly retry: RetryPolicy;
	readonly onFailure?: ((failure: TransferError) => void) | undefined;
}

/**
 * Shell lines that fetch $u into `output` ('-' for stdout) with whichever client the host has.
 * On failure they end stderr with `pb-failed <client> <exit status>` (or `pb-no-client`) and exit
 * 0, so stdout carries only the body or the caller's own report.
 */
function fetchLines(output: string, options: HostFetchOptions): string[] {
	const seconds = Math.max(1, Math.ceil(options.timeoutMs / 1000));
	const headers = Object.entries(options.headers).map(([name, value]) => quoteShell(`${name}: ${value}`));
	return [
		'if command -v curl >/dev/null 2>&1; then',
		`  curl -sS -L --fail --max-time ${seconds}${headers.map(header => ` -H ${header}`).join('')} -o ${output} -- "$u"; rc=$?`,
		'  if [ $rc -ne 0 ]; then echo "pb-failed curl $rc" >&2; exit 0; fi',
		'elif command -v wget >/dev/null 2>&1; then',
		`  timeout ${seconds} wget -nv --tries=1${headers.map(header => ` --header=${header}`).join('')} -O ${output} -- "$u"; rc=$?`,
		'  if [ $rc -ne 0 ]; then echo "pb-failed wget $rc" >&2; exit 0; fi',
		'else',
		'  echo pb-no-client >&2; exit 0',
		'fi',
	];
}

/** How an attempt on the host failed, from the last line of its stderr; undefined when it did not. */
function attemptFailure(url: string, host: string, stderr: string, seconds: number): TransferError | undefined {
	const lines = stderr.trim().split('\n');
	const last = lines.at(-1) ?? '';
	if (last === 'pb-no-client') {
		return new TransferError(url, 'no-client', `${host} has neither curl nor wget; install one there, or use via: controller`, {transient: false});
	}

	if (!last.startsWith('pb-failed ')) {
		return undefined;
	}

	const [, client = '', rawCode = ''] = last.split(' ');
	const code = Number(rawCode);
	const said = lines.slice(0, -1).join(' ').trim();
	// curl: 'The requested URL returned error: 404'; wget: 'ERROR 404: Not Found.'
	const status = Number(/error:? (\d{3})\b/i.exec(said)?.[1] ?? 0);
	const detail = said ? ` (${said})` : '';
	if ((client === 'curl' && code === 28) || (client === 'wget' && code === 124)) {
		return new TransferError(url, 'timeout', `timed out after ${seconds} s${detail}; raise timeout, or list a faster mirror first`);
	}

	if ((client === 'curl' && (code === 18 || code === 56)) || (client === 'wget' && code === 4 && /read error/i.test(said))) {
		return new TransferError(url, 'truncated', `transfer cut before the end${detail}`);
	}

	if (status >= 400) {
		return new TransferError(url, 'http-status', `HTTP ${status}${detail}`, {transient: transientStatus(status)});
	}

	return new TransferError(url, 'network', `${client} failed with exit status ${code}${detail}`);
}

/** A small text file (a checksums list) as the host fetches it. */
export async function hostFetchText(ctx: HostRunner, what: string, sources: readonly string[], options: HostFetchOptions): Promise<{text: string; url: string}> {
	const seconds = Math.ceil(options.timeoutMs / 1000);
	const {value, url} = await firstServed(what, sources, options.retry, async source => {
		const result = await ctx.run([`u=${quoteShell(source)}`, ...fetchLines('-', options)].join('\n'), {subshell: true});
		const failure = attemptFailure(source, ctx.host, result.stderr, seconds);
		if (failure) {
			throw failure;
		}

		return result.stdout;
	}, options.onFailure);
	return {text: value, url};
}

export interface HostDownloadOptions extends HostFetchOptions {
	/** Without it, the file replaces dest only when its content differs. */
	readonly sha256: string | undefined;
	readonly attributes: Attributes;
}

export interface HostDownloaded {
	readonly sha256: string;
	readonly size: number;
	readonly url: string;
	/** dest already held these bytes (only when no checksum was given): nothing was replaced. */
	readonly same: boolean;
}

/** Fetches into a temp file beside `dest` on the host, checks it, and renames it over dest. */
export async function hostDownload(ctx: HostRunner, what: string, sources: readonly string[], dest: string, options: HostDownloadOptions): Promise<HostDownloaded> {
	const seconds = Math.ceil(options.timeoutMs / 1000);
	const owners = ownership(options.attributes.owner, options.attributes.group);
	const {mode} = options.attributes;
	const {value, url} = await firstServed(what, sources, options.retry, async source => {
		const temp = posix.join(posix.dirname(dest), `.${posix.basename(dest)}.pb-tmp-${randomBytes(6).toString('hex')}`);
		const script = [
			`u=${quoteShell(source)}`,
			`d=${quoteShell(dest)}`,
			`t=${quoteShell(temp)}`,
			`want=${options.sha256 ?? ''}`,
			'( set -C; : > "$t" ) || exit 1',
			'trap \'rm -f -- "$t"\' EXIT',
			'trap \'rm -f -- "$t"; exit 1\' HUP INT TERM',
			...fetchLines('"$t"', options),
			'h=$(sha256sum < "$t") || exit 1; h=${h%% *}; n=$(wc -c < "$t") || exit 1',
			'if [ -n "$want" ] && [ "$h" != "$want" ]; then echo "mismatch $h $n"; exit 0; fi',
			'if [ -z "$want" ] && [ -f "$d" ] && [ ! -L "$d" ] && [ "$(sha256sum < "$d")" = "$h  -" ]; then echo "same $h $n"; exit 0; fi',
			// A replaced file keeps its owner and mode unless told otherwise, as writeFileAtomic does.
			keptAttributesScript(owners === undefined, mode === undefined),
			owners === undefined ? '' : `chown ${quoteShell(owners)} "$t" || exit 1`,
			mode === undefined ? '' : `chmod ${mode.toString(8)} "$t" || exit 1`,
			'mv -f -- "$t" "$d" || exit 1',
			'trap - EXIT HUP INT TERM',
			`if [ "$n" -ge ${rememberedFrom} ]; then ${identityScript([['dest', '"$d"']])}; fi`,
			'echo "written $h $n"',
		].filter(Boolean).join('\n');
		const result = await ctx.run(script, {subshell: true});
		const last = result.stdout.trimEnd().split('\n').at(-1) ?? '';
		const [outcome = '', sha256 = '', size = '0'] = last.split(' ');
		if (result.code !== 0) {
			throw new HostFileError(ctx.host, dest, `cannot write ${dest} on ${ctx.host}`, result.stderr);
		}

		const failure = attemptFailure(source, ctx.host, result.stderr, seconds);
		if (failure) {
			throw failure;
		}

		if (outcome === 'mismatch') {
			throw new TransferError(source, 'checksum', `sha256 mismatch: expected ${options.sha256 ?? ''}, got ${sha256} (${size} bytes); this source serves other bytes than the checksum names, and nothing was written to ${dest}`, {transient: false});
		}

		if (outcome === 'written') {
			rememberWritten(ctx, result.stdout, new Map([['dest', {path: dest, sha256}]]));
		}

		return {sha256, size: Number(size), same: outcome === 'same'};
	}, options.onFailure);
	return {...value, url};
}
