/**
 * Jinja's and Ansible's filters, by their names (`ansible.builtin.` prefixes are accepted by the
 * caller). Each takes its input already resolved, except those in `undefinedInputFilters`, which
 * exist to cope with an undefined input. Filters shared with Handlebars' helpers call the same
 * functions in ../filters.ts.
 */
import {createHash} from 'node:crypto';
import {homedir} from 'node:os';
import {extname, isAbsolute, relative, resolve} from 'node:path';
import * as shared from '../filters.js';
import {pythonRegex} from '../regex.js';
import {yamlCodec} from '../yaml-codec.js';
import {argument, type Arguments} from './arguments.js';
import {Undefined} from './context.js';
import {compare, isEqual, isIn, isMapping, isTruthy, percentFormat, pyIterate, pyRepr, pyStr, tuple, typeName} from './python.js';

/** What a filter may call besides its input: other filters (`map('upper')`) and tests (`select('defined')`). */
export interface FilterEnvironment {
	readonly filter: (name: string, input: unknown, call: Arguments) => unknown;
	readonly test: (name: string, input: unknown, call: Arguments) => boolean;
	/** The attribute `a.b.c` of a value, Jinja's way (`map(attribute='a.b')`); Undefined when missing. */
	readonly attribute: (value: unknown, path: string) => unknown;
}

export type Filter = (input: unknown, call: Arguments, environment: FilterEnvironment) => unknown;

const text = (value: unknown) => pyStr(value);
const bool = (value: unknown) => value === true || (typeof value !== 'boolean' && shared.toBool(value));

const list = (value: unknown, filter: string) => pyIterate(value, filter);

function mapping(value: unknown, filter: string): Record<string, unknown> {
	if (!isMapping(value)) {
		throw new TypeError(`${filter} needs a dict, got ${typeName(value)}`);
	}

	return value;
}

/** Python's sort order for mixed values: numbers, then strings, then the rest by their text. */
function sortKey(value: unknown, caseSensitive: boolean): unknown {
	return typeof value === 'string' && !caseSensitive ? value.toLowerCase() : value;
}

function sorted(items: readonly unknown[], key: (item: unknown) => unknown, reverse: boolean): unknown[] {
	const result = [...items].sort((a, b) => {
		const [x, y] = [key(a), key(b)];
		return isEqual(x, y) ? 0 : (compare(x, y, '<') ? -1 : 1);
	});
	return reverse ? result.reverse() : result;
}

function unique(items: readonly unknown[]): unknown[] {
	const result: unknown[] = [];
	for (const item of items) {
		if (!result.some(kept => isEqual(kept, item))) {
			result.push(item);
		}
	}

	return result;
}

/** Lists in lists made one list, `levels` deep (all, when undefined). */
export function flatten(items: readonly unknown[], levels: number | undefined, skipNulls: boolean): unknown[] {
	return items.flatMap(item => {
		if (Array.isArray(item) && (levels === undefined || levels > 0)) {
			return flatten(item, levels === undefined ? undefined : levels - 1, skipNulls);
		}

		return skipNulls && item === null ? [] : [item];
	});
}

/** Python's itertools.product: every combination of one item from each list, in order. */
export function cartesianProduct(lists: ReadonlyArray<readonly unknown[]>): unknown[][] {
	return lists.reduce<unknown[][]>((combos, items) => combos.flatMap(combo => items.map(item => [...combo, item])), [[]]);
}

/** Python's itertools.zip_longest: the lists side by side, the shorter ones filled with `fill`. */
export function zipLongest(lists: ReadonlyArray<readonly unknown[]>, fill: unknown): unknown[][] {
	return Array.from({length: Math.max(0, ...lists.map(items => items.length))}, (_, index) => lists.map(items => (index < items.length ? items[index] : fill)));
}

