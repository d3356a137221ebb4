import {setTimeout as sleep} from 'node:timers/promises';
import {defineModule, type HostContext, type Params} from '../../engine/module.js';
import {elapsedSeconds, untilDeadline} from '../until-deadline.js';
import {activeConnections, type DrainQuery, matchGroups, procAddress, pythonRegex, tcpStates} from './parse.js';
import {pathInfo, probePath, probePort, readPort, readTcpTables, resolveOnHost} from './probe.js';

const params = {
	host: {type: 'str', default: '127.0.0.1', description: 'The address or name whose port is waited for, as the host (not the controller) reaches it'},
	port: {type: 'int', description: 'The TCP port to wait for'},
	path: {type: 'path', description: 'The file on the host to wait for (port and path exclude each other)'},
	search_regex: {type: 'str', description: 'A (Python) regular expression the file, or what the port sends, must match; its groups are returned'},
	state: {type: 'str', default: 'started', choices: ['started', 'stopped', 'present', 'absent', 'drained'], description: 'started/present: the port accepts connections or the file exists; stopped/absent: no more; drained: no active connections on the port'},
	timeout: {type: 'int', default: 300, description: 'Seconds to wait before failing'},
	delay: {type: 'int', default: 0, description: 'Seconds to wait before the first try'},
	sleep: {type: 'int', default: 1, description: 'Seconds between tries'},
	connect_timeout: {type: 'int', default: 5, description: 'Seconds a connection to the port may take before the try counts as failed'},
	exclude_hosts: {type: 'list', elements: 'str', description: 'With state drained: connections from these addresses or names do not count'},
	active_connection_states: {type: 'list', elements: 'str', default: ['ESTABLISHED', 'FIN_WAIT1', 'FIN_WAIT2', 'SYN_RECV', 'SYN_SENT', 'TIME_WAIT'], description: 'With state drained: the TCP states that count as active'},
	msg: {type: 'str', description: 'The message to fail with instead of the timeout\'s own'},
} as const;

type WaitForParams = Params<typeof params>;

/** What a try found when the condition holds; undefined: not yet. A `fatal` ends the wait at once (a path that cannot be read). */
type Found = {readonly match?: RegExpExecArray} | {readonly fatal: string};

/** What the task waits for, in words: the plan's message and check mode's. */
function waitedFor(p: WaitForParams): string {
	const regex = p.search_regex === undefined ? '' : ` and match ${p.search_regex}`;
	if (p.path !== undefined) {
		return p.state === 'absent' ? `${p.path} to be absent` : `${p.path} to be present${regex}`;
	}

	if (p.port === undefined && p.state !== 'drained') {
		return 'the timeout to pass';
	}

	const target = `${p.host}:${p.port ?? ''}`;
	switch (p.state) {
		case 'stopped':
		case 'absent': {
			return `${target} to stop accepting connections`;
		}

		case 'drained': {
			return `the active connections to ${target} to drain`;
		}

		default: {
			return `${target} to accept connections${regex}`;
		}
	}
}

/** Ansible's words for a wait that timed out. */
function timeoutMessage(p: WaitForParams): string {
	if (p.state === 'drained') {
		return `Timeout when waiting for ${p.host}:${p.port ?? 'None'} to drain`;
	}

	if (p.state === 'absent' || p.state === 'stopped') {
		return p.port === undefined ? `Timeout when waiting for ${p.path ?? ''} to be absent.` : `Timeout when waiting for ${p.host}:${p.port} to stop.`;
	}

	const where = p.port === undefined ? p.path ?? '' : `${p.host}:${p.port}`;
	return p.search_regex === undefined
		? (p.port === undefined ? `Timeout when waiting for file ${where}` : `Timeout when waiting for ${where}`)
		: `Timeout when waiting for search string ${p.search_regex} in ${where}`;
}

async function drainQuery(ctx: HostContext, p: WaitForParams): Promise<DrainQuery> {
	const names = [p.host, ...p.exclude_hosts ?? []];
	const unresolved = names.filter(name => procAddress(name) === undefined);
	const resolved = unresolved.length === 0 ? [] : await resolveOnHost(ctx, unresolved);
	const addresses = (name: string) => {
		const own = procAddress(name);
		return own === undefined ? (resolved[unresolved.indexOf(name)] ?? []).flatMap(ip => procAddress(ip) ?? []) : [own];
	};

	return {
		port: p.port ?? 0,
		local: addresses(p.host),
		excluded: (p.exclude_hosts ?? []).flatMap(name => addresses(name)),
		states: p.active_connection_states.map(state => tcpStates[state] ?? ''),
	};
}

