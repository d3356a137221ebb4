import {quoteShell} from '../../engine/shell-words.js';

/*
 * The request runs on the host with curl (Ansible runs uri there too). Everything about it, the
 * password included, goes in a curl config on stdin, so nothing of it shows in the host's process
 * list; the script prints curl's status, the response's headers and its body in base64.
 */

export interface Request {
	readonly url: string;
	readonly method: string;
	readonly headers: Readonly<Record<string, string>>;
	readonly body: string | undefined;
	readonly follow: boolean;
	readonly timeout: number;
	readonly insecure: boolean;
	readonly agent: string;
	readonly user: string | undefined;
	readonly password: string | undefined;
	readonly forceBasicAuth: boolean;
	readonly unixSocket: string | undefined;
}

/** Where the body is written: a path, and the statuses that write it. */
export interface Destination {
	readonly path: string;
	/** The file name used when path is a folder. */
	readonly fileName: string;
	readonly statuses: readonly number[];
}

/** A curl config value: double quoted, with curl's escapes. */
function configValue(value: string): string {
	return `"${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n').replaceAll('\r', '\\r').replaceAll('\t', '\\t')}"`;
}

export function curlConfig(request: Request): string {
	const lines = [
		`url = ${configValue(request.url)}`,
		request.method === 'HEAD' ? 'head' : `request = ${configValue(request.method)}`,
		`user-agent = ${configValue(request.agent)}`,
		`max-time = ${request.timeout}`,
		...Object.entries(request.headers).map(([name, value]) => `header = ${configValue(`${name}: ${value}`)}`),
		// data-raw: a body starting with @ is sent as it is, not read from a file.
		...(request.body === undefined ? [] : [`data-raw = ${configValue(request.body)}`]),
		...(request.follow ? ['location'] : []),
		...(request.insecure ? ['insecure'] : []),
		...(request.unixSocket === undefined ? [] : [`unix-socket = ${configValue(request.unixSocket)}`]),
		// Without force_basic_auth, credentials go only in answer to the server's challenge, as urllib sends them.
		...(request.user === undefined ? [] : [request.forceBasicAuth ? 'basic' : 'anyauth', `user = ${configValue(`${request.user}:${request.password ?? ''}`)}`]),
	];
	return `${lines.join('\n')}\n`;
}

/** Markers between the parts of the script's output. */
export const markers = {headers: '--pb-uri-headers--', body: '--pb-uri-body--', written: '--pb-uri-written--'} as const;

/**
 * The script: curl, then its exit status and `STATUS EFFECTIVE_URL`, its error, the headers it
 * received, the body; with a destination, the body is moved there (atomically, in its folder) when
 * the status is one of those wanted, and an existing file asks the server for a newer one only.
 */
export function requestScript(destination: Destination | undefined): string {
	const dest = destination === undefined ? '' : [
		`dest=${quoteShell(destination.path)}`,
		`if [ -d "$dest" ]; then dest="\${dest%/}"/${quoteShell(destination.fileName)}; fi`,
		'if [ -f "$dest" ]; then set -- --time-cond "$dest"; fi',
	].join('\n');
	const write = destination === undefined ? '' : [
		`case "$code" in ${destination.statuses.filter(status => status !== 304).join('|') || 'none'})`,
		`  cp "$t/body" "$dest.pb-uri" && mv -f "$dest.pb-uri" "$dest" && echo ${markers.written} "$dest" ;;`,
		'esac',
	].join('\n');
	return [
		't=$(mktemp -d) || exit 1',
		'trap \'rm -rf "$t"\' EXIT',
		dest,
		'curl --silent --show-error --config - "$@" --output "$t/body" --dump-header "$t/headers" --write-out \'%{http_code} %{url_effective}\' >"$t/out" 2>"$t/err"',
		'echo "$?"',
		'cat "$t/out"; echo',
		'tr \'\\n\' \' \' <"$t/err"; echo',
		'code=$(cut -d" " -f1 "$t/out")',
		`echo ${markers.headers}`,
		'cat "$t/headers" 2>/dev/null',
		`echo ${markers.body}`,
		'base64 -w0 "$t/body" 2>/dev/null; echo',
		write,
	].filter(Boolean).join('\n');
}
