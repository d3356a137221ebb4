/**
 * Ansible's lookup plugins that pb offers (`lookup('env', 'HOME')`, `query('file', 'a', 'b')`).
 * They run on the controller, as Ansible's do. Each returns a list, one result per term.
 */
import {execFileSync} from 'node:child_process';
import {existsSync, readdirSync, readFileSync, statSync} from 'node:fs';
import {basename, dirname, isAbsolute, join} from 'node:path';
import {isMapping, percentFormat, pyRepr, pyStr, tuple} from './python.js';
import {Undefined} from './context.js';
import type {Arguments} from './arguments.js';
import {cartesianProduct, flatten, zipLongest} from './filters.js';

export interface LookupEnvironment {
	readonly vars: (name: string) => unknown;
	/** Renders a template file with the current variables (the template lookup). */
	readonly renderFile: (path: string) => string;
}

type Lookup = (terms: readonly unknown[], named: Arguments['named'], environment: LookupEnvironment) => unknown[];

/**
 * Where a relative file is looked for, as Ansible's lookups look: the role's `files/` (or
 * `templates/`) and the role itself, then the playbook's.
 */
function searchPath(environment: LookupEnvironment, subfolder: string): string[] {
	const folders: string[] = [];
	for (const name of ['role_path', 'playbook_dir']) {
		const folder = environment.vars(name);
		if (typeof folder === 'string') {
			folders.push(join(folder, subfolder), folder);
		}
	}

	return folders;
}

function findFile(term: string, environment: LookupEnvironment, subfolder: string): string | undefined {
	if (isAbsolute(term)) {
		return existsSync(term) ? term : undefined;
	}

	return searchPath(environment, subfolder).map(folder => join(folder, term)).find(path => existsSync(path));
}

function mustFind(kind: string, term: string, environment: LookupEnvironment, subfolder: string): string {
	const path = findFile(term, environment, subfolder);
	if (path === undefined) {
		throw new TypeError(`the ${kind} lookup found no file ${pyRepr(term)} (looked in ${searchPath(environment, subfolder).join(', ') || 'no folder'})`);
	}

	return path;
}

/** The sequence lookup's `start=1 end=10 stride=2 format=web%02d`, or `count=3`, or `1-10/2:web%02d`. */
function sequence(spec: string): string[] {
	const settings: Record<string, string> = {start: '1', stride: '1', format: '%d'};
	const shortcut = /^(\d+)(?:-(\d+))?(?:\/(\d+))?(?::(.+))?$/.exec(spec.trim());
	if (shortcut) {
		Object.assign(settings, {start: shortcut[2] === undefined ? '1' : shortcut[1], end: shortcut[2] ?? shortcut[1]}, shortcut[3] ? {stride: shortcut[3]} : {}, shortcut[4] ? {format: shortcut[4]} : {});
	} else {
		for (const [, key = '', value = ''] of spec.matchAll(/(\w+)=(\S+)/g)) {
			settings[key] = value;
		}
	}

	const start = Number(settings['start']);
	const stride = Number(settings['stride']);
	const end = settings['count'] === undefined ? Number(settings['end']) : start + (stride * (Number(settings['count']) - 1));
	if (!Number.isInteger(start) || !Number.isInteger(end) || !Number.isInteger(stride) || stride === 0) {
		throw new TypeError(`the sequence lookup cannot read ${pyRepr(spec)}: give start= and end= or count=`);
	}

	const values: string[] = [];
	for (let value = start; stride > 0 ? value <= end : value >= end; value += stride) {
		values.push(percentFormat(settings['format']!, [value]));
	}

	return values;
}

/** A shell glob's `*`, `?` and `[...]` as a RegExp over one file name. */
function globPattern(glob: string): RegExp {
	const source = [...glob].map(char => (char === '*' ? '[^/]*' : (char === '?' ? '[^/]' : (/[\\^$.|+(){}]/.test(char) ? `\\${char}` : char)))).join('');
	return new RegExp(`^${source}$`);
}

/** Lookups that only reshape their terms: reading nothing and running nothing, they may run ahead of their task. */
export const pureLookups: ReadonlySet<string> = new Set(['items', 'list', 'dict', 'indexed_items', 'flattened', 'together', 'nested', 'sequence']);

