import {readdirSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {repoRoot} from '../../helpers/playbook-run.js';

/** The cases run by the suite, and those waiting for pb features (not run; see pending/README.md). */
export const caseFolders = {
	active: join(repoRoot, 'test/compat/cases'),
	pending: join(repoRoot, 'test/compat/pending'),
} as const;

/** The hosts every case's inventory names: the harness connects them to lab hosts, or to this machine. */
export const caseHosts = ['node1', 'node2'] as const;

/** One folder of Ansible content (site.yml, inventory, roles, templates, vars) and its case.json. */
export interface CompatCase {
	readonly name: string;
	readonly directory: string;
	/** What the case exercises, in one line. */
	readonly description: string;
	/**
	 * Whether the case also runs on the local connection: only when everything it writes lies under
	 * `out_dir` (so nothing of this machine's own is touched), which the harness sets per tool and host.
	 */
	readonly local: boolean;
	/** ansible-playbook's exit code for the case, which pb must give too: 0, or 2 for a case where a host fails. */
	readonly exitCode: number;
	/** `-e` words both tools get, as a user types them: `key=value`, JSON, or `@file` (from the case's folder). */
	readonly extraVars: readonly string[];
	/** For a pending case: the pb features it waits for. */
	readonly waitsFor: string | undefined;
	/** A folder of the case served over HTTP while it runs, its URL given as `mirror_url` (get_url, unarchive). */
	readonly serve: string | undefined;
}

const keys = new Set(['description', 'local', 'exitCode', 'extraVars', 'waitsFor', 'serve']);

export function readCase(folder: string, name: string): CompatCase {
	const file = join(folder, name, 'case.json');
	const json = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
	const unknown = Object.keys(json).filter(key => !keys.has(key));
	if (unknown.length > 0) {
		throw new Error(`${file}: unknown key ${unknown.map(key => `\`${key}\``).join(', ')}; a case.json has ${[...keys].join(', ')}`);
	}

	const {description, local = false, exitCode = 0, extraVars = [], waitsFor, serve} = json;
	const isWords = (value: unknown): value is string[] => Array.isArray(value) && value.every(word => typeof word === 'string');
	if (typeof description !== 'string' || typeof local !== 'boolean' || typeof exitCode !== 'number' || !isWords(extraVars) || !['string', 'undefined'].includes(typeof waitsFor) || !['string', 'undefined'].includes(typeof serve)) {
		throw new TypeError(`${file}: expected \`description\` a string, \`local\` a boolean, \`exitCode\` a number, \`extraVars\` a list of strings, \`waitsFor\` and \`serve\` strings if given, got ${JSON.stringify({description, local, exitCode, extraVars, waitsFor, serve})}`);
	}

	if ((folder === caseFolders.pending) !== (waitsFor !== undefined)) {
		throw new Error(`${file}: a pending case says what it \`waitsFor\`; an active one does not`);
	}

	return {name, directory: join(folder, name), description, local, exitCode, extraVars, waitsFor: waitsFor as string | undefined, serve: serve as string | undefined};
}

/** The cases in `folder`, by name: read when the test file loads, so each becomes a test of its own. */
export function readCases(folder: string): CompatCase[] {
	return readdirSync(folder, {withFileTypes: true})
		.filter(entry => entry.isDirectory())
		.map(entry => readCase(folder, entry.name))
		.sort((a, b) => a.name.localeCompare(b.name));
}