/** One try of the condition the parameters ask for. */
async function tryOnce(ctx: HostContext, p: WaitForParams, regex: RegExp | undefined, deadline: number, drain: DrainQuery | undefined): Promise<Found | undefined> {
	const stopping = p.state === 'absent' || p.state === 'stopped';
	if (drain) {
		return activeConnections(await readTcpTables(ctx), drain) === 0 ? {} : undefined;
	}

	if (p.path !== undefined) {
		const seen = await probePath(ctx, p.path, !stopping && regex !== undefined);
		if ('error' in seen) {
			// A file that went missing while absent was waited for is what was wanted.
			return stopping ? {} : {fatal: p.msg ?? `Failed to stat ${p.path}, ${seen.error}`};
		}

		if (stopping || !seen.exists || !regex) {
			return seen.exists === stopping ? undefined : {};
		}

		const match = regex.exec(seen.content);
		return match ? {match} : undefined;
	}

	const remaining = Math.max(1, Math.ceil((deadline - Date.now()) / 1000));
	if (stopping) {
		return await probePort(ctx, p.host, p.port!, p.connect_timeout) ? undefined : {};
	}

	if (!regex) {
		return await probePort(ctx, p.host, p.port!, Math.min(p.connect_timeout, remaining)) ? {} : undefined;
	}

	const sent = await readPort(ctx, p.host, p.port!, remaining);
	// Ansible keeps the groups of a file's match only, not of what a port sent.
	return sent !== undefined && regex.test(sent) ? {} : undefined;
}

export default defineModule({
	name: 'wait_for',
	summary: 'Wait until a port on the host is open, closed or drained, or a file appears, holds a text or goes away',
	params,
	example: `- name: Wait for the API server to listen
  wait_for:
    port: 6443
    timeout: 120
- name: Wait for containerd's socket
  wait_for:
    path: /run/containerd/containerd.sock`,
	validate(p) {
		if (p.port !== undefined && p.path !== undefined) {
			return 'port and path parameter can not both be passed to wait_for';
		}

		if (p.path !== undefined && (p.state === 'stopped' || p.state === 'drained')) {
			return `state=${p.state} should only be used for checking a port in the wait_for module`;
		}

		if (p.exclude_hosts !== undefined && p.state !== 'drained') {
			return 'exclude_hosts should only be with state=drained';
		}

		if (p.state === 'drained' && p.port === undefined) {
			return 'state=drained needs the port whose connections are counted';
		}

		const unknown = p.active_connection_states.find(state => tcpStates[state] === undefined);
		if (unknown !== undefined) {
			return `unknown active_connection_state (${unknown}) defined; known: ${Object.keys(tcpStates).join(', ')}`;
		}

		if (p.search_regex !== undefined) {
			try {
				pythonRegex(p.search_regex);
			} catch (error) {
				return `Invalid regular expression: ${(error as Error).message}`;
			}
		}

		return undefined;
	},
	async read() {
		// Nothing is read ahead of waiting: apply tries until the condition holds.
		return undefined;
	},
	plan(_, p) {
		const what = `wait up to ${p.timeout} s for ${waitedFor(p)}`;
		// As Ansible's wait_for, it does not run in check mode; the message says what it would wait for.
		return {changed: false, msg: what, steps: undefined, unpredictable: `remote module (wait_for) does not support check mode: it would ${what}`};
	},
	alwaysApply: true,
	async apply(ctx, p) {
		const start = Date.now();
		await sleep(p.delay * 1000);
		if (p.port === undefined && p.path === undefined && p.state !== 'drained') {
			await sleep(p.timeout * 1000);
		} else {
			const drain = p.state === 'drained' ? await drainQuery(ctx, p) : undefined;
			const deadline = start + (p.timeout * 1000);
			const regex = p.search_regex === undefined ? undefined : pythonRegex(p.search_regex);
			const outcome = await untilDeadline(deadline, () => p.sleep * 1000, async () => tryOnce(ctx, p, regex, deadline, drain));
			const found = outcome.done ? outcome.value : {fatal: p.msg ?? timeoutMessage(p)};
			if ('fatal' in found) {
				return {failed: found.fatal, result: {elapsed: elapsedSeconds(start)}};
			}

			const groups = found.match ? matchGroups(found.match) : {match_groups: [], match_groupdict: {}};
			// Ansible describes the path in the result (its state becomes the file's kind), when it exists.
			const info = p.path === undefined ? {} : await pathInfo(ctx, p.path);
			return {msg: `waited for ${waitedFor(p)}`, result: {...result(p, start, groups), ...info}};
		}

		return {msg: `waited for ${waitedFor(p)}`, result: result(p, start, {match_groups: [], match_groupdict: {}})};
	},
});

/** What Ansible's wait_for returns once the condition holds. */
function result(p: WaitForParams, start: number, groups: ReturnType<typeof matchGroups>): Record<string, unknown> {
	return {state: p.state, port: p.port ?? null, search_regex: p.search_regex ?? null, path: p.path ?? null, ...groups, elapsed: elapsedSeconds(start)};
}
