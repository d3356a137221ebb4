import {createHash} from 'node:crypto';
import {posix} from 'node:path';
import {parseMode} from '../engine/host/attributes.js';
import type {FileState} from '../engine/host/file-state.js';
import {applyFileWrite, type FileWriteSteps, planFileWrite} from '../engine/host/file-write.js';
import {readFileStates} from '../engine/host/read-files.js';
import {defineModule, type Plan} from '../engine/module.js';
import {quoteShell} from '../engine/shell-words.js';

/*
 * yum_repository: one [section] of a .repo file in dnf's repository directory, written as Ansible
 * writes it (Python's configparser: `key = value`, the keys in alphabetical order, booleans as 1
 * and 0, a blank line after each section, list values one per line). Changed is decided as
 * Ansible decides it: the sections and their keys compared sorted, so a file that only orders
 * them otherwise is left alone. The last section removed takes the file with it.
 */

type Sections = Map<string, Map<string, string>>;

/** An INI file as configparser reads it: [section], `key = value` or `key: value`, indented lines continuing a value. */
export function parseRepoFile(text: string): Sections {
	const sections: Sections = new Map();
	let section: Map<string, string> | undefined;
	let key: string | undefined;
	for (const line of text.split('\n')) {
		if (/^\s*([#;]|$)/.test(line)) {
			continue;
		}

		const heading = /^\[([^\]]+)\]/.exec(line);
		if (heading) {
			section = new Map();
			sections.set(heading[1]!, section);
			key = undefined;
		} else if (/^\s/.test(line) && section !== undefined && key !== undefined) {
			section.set(key, `${section.get(key)!}\n${line.trim()}`);
		} else if (section !== undefined) {
			const match = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(line);
			if (match) {
				key = match[1]!.toLowerCase();
				section.set(key, match[2]!.trimEnd());
			}
		}
	}

	return sections;
}

/** configparser's write: sections in their order, `key = value`, continuation lines indented by a tab, a blank line after each. */
function writeRepoFile(sections: Sections): string {
	return [...sections].map(([name, keys]) => `[${name}]\n${[...keys].map(([key, value]) => `${key} = ${value.replaceAll('\n', '\n\t')}\n`).join('')}\n`).join('');
}

/** Ansible's comparison: sections and keys sorted. */
function dump(sections: Sections): string {
	return writeRepoFile(new Map([...sections].sort(([a], [b]) => a.localeCompare(b)).map(([name, keys]) => [name, new Map([...keys].sort(([a], [b]) => a.localeCompare(b)))])));
}

/** The repository options this module writes, by Ansible's names (description is written as `name`). */
const options = {
	async: {type: 'bool', description: 'Download metadata and packages in parallel (yum)'},
	baseurl: {type: 'list', elements: 'str', description: 'URLs of the repository\'s directory (repodata/ below); one or a list'},
	cost: {type: 'str', description: 'The relative cost of this repository against others'},
	enabled: {type: 'bool', description: 'Whether dnf uses the repository'},
	exclude: {type: 'list', elements: 'str', description: 'Packages (globs) never taken from this repository'},
	gpgcheck: {type: 'bool', description: 'Whether packages\' signatures are checked'},
	gpgkey: {type: 'list', elements: 'str', description: 'URLs of the ASCII-armored keys that sign the packages'},
	includepkgs: {type: 'list', elements: 'str', description: 'Only these packages (globs) are taken from this repository'},
	metadata_expire: {type: 'str', description: 'How long the metadata is fresh: seconds, or with m, h, d; never'},
	metalink: {type: 'str', description: 'A metalink URL listing the repository\'s mirrors'},
	mirrorlist: {type: 'str', description: 'A URL of a file listing the repository\'s baseurls'},
	module_hotfixes: {type: 'bool', description: 'Let packages of this repository through modular filtering'},
	password: {type: 'str', secret: true, description: 'Password for basic authentication'},
	priority: {type: 'str', description: 'Priority (1 first, 99 default): a package is taken from the repository with the lowest number'},
	proxy: {type: 'str', description: 'Proxy URL for this repository; _none_ for none'},
	repo_gpgcheck: {type: 'bool', description: 'Whether the repository\'s metadata signature is checked'},
	skip_if_unavailable: {type: 'bool', description: 'Go on without this repository when it cannot be reached'},
	sslverify: {type: 'bool', aliases: ['validate_certs'], description: 'Whether the server\'s TLS certificate is checked'},
	timeout: {type: 'str', description: 'Seconds to wait for a connection'},
	username: {type: 'str', description: 'User name for basic authentication'},
} as const;

/** The file's sections with this task's section set (present: replaced, moved to the end, as configparser does) or removed. */
function wantedSections(current: Sections, params: Readonly<Record<string, unknown>>): Sections {
	const sections: Sections = new Map(current);
	const id = String(params['name']);
	sections.delete(id);
	if (params['state'] === 'present') {
		const keys: Array<[string, string]> = [];
		for (const key of [...Object.keys(options), 'name'].sort()) {
			const value = key === 'name' ? params['description'] : params[key];
			if (value === undefined) {
				continue;
			}

			const text = typeof value === 'boolean' ? (value ? '1' : '0') : Array.isArray(value) ? value.join(key === 'exclude' || key === 'includepkgs' ? ' ' : '\n') : String(value);
			keys.push([key, text]);
		}

		sections.set(id, new Map(keys));
	}

	return sections;
}

interface RepositorySteps {
	readonly remove?: string;
	readonly write?: Plan<FileWriteSteps>;
}

function pathOf(params: {readonly reposdir: string; readonly file?: string | undefined; readonly name: string}): string {
	return posix.join(params.reposdir, `${params.file ?? params.name}.repo`);
}

export default defineModule({
	name: 'yum_repository',
	summary: 'Adds or removes a repository section of a .repo file in dnf\'s repository directory',
	params: {
		name: {type: 'str', required: true, description: 'The repository id: the [section] name'},
		description: {type: 'str', description: 'The repository\'s human name (written as name =); required with state present'},
		file: {type: 'str', description: 'The file name without .repo; default: the repository id'},
		reposdir: {type: 'path', default: '/etc/yum.repos.d', description: 'The directory of .repo files; it must exist'},
		state: {type: 'str', choices: ['present', 'absent'], default: 'present', description: 'present: the section as given; absent: the section removed (and the file, when no section is left)'},
		...options,
		mode: {type: 'raw', description: 'Permissions of the file: \'0644\' (quoted) or 0644; unset keeps those of the file replaced'},
		owner: {type: 'str', description: 'User owning the file'},
		group: {type: 'str', description: 'Group of the file'},
	},
	rules: {required_if: [{param: 'state', value: 'present', needs: ['baseurl', 'metalink', 'mirrorlist'], anyOf: true}, {param: 'state', value: 'present', needs: ['description']}]},
	example: `- name: The site's own mirror of the packages
  yum_repository:
    name: site
    description: Site packages
    baseurl: http://mirror.example/el9/
    gpgcheck: false`,
	async read(ctx, params): Promise<FileState> {
		const [directory, file] = await readFileStates(ctx, [{path: params.reposdir, options: {checksum: false}}, {path: pathOf(params), options: {content: true}}]);
		if (!directory?.exists || directory.type !== 'directory') {
			throw new Error(`Repo directory '${params.reposdir}' does not exist.`);
		}

		return file!;
	},
	plan(dest, params): Plan<RepositorySteps> {
		const path = pathOf(params);
		const result = {repo: params.name, state: params.state};
		const attributes = {...(params.mode === undefined ? {} : {mode: parseMode(params.mode)}), ...(params.owner === undefined ? {} : {owner: params.owner}), ...(params.group === undefined ? {} : {group: params.group})};
		const current = dest.exists && dest.type === 'file' ? parseRepoFile(dest.content?.toString('utf8') ?? '') : new Map();
		const wanted = wantedSections(current, params);
		const [before, after] = [dump(current), dump(wanted)];
		if (before === after || (wanted.size === 0 && !dest.exists)) {
			const text = dest.exists && dest.type === 'file' ? dest.content ?? Buffer.alloc(0) : Buffer.alloc(0);
			if (!dest.exists) {
				return {changed: false, msg: `${path}: no section ${params.name}`, steps: {}, result};
			}

			// Only the file's attributes can differ.
			const write = planFileWrite(dest, {module: 'yum_repository', path, directory: params.reposdir, content: text, sha256: createHash('sha256').update(text).digest('hex'), attributes, force: true, result});
			return {...write, msg: write.changed ? write.msg : `${path}: section ${params.name} is up to date`, steps: {write}};
		}

		const diff = [{header: path, before, after}];
		if (wanted.size === 0) {
			return {changed: true, msg: `${path}: removed (its last section, ${params.name}, gone)`, diff, steps: {remove: path}, result, predicts: [{path, type: 'absent'}]};
		}

		const content = Buffer.from(writeRepoFile(wanted));
		const write = planFileWrite(dest, {
			module: 'yum_repository', path, directory: params.reposdir, content, sha256: createHash('sha256').update(content).digest('hex'),
			attributes,
			force: true, result,
		});
		const what = params.state === 'present' ? (current.has(params.name) ? 'changed' : 'added') : 'removed';
		return {...write, msg: `${path}: section ${params.name} ${what}`, diff, steps: {write}};
	},
	async apply(ctx, _params, plan) {
		const {remove, write} = plan.steps;
		if (remove !== undefined) {
			const result = await ctx.run(`rm -f -- ${quoteShell(remove)}`);
			return result.code === 0 ? {} : {failed: `Cannot remove empty repo file ${remove}: ${result.stderr.trim()}`};
		}

		return write === undefined ? {} : applyFileWrite(ctx, write, {backup: false, validate: undefined});
	},
});
