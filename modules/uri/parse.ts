import {markers} from './script.js';

/** What curl said about one request. */
export interface Response {
	/** curl's own exit status: 0 when it got an answer. */
	readonly curlStatus: number;
	readonly curlError: string;
	/** The HTTP status; -1 when no answer came, as Ansible says. */
	readonly status: number;
	readonly reason: string;
	readonly url: string;
	/** The last response's headers (after redirects), names lowercased, in order. */
	readonly headers: ReadonlyArray<readonly [string, string]>;
	readonly body: Buffer;
	/** Where the body was written, when it was. */
	readonly written: string | undefined;
}

function between(text: string, start: string, end: string): string {
	const from = text.indexOf(`${start}\n`);
	const to = text.indexOf(`${end}\n`, from);
	return from === -1 || to === -1 ? '' : text.slice(from + start.length + 1, to);
}

/** The last block of `--dump-header`: its status line and headers. */
function lastResponse(dump: string): {reason: string; headers: Array<[string, string]>} {
	const blocks = dump.replaceAll('\r\n', '\n').split(/\n\n+/).filter(block => /^HTTP\//.test(block));
	const [statusLine = '', ...lines] = (blocks.at(-1) ?? '').split('\n');
	const reason = /^HTTP\/\S+\s+\d+\s*(.*)$/.exec(statusLine)?.[1] ?? '';
	const headers = lines.flatMap((line): Array<[string, string]> => {
		const colon = line.indexOf(':');
		return colon > 0 ? [[line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()]] : [];
	});
	return {reason, headers};
}

export function parseResponse(stdout: string): Response {
	const [statusText = '', out = '', error = ''] = stdout.split('\n', 3);
	const [code = '000', ...urlWords] = out.split(' ');
	const status = Number(code);
	const {reason, headers} = lastResponse(between(stdout, markers.headers, markers.body));
	const afterBody = stdout.slice(stdout.indexOf(`${markers.body}\n`) + markers.body.length + 1);
	const [body = '', ...rest] = afterBody.split('\n');
	const written = rest.find(line => line.startsWith(`${markers.written} `))?.slice(markers.written.length + 1);
	return {
		curlStatus: Number(statusText),
		curlError: error.trim(),
		status: status === 0 ? -1 : status,
		reason,
		url: urlWords.join(' '),
		headers,
		body: Buffer.from(body, 'base64'),
		written,
	};
}
