import {readdirSync, statSync} from 'node:fs';
import {extname, isAbsolute, join, resolve} from 'node:path';
import {findSource} from '../engine/controller-source.js';
import {loadYamlFile} from '../engine/load/yaml.js';
import {defineModule, type HostContext} from '../engine/module.js';
import {combine} from '../engine/vars/jinja/filters.js';
import {pythonRegex} from '../engine/vars/regex.js';

/*
 * Variables from YAML or JSON files on the controller, set on the host above task vars and below
 * set_fact for the rest of the run, as Ansible's include_vars action does. A relative file is
 * looked for as Ansible's _find_needle('vars', ...) looks; a relative dir starts in the role's
 * vars/, or beside the task's file.
 */

const dirOnly = ['dir', 'depth', 'files_matching', 'ignore_files', 'extensions', 'ignore_unknown_extensions'] as const;

interface Included {
	readonly files: readonly string[];
	readonly vars: Readonly<Record<string, unknown>>;
	/** Ansible's words when a file or folder cannot be used: the task fails with them. */
	readonly failure?: string;
}

interface DirOptions {
	readonly depth: number;
	readonly filesMatching: RegExp | undefined;
	readonly ignoreFiles: readonly RegExp[];
	readonly extensions: readonly string[];
	readonly ignoreUnknownExtensions: boolean;
}

class VarsFileError extends Error {}

/** One file's variables; a file that holds nothing has none. */
function readFile(path: string): Record<string, unknown> {
	const {value} = loadYamlFile(path);
	if (value === null || value === undefined || value === '' || value === false) {
		return {};
	}

	if (typeof value !== 'object' || Array.isArray(value)) {
		throw new VarsFileError(`${path} must be stored as a dictionary/hash`);
	}

	return value as Record<string, unknown>;
}

/** Python's os.walk from `top`, sorted by folder path, files sorted: Ansible's _traverse_dir_depth. */
function walk(top: string): Array<{root: string; files: string[]}> {
	const found: Array<{root: string; files: string[]}> = [];
	const visit = (root: string) => {
		const entries = readdirSync(root, {withFileTypes: true});
		found.push({root, files: entries.filter(entry => !entry.isDirectory()).map(entry => entry.name).sort()});
		for (const entry of entries.filter(entry => entry.isDirectory())) {
			visit(join(root, entry.name));
		}
	};

	visit(top);
	return found.sort((a, b) => (a.root < b.root ? -1 : (a.root > b.root ? 1 : 0)));
}

/**
 * Every file of the folder that the options keep, loaded in order. As in Ansible, `depth` counts
 * the folders walked in path order, not their nesting, and a kept file of another extension fails
 * the task unless ignore_unknown_extensions.
 */
function readDir(dir: string, options: DirOptions): Included {
	let info;
	try {
		info = statSync(dir);
	} catch {
		return {files: [], vars: {}, failure: `${dir} directory does not exist`};
	}

	if (!info.isDirectory()) {
		return {files: [], vars: {}, failure: `${dir} is not a directory`};
	}

	const files: string[] = [];
	const vars: Record<string, unknown> = {};
	for (const [index, {root, files: names}] of walk(dir).entries()) {
		if (options.depth !== 0 && index >= options.depth) {
			break;
		}

		for (const name of names) {
			const known = options.extensions.includes(extname(name).slice(1));
			if ((options.filesMatching && !options.filesMatching.test(name)) || options.ignoreFiles.some(pattern => pattern.test(name)) || (!known && options.ignoreUnknownExtensions)) {
				continue;
			}

			const path = join(root, name);
			if (!known) {
				return {files, vars, failure: `${path} does not have a valid extension: ${options.extensions.join(', ')}`};
			}

			Object.assign(vars, readFile(path));
			files.push(path);
		}
	}

	return {files, vars};
}

