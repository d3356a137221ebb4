/**
 * Value functions shared by template helpers and condition filters. They follow Jinja/Python
 * semantics, which Ansible users already expect: `[]` and `''` are false, `'yes'|bool` is true,
 * `'abc'|int` is 0.
 */
import {isDeepStrictEqual} from 'node:util';
import {basename as pathBasename, dirname as pathDirname} from 'node:path';
import {pythonRegex, pythonReplacement, type RegexOptions} from './regex.js';

/** Python's truthiness: empty strings, lists and mappings, 0, null and false are false. */
export function isTruthy(value: unknown): boolean {
	if (Array.isArray(value)) {
		return value.length > 0;
	}

	if (isMapping(value)) {
		return Object.keys(value).length > 0;
	}

	return Boolean(value);
}

export function isMapping(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Python's ==: values equal when their contents are equal, with no type coercion. */
export function isEqual(left: unknown, right: unknown): boolean {
	return isDeepStrictEqual(left, right);
}

/** Python's `in`: substring of a string, element of a list, key of a mapping. */
export function isIn(item: unknown, container: unknown): boolean {
	if (typeof container === 'string') {
		return typeof item === 'string' && container.includes(item);
	}

	if (Array.isArray(container)) {
		return container.some(element => isEqual(element, item));
	}

	if (isMapping(container)) {
		return typeof item === 'string' && Object.hasOwn(container, item);
	}

	return false;
}

/** Ansible's `default`: replaces an undefined value, or with `orFalsy` any false-ish value. */
export function withDefault(value: unknown, fallback: unknown, orFalsy = false): unknown {
	return value === undefined || (orFalsy && !isTruthy(value)) ? fallback : value;
}

export function toInt(value: unknown): number {
	if (typeof value === 'boolean') {
		return value ? 1 : 0;
	}

	const parsed = Number.parseInt(String(value).trim(), 10);
	return Number.isNaN(parsed) ? 0 : parsed;
}

export function toFloat(value: unknown): number {
	const parsed = Number.parseFloat(String(value).trim());
	return Number.isNaN(parsed) ? 0 : parsed;
}

/** Ansible's `bool` filter: yes/on/true/1 (any case) are true, everything else false. */
export function toBool(value: unknown): boolean {
	if (typeof value === 'boolean') {
		return value;
	}

	return ['yes', 'on', 'true', '1', 'y', 't'].includes(String(value).trim().toLowerCase());
}

/** Python's str(): what a value looks like when printed. */
export function toText(value: unknown): string {
	if (value === null || value === undefined) {
		return '';
	}

	return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

export function lengthOf(value: unknown): number {
	if (typeof value === 'string' || Array.isArray(value)) {
		return value.length;
	}

	if (isMapping(value)) {
		return Object.keys(value).length;
	}

	throw new TypeError(`length needs a string, list or mapping, got ${describe(value)}`);
}

export function first(value: unknown): unknown {
	return sequence('first', value)[0];
}

export function last(value: unknown): unknown {
	const items = sequence('last', value);
	return items[items.length - 1];
}

export function join(value: unknown, separator: unknown = ''): string {
	return sequence('join', value).map(item => toText(item)).join(toText(separator));
}

export function split(value: unknown, separator?: unknown): string[] {
	const text = toText(value);
	// Python's str.split() with no separator splits on runs of whitespace and drops empty ends.
	return separator === undefined ? text.split(/\s+/).filter(Boolean) : text.split(toText(separator));
}

/** Python's str.replace: every occurrence. */
export function replace(value: unknown, old: unknown, replacement: unknown): string {
	return toText(value).split(toText(old)).join(toText(replacement));
}

/** Python's re.sub: every match; `\1` and `\g<name>` in the replacement refer to groups. */
export function regexReplace(value: unknown, pattern: unknown, replacement: unknown = '', options: RegexOptions = {}): string {
	return toText(value).replace(pythonRegex(toText(pattern), {...options, global: true}), pythonReplacement(toText(replacement)));
}

/** Ansible's regex_search: the first match, or null when there is none. */
export function regexSearch(value: unknown, pattern: unknown, options: RegexOptions = {}): string | null {
	return pythonRegex(toText(pattern), options).exec(toText(value))?.[0] ?? null;
}

/** Python's shlex.quote: safe words stay as they are, anything else is single-quoted. */
export function shellQuote(value: unknown): string {
	const text = toText(value);
	if (text === '') {
		return "''";
	}

	return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", `'"'"'`)}'`;
}

export function b64encode(value: unknown): string {
	return Buffer.from(toText(value), 'utf8').toString('base64');
}

export function b64decode(value: unknown): string {
	return Buffer.from(toText(value), 'base64').toString('utf8');
}

export function basename(value: unknown): string {
	return pathBasename(toText(value));
}

export function dirname(value: unknown): string {
	return pathDirname(toText(value));
}

export function toJson(value: unknown): string {
	return JSON.stringify(value);
}

/**
 * Python's json.dumps: with no indent it separates with ', ' and ': '; `sortKeys` orders every
 * mapping's keys (to_nice_json does).
 */
export function pythonJson(value: unknown, indent?: number, sortKeys = false): string {
	const order = (item: unknown): unknown => {
		if (Array.isArray(item)) {
			return item.map(element => order(element));
		}

		if (isMapping(item)) {
			const entries = Object.entries(item).map(([key, element]) => [key, order(element)] as const);
			return Object.fromEntries(sortKeys ? entries.sort(([a], [b]) => (a < b ? -1 : (a > b ? 1 : 0))) : entries);
		}

		return item;
	};

	const json = JSON.stringify(order(value), undefined, indent);
	if (indent !== undefined) {
		return json;
	}

	let out = '';
	let inString = false;
	let escaped = false;
	for (const char of json) {
		out += char;
		if (inString) {
			inString = escaped || char !== '"';
			escaped = !escaped && char === '\\';
		} else if (char === '"') {
			inString = true;
		} else if (char === ',' || char === ':') {
			out += ' ';
		}
	}

	return out;
}

/** Ansible's to_nice_json indents by 4. */
export function toNiceJson(value: unknown): string {
	return JSON.stringify(value, undefined, 4);
}

export function describe(value: unknown): string {
	if (value === null) {
		return 'null';
	}

	return Array.isArray(value) ? 'a list' : `\`${toText(value)}\` (${typeof value})`;
}

function sequence(name: string, value: unknown): readonly unknown[] {
	if (Array.isArray(value)) {
		return value;
	}

	if (typeof value === 'string') {
		return [...value];
	}

	throw new TypeError(`${name} needs a list or a string, got ${describe(value)}`);
}