/** Ansible's combine (and combine_vars with hash_behaviour merge, as include_vars uses it): `other` over `base`. */
export function combine(base: Record<string, unknown>, other: Record<string, unknown>, recursive: boolean, listMerge: string): Record<string, unknown> {
	const result: Record<string, unknown> = {...base};
	for (const [key, value] of Object.entries(other)) {
		const current = result[key];
		if (recursive && isMapping(current) && isMapping(value)) {
			result[key] = combine(current, value, true, listMerge);
		} else if (Array.isArray(current) && Array.isArray(value) && listMerge !== 'replace') {
			result[key] = listMerge === 'keep' ? current
				: listMerge === 'append' ? [...current, ...value]
					: listMerge === 'prepend' ? [...value, ...current]
						: listMerge === 'append_rp' ? [...current.filter(item => !isIn(item, value)), ...value]
							: [...value, ...current.filter(item => !isIn(item, value))];
		} else {
			result[key] = value;
		}
	}

	return result;
}

/** select/reject and selectattr/rejectattr: the items a test (truthiness when none) accepts. */
function selecting(wanted: boolean, byAttribute: boolean): Filter {
	return (input, call, environment) => list(input, byAttribute ? 'selectattr' : 'select').filter(item => {
		const [first, ...rest] = call.positional;
		const subject = byAttribute ? environment.attribute(item, text(first)) : item;
		const [testName, ...testArgs] = byAttribute ? rest : call.positional;
		const holds = testName === undefined
			? isTruthy(subject instanceof Undefined ? false : subject)
			: environment.test(text(testName), subject, {positional: testArgs, named: {}});
		return holds === wanted;
	});
}

function hashOf(value: unknown, algorithm: string): string {
	const names: Readonly<Record<string, string>> = {sha1: 'sha1', md5: 'md5', sha256: 'sha256', sha512: 'sha512', sha224: 'sha224', sha384: 'sha384'};
	const name = names[algorithm];
	if (!name) {
		throw new TypeError(`unknown hash type ${pyRepr(algorithm)}: use one of ${Object.keys(names).join(', ')}`);
	}

	return createHash(name).update(text(value)).digest('hex');
}