const truthy = (value: unknown) => value === true || ['yes', 'true', '1', 'on'].includes(pyStr(value).toLowerCase());

export const lookups: Readonly<Record<string, Lookup>> = {
	env: (terms, named) => terms.map(term => process.env[pyStr(term)] ?? named['default'] ?? ''),
	file: (terms, named, environment) => terms.map(term => {
		const content = readFileSync(mustFind('file', pyStr(term), environment, 'files'), 'utf8');
		const rstrip = named['rstrip'] === undefined || truthy(named['rstrip']);
		return rstrip ? content.trimEnd() : content;
	}),
	template: (terms, _named, environment) => terms.map(term => environment.renderFile(mustFind('template', pyStr(term), environment, 'templates'))),
	vars: (terms, named, environment) => terms.map(term => {
		const value = environment.vars(pyStr(term));
		if (value instanceof Undefined || value === undefined) {
			if (Object.hasOwn(named, 'default')) {
				return named['default'];
			}

			throw new TypeError(`No variable found with this name: ${pyStr(term)}`);
		}

		return value;
	}),
	items: terms => terms.flatMap(term => (Array.isArray(term) ? term : [term])),
	list: terms => [...terms],
	first_found(terms, named, environment) {
		const files = terms.flatMap(term => (Array.isArray(term) ? term : (typeof term === 'object' && term !== null ? (term as {files?: unknown[]}).files ?? [] : [term])));
		const paths = (named['paths'] as unknown[] | undefined)?.map(String) ?? [];
		const candidates = files.flatMap(file => (paths.length > 0 ? paths.map(folder => join(folder, pyStr(file))) : [pyStr(file)]));
		for (const candidate of candidates) {
			const found = findFile(candidate, environment, 'files');
			if (found !== undefined) {
				return [found];
			}
		}

		if (truthy(named['skip'] ?? false)) {
			return [];
		}

		throw new TypeError(`first_found found none of ${pyRepr(candidates)}`);
	},
	dict: terms => terms.flatMap(term => {
		if (!isMapping(term)) {
			throw new TypeError(`the dict lookup needs a dict, got ${pyRepr(term)}`);
		}

		return Object.entries(term).map(([key, value]) => ({key, value}));
	}),
	indexed_items: terms => terms.flatMap(term => (Array.isArray(term) ? term : [term])).map((item, index) => tuple([index, item])),
	flattened: terms => flatten(terms, undefined, false),
	together: terms => zipLongest(terms.map(term => (Array.isArray(term) ? term : [term])), null),
	nested: terms => cartesianProduct(terms.map(term => (Array.isArray(term) ? term : [term]))),
	subelements(terms, named) {
		const [items, path, flags] = terms;
		const skipMissing = truthy((isMapping(flags) ? flags['skip_missing'] : undefined) ?? named['skip_missing'] ?? false);
		return (Array.isArray(items) ? items : [items]).flatMap(item => {
			const children = pyStr(path).split('.').reduce<unknown>((value, key) => (isMapping(value) ? value[key] : undefined), item);
			if (children === undefined) {
				if (skipMissing) {
					return [];
				}

				throw new TypeError(`the subelements lookup found no ${pyRepr(path)} in ${pyRepr(item)}`);
			}

			return (Array.isArray(children) ? children : [children]).map(child => [item, child]);
		});
	},
	sequence: terms => terms.flatMap(term => sequence(pyStr(term))),
	fileglob: (terms, _named, environment) => terms.flatMap(term => {
		const pattern = pyStr(term);
		const folders = isAbsolute(pattern) ? [dirname(pattern)] : searchPath(environment, 'files').map(folder => join(folder, dirname(pattern)));
		const name = globPattern(basename(pattern));
		const folder = folders.find(candidate => existsSync(candidate));
		return folder === undefined ? [] : readdirSync(folder).filter(entry => name.test(entry)).sort().map(entry => join(folder, entry)).filter(path => statSync(path).isFile());
	}),
	pipe: terms => terms.map(term => execFileSync('/bin/sh', ['-c', pyStr(term)], {encoding: 'utf8'}).trimEnd()),
	lines: terms => terms.flatMap(term => execFileSync('/bin/sh', ['-c', pyStr(term)], {encoding: 'utf8'}).split('\n').filter(line => line !== '')),
};
