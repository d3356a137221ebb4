/**
 * Ansible's lookup plugins that pb offers (`lookup('env', 'HOME')`, `query('file', 'a', 'b')`).
 * They run on the controller, as Ansible's do. Each returns a list, one result per term.
 */
import {execFileSync} from 'node:child_process';
import {existsSync, readFileSync} from 'node:fs';
import {isAbsolute, join} from 'node:path';
import {pyRepr, pyStr} from './python.js';
import {Undefined} from './context.js';
import type {Arguments} from './arguments.js';

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
	pipe: terms => terms.map(term => execFileSync('/bin/sh', ['-c', pyStr(term)], {encoding: 'utf8'}).trimEnd()),
	lines: terms => terms.flatMap(term => execFileSync('/bin/sh', ['-c', pyStr(term)], {encoding: 'utf8'}).split('\n').filter(line => line !== '')),
};
