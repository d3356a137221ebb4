import {readFileSync, statSync} from 'node:fs';
import {homedir} from 'node:os';
import {dirname, join, resolve} from 'node:path';
import {PbError} from '../errors.js';
import {type IniSections, parseIniSections} from './ini.js';

/*
 * ansible.cfg, found where Ansible finds it: $ANSIBLE_CONFIG, ./ansible.cfg (the current
 * directory), ~/.ansible.cfg, /etc/ansible/ansible.cfg. The first that exists is the only one
 * read: Ansible does not merge them.
 */

/** Where to look, and what expands paths: the process's own by default, a test's fixture otherwise. */
export interface ConfigSurroundings {
	readonly env: Readonly<Record<string, string | undefined>>;
	readonly cwd: string;
	readonly home: string;
}

export function processSurroundings(): ConfigSurroundings {
	return {env: process.env, cwd: process.cwd(), home: homedir()};
}

export interface AnsibleConfig {
	/** The file read, or undefined when there is none (every key then has Ansible's default). */
	readonly file: string | undefined;
	readonly sections: IniSections;
}

function isFile(path: string): boolean {
	return statSync(path, {throwIfNoEntry: false})?.isFile() ?? false;
}

/** `~` and `$VAR`/`${VAR}` expanded, as Ansible's paths in the configuration are. */
export function expandPath(path: string, around: ConfigSurroundings): string {
	const vars = path.replaceAll(/\$(\w+)|\$\{(\w+)\}/g, (whole, plain?: string, braced?: string) => around.env[plain ?? braced ?? ''] ?? whole);
	return vars === '~' || vars.startsWith('~/') ? join(around.home, vars.slice(1)) : vars;
}

/** The file Ansible would read, or undefined. */
export function findAnsibleCfg(around: ConfigSurroundings): string | undefined {
	const candidates: string[] = [];
	const fromEnv = around.env.ANSIBLE_CONFIG;
	if (fromEnv) {
		const path = resolve(around.cwd, expandPath(fromEnv, around));
		// ANSIBLE_CONFIG may name a folder: its ansible.cfg is meant.
		candidates.push(statSync(path, {throwIfNoEntry: false})?.isDirectory() ? join(path, 'ansible.cfg') : path);
	}

	// Ansible ignores ./ansible.cfg in a world-writable directory: anyone could have put it there.
	const cwdMode = statSync(around.cwd, {throwIfNoEntry: false})?.mode ?? 0;
	if ((cwdMode & 0o002) === 0) {
		candidates.push(join(around.cwd, 'ansible.cfg'));
	}

	candidates.push(join(around.home, '.ansible.cfg'), '/etc/ansible/ansible.cfg');
	return candidates.find(path => isFile(path));
}

export function readAnsibleCfg(around: ConfigSurroundings = processSurroundings()): AnsibleConfig {
	const file = findAnsibleCfg(around);
	if (file === undefined) {
		return {file, sections: new Map()};
	}

	let text: string;
	try {
		text = readFileSync(file, 'utf8');
	} catch (error) {
		throw new PbError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, {kind: 'options', cause: error});
	}

	return {file, sections: parseIniSections(text, file)};
}

/** A key's value as written in the file, or undefined. */
export function configValue(config: AnsibleConfig, section: string, key: string): string | undefined {
	return config.sections.get(section)?.get(key.toLowerCase());
}

/** Ansible's DEFAULT_ROLES_PATH, used when neither ANSIBLE_ROLES_PATH nor roles_path is set. */
function defaultRolesPath(around: ConfigSurroundings): string[] {
	return [join(around.home, '.ansible/roles'), '/usr/share/ansible/roles', '/etc/ansible/roles'];
}

/**
 * Where roles are looked for after roles/ beside the playbook: ANSIBLE_ROLES_PATH, else
 * [defaults] roles_path, else Ansible's default. Colon-separated; `~` and variables expanded;
 * a relative entry starts from the cfg file's folder (from the current directory for the
 * environment variable), as Ansible resolves its path settings.
 */
export function rolesPath(config: AnsibleConfig, around: ConfigSurroundings = processSurroundings()): string[] {
	const fromEnv = around.env.ANSIBLE_ROLES_PATH;
	const fromFile = configValue(config, 'defaults', 'roles_path');
	const [value, base] = fromEnv ? [fromEnv, around.cwd] : fromFile !== undefined && config.file !== undefined ? [fromFile, dirname(config.file)] : [undefined, around.cwd];
	if (value === undefined) {
		return defaultRolesPath(around);
	}

	return value.split(':').map(entry => entry.trim()).filter(Boolean).map(entry => resolve(base, expandPath(entry, around)));
}