/** Python's urllib.parse.urlsplit, as Ansible's urlsplit filter gives it. */
function urlParts(value: unknown): Record<string, unknown> {
	const match = /^(?:([a-z][\w+.-]*):)?(?:\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/i.exec(text(value));
	const [, scheme = '', netloc = '', path = '', query = '', fragment = ''] = match ?? [];
	const auth = netloc.includes('@') ? netloc.slice(0, netloc.lastIndexOf('@')) : '';
	const hostPort = netloc.slice(netloc.lastIndexOf('@') + 1);
	const portMatch = /:(\d+)$/.exec(hostPort);
	return {
		scheme: scheme.toLowerCase(),
		netloc,
		path,
		query,
		fragment,
		username: auth ? auth.split(':')[0] : null,
		password: auth.includes(':') ? auth.slice(auth.indexOf(':') + 1) : null,
		hostname: hostPort ? hostPort.replace(/:\d+$/, '').replace(/^\[|\]$/g, '').toLowerCase() : null,
		port: portMatch ? Number(portMatch[1]) : null,
	};
}

function dictsort(input: unknown, call: Arguments): unknown[] {
	const caseSensitive = bool(argument(call, 0, 'case_sensitive', false));
	const by = text(argument(call, 1, 'by', 'key'));
	const reverse = bool(argument(call, 2, 'reverse', false));
	const index = by === 'value' ? 1 : 0;
	return sorted(Object.entries(mapping(input, 'dictsort')).map(pair => tuple(pair)), item => sortKey((item as unknown[])[index], caseSensitive), reverse);
}

function rounded(input: unknown, call: Arguments): number {
	const precision = Number(argument(call, 0, 'precision', 0));
	const method = text(argument(call, 1, 'method', 'common'));
	const factor = 10 ** precision;
	const value = Number(input) * factor;
	const result = method === 'ceil' ? Math.ceil(value) : (method === 'floor' ? Math.floor(value) : Math.sign(value) * Math.round(Math.abs(value)));
	return result / factor;
}

export const filters: Readonly<Record<string, Filter>> = {
	default: (input, call) => {
		const fallback = argument(call, 0, 'default_value', '');
		return input instanceof Undefined || (bool(argument(call, 1, 'boolean', false)) && !isTruthy(input)) ? fallback : input;
	},
	mandatory(input, call) {
		if (input instanceof Undefined) {
			const message = argument(call, 0, 'msg');
			throw new TypeError(message === undefined ? `Mandatory variable '${input.path}' not defined.` : text(message));
		}

		return input;
	},
	bool: input => (input === null ? false : bool(input)),
	int(input, call) {
		const base = Number(argument(call, 1, 'base', 10));
		const parsed = typeof input === 'boolean' ? Number(input) : (typeof input === 'number' ? Math.trunc(input) : Number.parseInt(text(input).trim(), base));
		return Number.isNaN(parsed) ? Number(argument(call, 0, 'default', 0)) : parsed;
	},
	float(input, call) {
		const parsed = Number.parseFloat(text(input).trim());
		return Number.isNaN(parsed) ? Number(argument(call, 0, 'default', 0)) : parsed;
	},
	string: input => text(input),
	lower: input => text(input).toLowerCase(),
	upper: input => text(input).toUpperCase(),
	capitalize: input => text(input).charAt(0).toUpperCase() + text(input).slice(1).toLowerCase(),
	title: input => text(input).replaceAll(/\w\S*/g, word => word.charAt(0).toUpperCase() + word.slice(1).toLowerCase()),
	trim: (input, call) => {
		const chars = argument(call, 0, 'chars');
		return chars === undefined || chars === null ? text(input).trim() : text(input).replace(new RegExp(`^[${escapeClass(text(chars))}]+|[${escapeClass(text(chars))}]+$`, 'g'), '');
	},
	replace(input, call) {
		const count = argument(call, 2, 'count');
		if (count === undefined || count === null) {
			return shared.replace(input, argument(call, 0, 'old'), argument(call, 1, 'new'));
		}

		const parts = text(input).split(text(argument(call, 0, 'old')));
		const limit = Number(count) + 1;
		return [parts.slice(0, limit).join(text(argument(call, 1, 'new'))), ...parts.slice(limit)].join(text(argument(call, 0, 'old')));
	},
	regex_replace: (input, call) => shared.regexReplace(input, argument(call, 0, 'regex', ''), argument(call, 1, 'replace', ''), regexFlags(call, 2)),
	regex_search(input, call) {
		const [pattern, ...groups] = call.positional;
		const match = pythonRegex(text(pattern), regexFlags(call, Number.POSITIVE_INFINITY)).exec(text(input));
		if (!match) {
			return null;
		}

		if (groups.length === 0) {
			return match[0];
		}

		return groups.map(group => {
			const name = text(group);
			return /^\\\d+$/.test(name) ? match[Number(name.slice(1))] : match.groups?.[name.replace(/^\\g<|>$/g, '')];
		});
	},
	regex_findall(input, call) {
		const regex = pythonRegex(text(argument(call, 0, 'regex', '')), {...regexFlags(call, 1), global: true});
		return [...text(input).matchAll(regex)].map(match => (match.length > 2 ? match.slice(1) : match[1] ?? match[0]));
	},
	regex_escape: input => text(input).replaceAll(/[.*+?^${}()|[\]\\/-]/g, '\\$&'),
	split: (input, call) => shared.split(input, argument(call, 0, 'sep') ?? undefined),
	join(input, call) {
		const attribute = argument(call, 1, 'attribute');
		return list(input, 'join').map(item => text(attribute === undefined ? item : (item as Record<string, unknown>)[text(attribute)])).join(text(argument(call, 0, 'd', '')));
	},
	length: input => shared.lengthOf(input),
	count: input => shared.lengthOf(input),
	first: input => list(input, 'first')[0] ?? new Undefined('first', ': the list is empty'),
	last: input => list(input, 'last').at(-1) ?? new Undefined('last', ': the list is empty'),
	min: (input, call, environment) => extreme(input, call, environment, -1),
	max: (input, call, environment) => extreme(input, call, environment, 1),
	sum(input, call, environment) {
		const attribute = argument(call, 0, 'attribute');
		return list(input, 'sum').reduce<number>((total, item) => total + Number(attribute === undefined ? item : environment.attribute(item, text(attribute))), Number(argument(call, 1, 'start', 0)));
	},
	sort(input, call, environment) {
		const attribute = argument(call, 2, 'attribute');
		const caseSensitive = bool(argument(call, 1, 'case_sensitive', false));
		return sorted(list(input, 'sort'), item => sortKey(attribute === undefined ? item : environment.attribute(item, text(attribute)), caseSensitive), bool(argument(call, 0, 'reverse', false)));
	},
	unique: input => unique(list(input, 'unique')),
	reverse: input => (typeof input === 'string' ? [...input].reverse().join('') : [...list(input, 'reverse')].reverse()),
	flatten: (input, call) => {
		const levels = argument(call, 0, 'levels');
		return flatten(list(input, 'flatten'), levels === undefined || levels === null ? undefined : Number(levels), bool(argument(call, 1, 'skip_nulls', true)));
	},
	map(input, call, environment) {
		const attribute = call.named['attribute'];
		if (attribute !== undefined) {
			return list(input, 'map').map(item => {
				const value = environment.attribute(item, text(attribute));
				return value instanceof Undefined && Object.hasOwn(call.named, 'default') ? call.named['default'] : value;
			});
		}

		const [name, ...args] = call.positional;
		if (name === undefined) {
			return list(input, 'map');
		}

		return list(input, 'map').map(item => environment.filter(text(name), item, {positional: args, named: call.named}));
	},
	select: selecting(true, false),
	reject: selecting(false, false),
	selectattr: selecting(true, true),
	rejectattr: selecting(false, true),
	dict2items(input, call) {
		const [key, value] = [text(argument(call, 0, 'key_name', 'key')), text(argument(call, 1, 'value_name', 'value'))];
		return Object.entries(mapping(input, 'dict2items')).map(([k, v]) => ({[key]: k, [value]: v}));
	},
	items2dict(input, call) {
		const [key, value] = [text(argument(call, 0, 'key_name', 'key')), text(argument(call, 1, 'value_name', 'value'))];
		return Object.fromEntries(list(input, 'items2dict').map(item => [text(mapping(item, 'items2dict')[key]), (item as Record<string, unknown>)[value]]));
	},
	combine(input, call) {
		const recursive = bool(call.named['recursive'] ?? false);
		const listMerge = text(call.named['list_merge'] ?? 'replace');
		const others = call.positional.flatMap(other => (Array.isArray(other) ? other : [other]));
		return [input, ...others].map(other => mapping(other, 'combine')).reduce((merged, other) => combine(merged, other, recursive, listMerge), {});
	},
	zip: (input, call) => {
		const lists = [list(input, 'zip'), ...call.positional.map(other => list(other, 'zip'))];
		return Array.from({length: Math.min(...lists.map(items => items.length))}, (_, index) => tuple(lists.map(items => items[index])));
	},
	zip_longest(input, call) {
		const lists = [list(input, 'zip_longest'), ...call.positional.map(other => list(other, 'zip_longest'))];
		return zipLongest(lists, call.named['fillvalue'] ?? null).map(items => tuple(items));
	},
	product: (input, call) => cartesianProduct([list(input, 'product'), ...call.positional.map(other => list(other, 'product'))]).map(combo => tuple(combo)),
	difference: (input, call) => unique(list(input, 'difference').filter(item => !isIn(item, list(call.positional[0], 'difference')))),
	union: (input, call) => unique([...list(input, 'union'), ...list(call.positional[0], 'union')]),
	intersect: (input, call) => unique(list(input, 'intersect').filter(item => isIn(item, list(call.positional[0], 'intersect')))),
	symmetric_difference(input, call) {
		const [a, b] = [list(input, 'symmetric_difference'), list(call.positional[0], 'symmetric_difference')];
		return unique([...a.filter(item => !isIn(item, b)), ...b.filter(item => !isIn(item, a))]);
	},
	to_json: (input, call) => {
		const indent = argument(call, 0, 'indent');
		return shared.pythonJson(input, indent === undefined ? undefined : Number(indent), bool(call.named['sort_keys'] ?? false));
	},
	to_nice_json: (input, call) => shared.pythonJson(input, Number(argument(call, 0, 'indent', 4)), bool(call.named['sort_keys'] ?? true)),
	from_json: input => JSON.parse(text(input)) as unknown,
	to_yaml: (input, call) => yamlCodec().dump(input, {ansible: 'to_yaml', indent: Number(call.named['indent'] ?? 2), sortKeys: bool(call.named['sort_keys'] ?? true)}),
	to_nice_yaml: (input, call) => yamlCodec().dump(input, {ansible: 'to_nice_yaml', indent: Number(argument(call, 0, 'indent', 4)), sortKeys: bool(call.named['sort_keys'] ?? true)}),
	from_yaml: input => yamlCodec().load(text(input)),
	from_yaml_all: input => text(input).split(/^---\s*$/m).filter(part => part.trim() !== '').map(part => yamlCodec().load(part)),
	b64encode: input => shared.b64encode(text(input)),
	b64decode: input => shared.b64decode(input),
	hash: (input, call) => hashOf(input, text(argument(call, 0, 'hashtype', 'sha1'))),
	checksum: input => hashOf(input, 'sha1'),
	md5: input => hashOf(input, 'md5'),
	sha1: input => hashOf(input, 'sha1'),
	basename: input => shared.basename(input),
	dirname: input => shared.dirname(input),
	expanduser: input => text(input).replace(/^~(?=$|\/)/, homedir()),
	realpath: input => resolve(text(input)),
	relpath: (input, call) => relative(text(argument(call, 0, 'start', '.')), text(input)),
	splitext: input => {
		const extension = extname(text(input));
		return [text(input).slice(0, text(input).length - extension.length), extension];
	},
	quote: input => shared.shellQuote(input),
	ternary: (input, call) => (input === null && call.positional.length > 2 ? call.positional[2] : (isTruthy(input) ? call.positional[0] : call.positional[1])),
	dictsort,
	list: input => list(input, 'list'),
	urlsplit(input, call) {
		const parts = urlParts(input);
		const query = argument(call, 0, 'query');
		if (query === undefined) {
			return parts;
		}

		if (!Object.hasOwn(parts, text(query))) {
			throw new TypeError(`urlsplit: unknown URL component ${pyRepr(query)}`);
		}

		return parts[text(query)];
	},
	type_debug: input => (input instanceof Undefined ? 'AnsibleUndefined' : typeName(input)),
	abs: input => Math.abs(Number(input)),
	round: rounded,
	center: (input, call) => {
		const width = Number(argument(call, 0, 'width', 80));
		const total = Math.max(0, width - text(input).length);
		return ' '.repeat(Math.floor(total / 2)) + text(input) + ' '.repeat(total - Math.floor(total / 2));
	},
	indent(input, call) {
		const width = argument(call, 0, 'width', 4);
		const pad = typeof width === 'string' ? width : ' '.repeat(Number(width));
		const lines = text(input).split('\n');
		const first = bool(argument(call, 1, 'first', false));
		const blank = bool(argument(call, 2, 'blank', false));
		return lines.map((line, index) => ((index === 0 && !first) || (line === '' && !blank) ? line : pad + line)).join('\n');
	},
	format: (input, call) => percentFormat(text(input), call.positional),
	wordcount: input => text(input).split(/\s+/).filter(Boolean).length,
	batch(input, call) {
		const size = Number(argument(call, 0, 'linecount'));
		const items = list(input, 'batch');
		const batches = Array.from({length: Math.ceil(items.length / size)}, (_, index) => items.slice(index * size, (index + 1) * size));
		const fill = argument(call, 1, 'fill_with');
		const lastBatch = batches.at(-1);
		if (fill !== undefined && lastBatch) {
			while (lastBatch.length < size) {
				lastBatch.push(fill);
			}
		}

		return batches;
	},
	dict: input => Object.fromEntries(list(input, 'dict').map(pair => list(pair, 'dict'))),
	attr: (input, call, environment) => environment.attribute(input, text(call.positional[0])),
	groupby(input, call, environment) {
		const groups = new Map<string, {key: unknown; items: unknown[]}>();
		for (const item of list(input, 'groupby')) {
			const key = environment.attribute(item, text(call.positional[0]));
			const id = pyRepr(key);
			const group = groups.get(id) ?? {key, items: []};
			group.items.push(item);
			groups.set(id, group);
		}

		return sorted([...groups.values()].map(group => tuple([group.key, group.items])), pair => (pair as unknown[])[0], false);
	},
	subelements(input, call, environment) {
		const path = text(call.positional[0]);
		const skipMissing = bool(isMapping(call.positional[1]) ? (call.positional[1] as Record<string, unknown>)['skip_missing'] : call.named['skip_missing'] ?? false);
		return list(input, 'subelements').flatMap(item => {
			const children = environment.attribute(item, path);
			if (children instanceof Undefined) {
				if (skipMissing) {
					return [];
				}

				throw new TypeError(`subelements: could not find ${pyRepr(path)} key in iterated item ${pyRepr(item)}`);
			}

			return list(children, 'subelements').map(child => [item, child]);
		});
	},
	extract(input, call) {
		const container = call.positional[0];
		const value = Array.isArray(container) ? container[Number(input)] : mapping(container, 'extract')[text(input)];
		const morekeys = call.positional[1];
		return morekeys === undefined ? value : (Array.isArray(morekeys) ? morekeys : [morekeys]).reduce<unknown>((current, key) => (current as Record<string, unknown>)?.[text(key)], value);
	},
	comment(input, call) {
		const decoration = text(call.named['decoration'] ?? '# ');
		return `#\n${text(input).split('\n').map(line => `${decoration}${line}`.trimEnd()).join('\n')}\n#`;
	},
	safe: input => input,
	escape: input => text(input).replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&#34;').replaceAll('\'', '&#39;'),
	path_join: input => (Array.isArray(input) ? input.map(part => text(part)).reduce((joined, part) => (isAbsolute(part) || joined === '' ? part : `${joined.replace(/\/$/, '')}/${part}`), '') : text(input)),
	pprint: input => pyRepr(input),
};

function escapeClass(chars: string): string {
	return chars.replaceAll(/[\]\\^-]/g, '\\$&');
}

function regexFlags(call: Arguments, ignorecaseIndex: number): {ignorecase: boolean; multiline: boolean} {
	return {
		ignorecase: bool(argument(call, ignorecaseIndex, 'ignorecase', false)),
		multiline: bool(argument(call, ignorecaseIndex + 1, 'multiline', false)),
	};
}

function extreme(input: unknown, call: Arguments, environment: FilterEnvironment, sign: number): unknown {
	const attribute = call.named['attribute'];
	const items = list(input, sign < 0 ? 'min' : 'max');
	const key = (item: unknown) => sortKey(attribute === undefined ? item : environment.attribute(item, text(attribute)), bool(call.named['case_sensitive'] ?? false));
	return items.reduce<unknown>((best, item) => (best === undefined || compare(key(item), key(best), sign < 0 ? '<' : '>') ? item : best), undefined) ?? null;
}

/** Filters that take an undefined input and decide themselves (default, mandatory, type_debug). */
export const undefinedInputFilters: ReadonlySet<string> = new Set(['default', 'd', 'mandatory', 'type_debug']);

export const filterAliases: Readonly<Record<string, string>> = {d: 'default', e: 'escape', tojson: 'to_json', count: 'length'};
