import {globToRegex} from '../fnmatch.js';
import {PbError} from '../errors.js';
import type {Group, Host} from './types.js';

export interface HostSelection {
	/** Matching host names, in inventory order, each once. */
	readonly hosts: readonly string[];
	/** Ansible's warnings, e.g. 'Could not match supplied host pattern, ignoring: dbs'. */
	readonly warnings: readonly string[];
}

/** What selecting hosts needs of an inventory. */
interface HostSource {
	readonly hosts: ReadonlyMap<string, Host>;
	readonly groups: ReadonlyMap<string, Group>;
	groupHosts(group: string): readonly string[];
}

const localhostNames = new Set(['localhost', '127.0.0.1', '::1']);

/**
 * Ansible's host patterns (InventoryManager.get_hosts): `all`, `*`, a group or host name, globs
 * (`web*`, `db[12]`), `~regex`, unions `a:b` or `a,b`, `a:&b` (also in b), `a:!b` (not in b), and
 * subscripts `web[0]`, `web[1:3]` (inclusive). Unions are applied first, then intersections,
 * then exclusions, whatever the order written. `limit` (--limit) keeps only the hosts it matches.
 */
export function selectHosts(inventory: HostSource, pattern: string | readonly string[], limit?: string): HostSelection {
	const warnings: string[] = [];
	let hosts = evaluate(inventory, splitPattern(pattern), warnings);
	if (limit !== undefined) {
		const allowed = new Set(evaluate(inventory, splitPattern(limit), warnings));
		hosts = hosts.filter(host => allowed.has(host));
	}

	return {hosts, warnings};
}

/** Commas separate patterns; so do colons, except inside [ranges] and in IPv6 addresses. */
function splitPattern(pattern: string | readonly string[]): string[] {
	if (typeof pattern !== 'string') {
		return pattern.flatMap(item => splitPattern(item));
	}

	let parts: string[];
	if (pattern.includes(',')) {
		parts = pattern.split(',');
	} else if (/^\[?[\da-fA-F:.]*::[\da-fA-F:.]*\]?$/.test(pattern.trim())) {
		parts = [pattern];
	} else {
		parts = pattern.match(/(?:[^\s:[\]]|\[[^\]]*\])+/g) ?? [];
	}

	return parts.map(part => part.trim()).filter(part => part !== '');
}

function evaluate(inventory: HostSource, patterns: readonly string[], warnings: string[]): string[] {
	const regular = patterns.filter(pattern => !pattern.startsWith('&') && !pattern.startsWith('!'));
	const ordered = [
		...(regular.length > 0 ? regular : ['all']),
		...patterns.filter(pattern => pattern.startsWith('&')),
		...patterns.filter(pattern => pattern.startsWith('!')),
	];
	let hosts: string[] = [];
	for (const pattern of ordered) {
		if (inventory.hosts.has(pattern)) {
			hosts = union(hosts, [pattern]);
			continue;
		}

		const matched = new Set(matchOne(inventory, pattern.replace(/^[&!]/, ''), warnings));
		if (pattern.startsWith('!')) {
			hosts = hosts.filter(host => !matched.has(host));
		} else if (pattern.startsWith('&')) {
			hosts = hosts.filter(host => matched.has(host));
		} else {
			hosts = union(hosts, matched);
		}
	}

	return hosts;
}

function union(hosts: readonly string[], more: Iterable<string>): string[] {
	const result = new Set(hosts);
	for (const host of more) {
		result.add(host);
	}

	return [...result];
}

function matchOne(inventory: HostSource, pattern: string, warnings: string[]): string[] {
	const subscript = pattern.startsWith('~') ? null : /^(.+)\[(?:(-?\d+)|(\d+)([:-])(\d*))\]$/.exec(pattern);
	const expression = subscript?.[1] ?? pattern;
	const matches = matcher(expression);
	const groups = [...inventory.groups.keys()].filter(name => matches(name));
	const found = new Set(groups.flatMap(group => inventory.groupHosts(group)));
	// A glob or regex may name hosts as well as groups; a plain word names hosts only if no group.
	if (groups.length === 0 || /^~|[.?*[]/.test(expression)) {
		for (const host of inventory.hosts.keys()) {
			if (matches(host)) {
				found.add(host);
			}
		}
	}

	if (found.size === 0 && localhostNames.has(expression)) {
		found.add(expression);
	}

	if (found.size === 0 && groups.length === 0 && expression !== 'all') {
		warnings.push(`Could not match supplied host pattern, ignoring: ${expression}`);
	}

	const hosts = [...found];
	if (!subscript || hosts.length === 0) {
		return hosts;
	}

	const [, , index, start, separator, end] = subscript;
	if (separator === '-') {
		warnings.push('Use [x:y] inclusive subscripts instead of [x-y] which has been removed');
	}

	// As Ansible: [i] and [i:0] pick one host, [i:j] is inclusive, [i:] runs to the end.
	const first = Number(index ?? start);
	const last = end === '' ? hosts.length - 1 : Number(end ?? 0);
	if (end === '' || last !== 0) {
		return hosts.slice(first, last + 1);
	}

	const picked = hosts.at(first);
	if (picked === undefined) {
		throw new PbError(`No hosts matched the subscripted pattern '${pattern}'`, {
			hint: `'${expression}' matches ${hosts.length} host${hosts.length === 1 ? '' : 's'}, numbered from 0 (or from -1 backwards).`,
		});
	}

	return [picked];
}

/** `~regex` matches from the start of a name (Python's re.match); anything else is a shell glob. */
function matcher(pattern: string): (name: string) => boolean {
	let regex: RegExp;
	try {
		regex = new RegExp(pattern.startsWith('~') ? `^(?:${pattern.slice(1)})` : `^(?:${globToRegex(pattern)})$`);
	} catch (error) {
		throw new PbError(`invalid host pattern '${pattern}': ${(error as Error).message}`, {
			cause: error,
			hint: 'A pattern starting with ~ is a regular expression; check its brackets and escapes.',
		});
	}

	return name => regex.test(name);
}
