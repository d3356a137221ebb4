/* Reading what wait_for's probes print: a Python regular expression, addresses as /proc/net/tcp writes them, its table. */

/**
 * A Python regular expression as JavaScript reads it, multiline as wait_for compiles it. Python's
 * named groups (?P<name>...) and backreferences (?P=name) are the only spellings JavaScript lacks.
 */
export function pythonRegex(source: string): RegExp {
	const converted = source.replaceAll(/\(\?P<(\w+)>/g, '(?<$1>').replaceAll(/\(\?P=(\w+)\)/g, '\\k<$1>');
	return new RegExp(converted, 'm');
}

/** The match as Python's groups() and groupdict() give it: unmatched groups are None (null). */
export function matchGroups(match: RegExpExecArray): {match_groups: Array<string | null>; match_groupdict: Record<string, string | null>} {
	return {
		match_groups: match.slice(1).map(group => group ?? null),
		match_groupdict: Object.fromEntries(Object.entries(match.groups ?? {}).map(([name, group]) => [name, group ?? null])),
	};
}

/** The kernel's codes for TCP states, as /proc/net/tcp shows them (Ansible's active_connection_states). */
export const tcpStates: Readonly<Record<string, string>> = {
	ESTABLISHED: '01', SYN_SENT: '02', SYN_RECV: '03', FIN_WAIT1: '04', FIN_WAIT2: '05', TIME_WAIT: '06',
};

/**
 * An address as /proc/net/tcp{,6} writes it: each 32-bit word in the host's (little-endian) byte
 * order, in upper-case hex. Undefined for what is not an IP address.
 */
export function procAddress(ip: string): string | undefined {
	const word = (bytes: number[]) => bytes.toReversed().map(byte => byte.toString(16).padStart(2, '0')).join('').toUpperCase();
	const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
	if (v4) {
		return word(v4.slice(1).map(Number));
	}

	const bytes = ipv6Bytes(ip);
	return bytes && [0, 4, 8, 12].map(start => word(bytes.slice(start, start + 4))).join('');
}

function ipv6Bytes(ip: string): number[] | undefined {
	if (!/^[\da-f:]+$/i.test(ip) || !ip.includes(':')) {
		return undefined;
	}

	const [head = '', tail] = ip.split('::');
	const groups = (part: string) => part === '' ? [] : part.split(':');
	const known = [...groups(head), ...groups(tail ?? '')];
	const words = tail === undefined ? known : [...groups(head), ...Array.from({length: 8 - known.length}, () => '0'), ...groups(tail)];
	return words.length === 8 ? words.flatMap(group => [Number.parseInt(group, 16) >> 8, Number.parseInt(group, 16) & 0xFF]) : undefined;
}

/** What wait_for's state=drained counts: connections on the port, to one of the host's addresses, not from excluded ones. */
export interface DrainQuery {
	readonly port: number;
	/** The `host` parameter's addresses, in /proc form. */
	readonly local: readonly string[];
	readonly excluded: readonly string[];
	/** Codes of the states that count (tcpStates). */
	readonly states: readonly string[];
}

const matchAll = new Set(['00000000', '00000000000000000000000000000000']);
const mappedPrefix = '0000000000000000FFFF0000';
const mappedMatchAll = '0000000000000000FFFF000000000000';

/** How many lines of /proc/net/tcp and tcp6 are active connections, as Ansible's Linux probe counts them. */
export function activeConnections(table: string, query: DrainQuery): number {
	const port = query.port.toString(16).toUpperCase().padStart(4, '0');
	return table.split('\n').map(line => line.trim().split(/\s+/)).filter(fields => {
		const [local = '', remote = '', state = ''] = fields.slice(1, 4);
		const [localIp = '', localPort] = local.split(':');
		const [remoteIp = ''] = remote.split(':');
		return local !== 'local_address' && localPort === port && query.states.includes(state) && !query.excluded.includes(remoteIp)
			&& (query.local.includes(localIp) || query.local.some(ip => ip.length === localIp.length && matchAll.has(ip))
				|| (localIp.startsWith(mappedPrefix) && query.local.includes(mappedMatchAll)));
	}).length;
}
