import {PbError, type SourcePosition} from '../errors.js';

/** One inventory host entry once expanded: `node[01:03].lan:2222` is three names and a port. */
export interface HostEntry {
	readonly names: readonly string[];
	readonly port: number | undefined;
}

class HostEntryError extends Error {}

// Python's string.ascii_letters: Ansible's alphabetic ranges run through this sequence.
const letters = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/**
 * Splits off a `:port` and expands `[a:b]` / `[a:b:step]` ranges, as Ansible's
 * parse_address + expand_hostname_range do. Bracketed IPv6 literals (`[::1]:22`) are addresses,
 * not ranges. `where` is the entry's place in its file, for the error.
 */
export function parseHostEntry(entry: string, where: SourcePosition): HostEntry {
	try {
		return readHostEntry(entry);
	} catch (error) {
		if (error instanceof HostEntryError) {
			throw new PbError(error.message, {where, hint: 'Write a host as name, name:port or a range such as node[01:20].'});
		}

		throw error;
	}
}

function readHostEntry(entry: string): HostEntry {
	const ipv6 = /^\[([\da-fA-F:.]+)\](?::(\d+))?$/.exec(entry);
	if (ipv6 && isIpv6(ipv6[1] ?? '')) {
		return {names: [ipv6[1] ?? ''], port: ipv6[2] === undefined ? undefined : parsePort(ipv6[2], entry)};
	}

	const {name, port} = splitPort(entry);
	if (name.endsWith(':')) {
		throw new HostEntryError(`'${entry}' ends in ':', which is reserved for a port number (host:2222)`);
	}

	if (name === '') {
		throw new HostEntryError(`'${entry}' has no host name`);
	}

	return {names: expandRanges(name), port};
}

// `[1:9:2]` is a range, `[::1]` and `[fe80:0:0:0:0:0:0:1]` are addresses.
function isIpv6(text: string): boolean {
	return text.includes('::') || text.split(':').length === 8;
}

/** The last `:digits` outside brackets is a port, unless other colons (an IPv6 address) remain. */
function splitPort(entry: string): {name: string; port: number | undefined} {
	const outside = entry.replaceAll(/\[[^\]]*\]/g, match => '_'.repeat(match.length));
	const colon = outside.lastIndexOf(':');
	if (colon === -1 || outside.indexOf(':') !== colon || outside.includes('[') || !/^\d+$/.test(entry.slice(colon + 1))) {
		return {name: entry, port: undefined};
	}

	return {name: entry.slice(0, colon), port: parsePort(entry.slice(colon + 1), entry)};
}

function parsePort(text: string, entry: string): number {
	const port = Number(text);
	if (port < 1 || port > 65_535) {
		throw new HostEntryError(`port ${text} in '${entry}' is not between 1 and 65535`);
	}

	return port;
}

function expandRanges(name: string): string[] {
	const open = name.indexOf('[');
	if (open === -1) {
		return [name];
	}

	const close = name.indexOf(']', open);
	if (close === -1) {
		throw new HostEntryError(`'${name}' opens a range with '[' but never closes it with ']'`);
	}

	const head = name.slice(0, open);
	const tail = name.slice(close + 1);
	return rangeValues(name.slice(open + 1, close)).flatMap(value => expandRanges(head + value + tail));
}

function rangeValues(range: string): string[] {
	const bounds = range.split(':');
	if (bounds.length !== 2 && bounds.length !== 3) {
		throw new HostEntryError(`host range [${range}] must be [begin:end] or [begin:end:step]`);
	}

	const [begin = '0', end = '', stepText = '1'] = bounds;
	const start = begin === '' ? '0' : begin;
	if (end === '') {
		throw new HostEntryError(`host range [${range}] has no end value`);
	}

	if (!/^[1-9]\d*$/.test(stepText)) {
		throw new HostEntryError(`host range [${range}] has step '${stepText}', which is not a whole number above 0`);
	}

	const step = Number(stepText);
	if (/^[a-zA-Z]$/.test(start) && /^[a-zA-Z]$/.test(end)) {
		const from = letters.indexOf(start);
		const to = letters.indexOf(end);
		if (from > to) {
			throw new HostEntryError(`host range [${range}] runs backwards: begin must come before end`);
		}

		return [...letters.slice(from, to + 1)].filter((_, index) => index % step === 0);
	}

	if (!/^\d+$/.test(start) || !/^\d+$/.test(end)) {
		throw new HostEntryError(`host range [${range}] must run between two numbers or two single letters`);
	}

	// A leading zero asks for zero-padded names (node01..node20), so both ends must be that wide.
	const width = start.startsWith('0') && start.length > 1 ? start.length : 0;
	if (width > 0 && end.length !== width) {
		throw new HostEntryError(`host range [${range}] pads with zeros, so begin and end must have the same number of digits`);
	}

	const from = Number(start);
	const to = Number(end);
	if (from > to) {
		throw new HostEntryError(`host range [${range}] runs backwards: begin must be at most end`);
	}

	const values: string[] = [];
	for (let n = from; n <= to; n += step) {
		values.push(String(n).padStart(width, '0'));
	}

	return values;
}