/** Where a relative dir starts: the role's vars/ (or the role itself for `vars/...`), else the task's file's folder. */
function dirOf(ctx: HostContext, dir: string): string {
	if (isAbsolute(dir)) {
		return dir;
	}

	if (ctx.roleDir === undefined) {
		return resolve(ctx.playbookDir, dir);
	}

	return dir.split('/')[0] === 'vars' ? join(ctx.roleDir, dir) : join(ctx.roleDir, 'vars', dir);
}

export default defineModule({
	name: 'include_vars',
	summary: 'Sets host variables from YAML or JSON files on the controller (above task vars, below set_fact)',
	params: {
		file: {type: 'path', description: 'A file of variables: relative ones are looked for in the role\'s vars/, then beside the task\'s file, then beside the playbook'},
		dir: {type: 'path', description: 'A folder whose files are all read, in name order (relative: in the role\'s vars/, or beside the task\'s file)'},
		name: {type: 'str', description: 'Set the variables as one dictionary under this name instead'},
		files_matching: {type: 'str', description: 'With dir: only files whose name this regular expression matches'},
		ignore_files: {type: 'list', elements: 'str', description: 'With dir: names to skip (regular expressions, matched at the end of the name)'},
		extensions: {type: 'list', elements: 'str', default: ['yaml', 'yml', 'json'], description: 'With dir: the extensions of files to read; another fails the task'},
		ignore_unknown_extensions: {type: 'bool', default: false, description: 'With dir: skip files of other extensions instead of failing'},
		depth: {type: 'int', default: 0, minimum: 0, description: 'With dir: how many folders to read, in path order (0: all)'},
		hash_behaviour: {type: 'str', choices: ['replace', 'merge'], description: 'merge: a dictionary merges into the variable\'s value so far instead of replacing it'},
	},
	freeForm: 'file',
	rules: {
		required_one_of: [['file', 'dir']],
		mutually_exclusive: dirOnly.map(option => ['file', option]),
	},
	example: '- include_vars:\n    file: "vars/{{ ansible_facts.os_family }}.yml"\n- include_vars:\n    dir: vars/sites\n    files_matching: \\.yml$\n    name: sites',
	controlOnly: true,
	definesVariables: true,
	lockstep: true,
	async read(ctx, params): Promise<Included> {
		let included: Included;
		try {
			if (params.dir === undefined) {
				const file = await findSource(ctx, 'vars', params.file!, 'include_vars').catch((error: unknown) => {
					throw new VarsFileError(`Could not find or access '${params.file!}' on the controller: ${(error as Error).message}`);
				});
				included = {files: [file], vars: readFile(file)};
			} else {
				included = readDir(dirOf(ctx, params.dir), {
					depth: params.depth,
					filesMatching: params.files_matching === undefined ? undefined : pythonRegex(params.files_matching),
					ignoreFiles: (params.ignore_files ?? []).map(pattern => pythonRegex(`${pattern}$`)),
					extensions: params.extensions,
					ignoreUnknownExtensions: params.ignore_unknown_extensions,
				});
			}
		} catch (error) {
			if (error instanceof VarsFileError) {
				return {files: [], vars: {}, failure: error.message};
			}

			throw error;
		}

		const vars = params.name === undefined ? included.vars : {[params.name]: included.vars};
		if (params.hash_behaviour !== 'merge') {
			return {...included, vars};
		}

		const isMapping = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);
		const merged = Object.fromEntries(Object.entries(vars).map(([key, value]) => {
			const before = ctx.vars[key];
			return [key, isMapping(before) && isMapping(value) ? combine(before, value, true, 'replace') : value];
		}));
		return {...included, vars: merged};
	},
	plan(included) {
		const result = {ansible_facts: included.vars, ansible_included_var_files: included.files};
		if (included.failure !== undefined) {
			return {changed: false, msg: included.failure, steps: undefined, failed: included.failure, result: {...result, message: included.failure}};
		}

		const names = Object.keys(included.vars);
		const msg = `${included.files.join(', ') || 'no files'}: ${names.length === 0 ? 'no variables' : names.join(', ')}`;
		return {changed: false, msg, steps: undefined, result, effects: {includedVars: included.vars}};
	},
	async apply() {
		return {};
	},
});
