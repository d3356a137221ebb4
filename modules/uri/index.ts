import {posix} from 'node:path';
import {defineModule, type ApplyResult} from '../../engine/module.js';
import {pythonJson} from '../../engine/vars/filters.js';
import {readGuards, type GuardState} from '../command.js';
import {parseResponse, type Response} from './parse.js';
import {curlConfig, requestScript, type Destination, type Request} from './script.js';

/*
 * uri: an HTTP request made from the host, as Ansible's uri module makes it there. It has no
 * check mode in Ansible (it is skipped there), and a request may change anything on the server,
 * so a real run always makes it; it is changed only when it writes dest.
 */

const jsonTypes = new Set(['json', 'javascript']);

/** Python's urlencode(doseq=True) of a dict, as Ansible's form_urlencoded builds a form: spaces as +. */
function formUrlencoded(body: unknown): string {
	if (typeof body === 'string') {
		return body;
	}

	const quotePlus = (text: string) => encodeURIComponent(text).replaceAll(/[!'()*]/g, char => `%${char.codePointAt(0)!.toString(16).toUpperCase()}`).replaceAll('%20', '+');
	const text = (value: unknown) => (typeof value === 'string' ? value : typeof value === 'boolean' ? (value ? 'True' : 'False') : JSON.stringify(value));
	const entries = Array.isArray(body) ? body.map(pair => pair as [unknown, unknown]) : Object.entries(body as Record<string, unknown>);
	return entries.flatMap(([key, values]) => (Array.isArray(values) ? values : [values])
		.filter(value => value !== null && value !== undefined)
		.map(value => `${quotePlus(text(key))}=${quotePlus(text(value))}`)).join('&');
}

/** Python prints a list of ints as [200, 201]. */
const pythonList = (statuses: readonly number[]): string => `[${statuses.join(', ')}]`;

interface UriState {
	/** Check mode: Ansible skips uri there. */
	readonly checkMode: boolean;
	readonly guards: GuardState;
}

/** The file name a folder dest gets: the URL's last part, or index.html. */
function fileNameOf(url: string): string {
	try {
		return posix.basename(new URL(url).pathname) || 'index.html';
	} catch {
		return 'index.html';
	}
}

/** Ansible's result: the status, the headers as variables (lowercased, `-` as `_`), the body when asked, a JSON body parsed. */
function resultOf(response: Response, url: string, wanted: readonly number[], returnContent: boolean): {result: Record<string, unknown>; ok: boolean; msg: string} {
	const headers = Object.fromEntries(response.headers.map(([name, value]) => [name.replaceAll('-', '_'), value]));
	const contentType = headers['content_type'] ?? '';
	const subtype = /^[^/;]+\/([^;]+)/.exec(contentType)?.[1]?.trim().toLowerCase() ?? '';
	const isJson = jsonTypes.has(subtype.includes('+') ? subtype.slice(subtype.indexOf('+') + 1) : subtype);
	const ok = wanted.includes(response.status);
	const httpMsg = response.status === -1 ? `Request failed: ${response.curlError}`
		: response.status >= 200 && response.status < 300 ? `OK (${headers['content_length'] ?? 'unknown'} bytes)`
			: `HTTP Error ${response.status}: ${response.reason}`;
	const content = response.body.toString('utf8');
	let json: unknown;
	if (isJson) {
		try {
			json = JSON.parse(content);
		} catch {
			json = undefined;
		}
	}

	const cookies = Object.fromEntries(response.headers.filter(([name]) => name === 'set-cookie').map(([, value]) => value.split(';')[0]!.split('=')).map(([name = '', ...value]) => [name.trim(), value.join('=')]));
	const msg = ok ? httpMsg : `Status code was ${response.status} and not ${pythonList(wanted)}: ${httpMsg}`;
	const result: Record<string, unknown> = {
		...headers,
		url: response.status === -1 ? url : response.url,
		redirected: response.status !== -1 && response.url !== url,
		status: response.status,
		msg,
		cookies,
		cookies_string: Object.entries(cookies).map(([name, value]) => `${name}=${value}`).join('; '),
		// The body is read for JSON and for a failure too, but registered only when asked for.
		...(returnContent ? {content} : {}),
		...(json === undefined ? {} : {json}),
		...(response.written === undefined ? {} : {path: response.written}),
	};
	return {result, ok, msg};
}

export default defineModule({
	name: 'uri',
	summary: 'Makes an HTTP request from the host (curl there); fails unless the status is one expected',
	params: {
		url: {type: 'str', required: true, description: 'The URL, http:// or https://'},
		method: {type: 'str', default: 'GET', description: 'The HTTP method, one word in capitals'},
		body: {type: 'raw', description: 'What to send: text, or with body_format json or form-urlencoded a dict (or list)'},
		body_format: {type: 'str', default: 'raw', choices: ['raw', 'json', 'form-urlencoded'], description: 'How to encode body; json and form-urlencoded set Content-Type unless headers do'},
		status_code: {type: 'list', elements: 'int', default: [200], description: 'The statuses that mean success'},
		return_content: {type: 'bool', default: false, description: 'Register the body as content (a JSON body is always registered, as json too)'},
		headers: {type: 'dict', default: {}, description: 'Request headers'},
		validate_certs: {type: 'bool', default: true, description: 'Check the server\'s TLS certificate'},
		timeout: {type: 'int', default: 30, minimum: 1, description: 'Seconds the whole request may take'},
		url_username: {type: 'str', aliases: ['user'], description: 'User name for HTTP authentication'},
		url_password: {type: 'str', aliases: ['password'], secret: true, description: 'Password for HTTP authentication (never shown; sent to curl on its stdin)'},
		force_basic_auth: {type: 'bool', default: false, description: 'Send Basic credentials with the first request instead of after the server asks'},
		follow_redirects: {type: 'str', default: 'safe', choices: ['all', 'no', 'none', 'safe', 'urllib2', 'yes'], description: 'Which redirects to follow: safe only for GET and HEAD, all (yes) always, none (no) never'},
		dest: {type: 'path', description: 'Write the body here (into it, when a folder) when the status is one expected; the task is then changed'},
		creates: {type: 'path', description: 'When this path exists on the host, no request is made'},
		removes: {type: 'path', description: 'When this path does not exist on the host, no request is made'},
		http_agent: {type: 'str', default: 'ansible-httpget', description: 'The User-Agent header'},
		unix_socket: {type: 'path', description: 'Connect through this Unix socket instead of TCP'},
	},
	example: '- uri:\n    url: http://{{ registry }}/v2/\n    method: GET\n    status_code: [200, 401]\n    return_content: true\n  register: registry_api',
	validate: params => (/^[A-Z]+$/.test(params.method) ? undefined : 'Parameter \'method\' needs to be a single word in uppercase, like GET or POST.'),
	alwaysApply: true,
	async read(ctx, params): Promise<UriState> {
		return {checkMode: ctx.check, guards: ctx.check ? {} : await readGuards(ctx, {...params, stdin_add_newline: false, strip_empty_ends: false})};
	},
	plan(state, params) {
		if (state.checkMode) {
			return {changed: false, msg: '', steps: undefined, unpredictable: 'remote module (uri) does not support check mode'};
		}

		const skip = state.guards.createsExists ? `skipped, since ${params.creates ?? ''} exists` : state.guards.removesExists === false ? `skipped, since ${params.removes ?? ''} does not exist` : undefined;
		return skip === undefined ? {changed: false, msg: '', steps: undefined} : {changed: false, msg: skip, steps: 'skip', result: {stdout: skip}};
	},
	async apply(ctx, params, plan): Promise<ApplyResult> {
		if (plan.steps === 'skip') {
			return {};
		}

		const headers: Record<string, string> = Object.fromEntries(Object.entries(params.headers).map(([name, value]) => [name, String(value)]));
		const named = (header: string) => Object.keys(headers).some(name => name.toLowerCase() === header);
		let body = params.body === undefined || params.body === null ? undefined : params.body;
		if (params.body_format === 'json') {
			body = typeof body === 'string' || body === undefined ? body : pythonJson(body);
			if (!named('content-type')) {
				headers['Content-Type'] = 'application/json';
			}
		} else if (params.body_format === 'form-urlencoded') {
			body = body === undefined ? undefined : formUrlencoded(body);
			if (!named('content-type')) {
				headers['Content-Type'] = 'application/x-www-form-urlencoded';
			}
		}

		const request: Request = {
			url: params.url,
			method: params.method,
			headers,
			body: body === undefined ? undefined : typeof body === 'string' ? body : pythonJson(body),
			follow: params.follow_redirects === 'all' || params.follow_redirects === 'yes' || params.follow_redirects === 'urllib2' || (params.follow_redirects === 'safe' && ['GET', 'HEAD'].includes(params.method)),
			timeout: params.timeout,
			insecure: !params.validate_certs,
			agent: params.http_agent,
			user: params.url_username,
			password: params.url_password,
			forceBasicAuth: params.force_basic_auth,
			unixSocket: params.unix_socket,
		};
		const destination: Destination | undefined = params.dest === undefined ? undefined : {path: params.dest, fileName: fileNameOf(params.url), statuses: params.status_code};
		const startedAt = Date.now();
		const run = await ctx.run(requestScript(destination), {stdin: curlConfig(request)});
		if (run.code !== 0) {
			throw new Error(`uri: the request script failed on ${ctx.host}: ${run.stderr.trim()}`);
		}

		const response = parseResponse(run.stdout);
		const {result, ok, msg} = resultOf(response, params.url, params.status_code, params.return_content);
		const changed = response.written !== undefined;
		const full = {...result, elapsed: Math.floor((Date.now() - startedAt) / 1000), changed};
		return ok ? {changed, msg, result: full} : {changed, failed: msg, result: full};
	},
});
