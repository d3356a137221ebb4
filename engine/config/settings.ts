import {dirname, resolve} from 'node:path';
import {PbError} from '../errors.js';
import {type AnsibleConfig, type ConfigSurroundings, configValue, expandPath, processSurroundings, readAnsibleCfg} from './ansible-cfg.js';

/*
 * The ansible.cfg keys and ANSIBLE_* variables pb reads, by Ansible's names for them. A setting
 * comes from, highest first: the command line (its flags, applied by the caller), the environment,
 * ansible.cfg, the default. As Ansible does, a relative path from ansible.cfg starts from the file's
 * folder, one from the environment from the current directory.
 */

type Kind = 'integer' | 'boolean' | 'path' | 'pathlist' | 'string';

interface Definition {
	readonly name: string;
	readonly ini: readonly [section: string, key: string] | undefined;
	readonly env: readonly string[];
	readonly kind: Kind;
	readonly value: unknown;
	/** Where pb's default is not Ansible's, why. */
	readonly note?: string;
}

const definitions: readonly Definition[] = [
	{name: 'DEFAULT_HOST_LIST', ini: ['defaults', 'inventory'], env: ['ANSIBLE_INVENTORY'], kind: 'pathlist', value: ['/etc/ansible/hosts']},
	{name: 'DEFAULT_FORKS', ini: ['defaults', 'forks'], env: ['ANSIBLE_FORKS'], kind: 'integer', value: 50, note: 'Ansible\'s default is 5; pb runs 50 hosts at once unless told otherwise'},
	{name: 'DEFAULT_REMOTE_USER', ini: ['defaults', 'remote_user'], env: ['ANSIBLE_REMOTE_USER'], kind: 'string', value: undefined},
	{name: 'DEFAULT_PRIVATE_KEY_FILE', ini: ['defaults', 'private_key_file'], env: ['ANSIBLE_PRIVATE_KEY_FILE'], kind: 'path', value: undefined},
	{name: 'HOST_KEY_CHECKING', ini: ['defaults', 'host_key_checking'], env: ['ANSIBLE_HOST_KEY_CHECKING'], kind: 'boolean', value: true},
	{name: 'DEFAULT_TIMEOUT', ini: ['defaults', 'timeout'], env: ['ANSIBLE_TIMEOUT'], kind: 'integer', value: 10},
	{name: 'DEFAULT_VAULT_PASSWORD_FILE', ini: ['defaults', 'vault_password_file'], env: ['ANSIBLE_VAULT_PASSWORD_FILE'], kind: 'path', value: undefined},
	{name: 'ANSIBLE_NOCOLOR', ini: ['defaults', 'nocolor'], env: ['ANSIBLE_NOCOLOR', 'NO_COLOR'], kind: 'boolean', value: false},
	{name: 'ANSIBLE_FORCE_COLOR', ini: ['defaults', 'force_color'], env: ['ANSIBLE_FORCE_COLOR'], kind: 'boolean', value: false},
	{name: 'DEFAULT_GATHERING', ini: ['defaults', 'gathering'], env: ['ANSIBLE_GATHERING'], kind: 'string', value: 'implicit'},
	{name: 'DEFAULT_ASK_PASS', ini: ['defaults', 'ask_pass'], env: ['ANSIBLE_ASK_PASS'], kind: 'boolean', value: false},
	{name: 'DEFAULT_BECOME', ini: ['privilege_escalation', 'become'], env: ['ANSIBLE_BECOME'], kind: 'boolean', value: false},
	{name: 'DEFAULT_BECOME_USER', ini: ['privilege_escalation', 'become_user'], env: ['ANSIBLE_BECOME_USER'], kind: 'string', value: 'root'},
	{name: 'DEFAULT_BECOME_METHOD', ini: ['privilege_escalation', 'become_method'], env: ['ANSIBLE_BECOME_METHOD'], kind: 'string', value: 'sudo'},
	{name: 'ANSIBLE_SSH_ARGS', ini: ['ssh_connection', 'ssh_args'], env: ['ANSIBLE_SSH_ARGS'], kind: 'string', value: undefined, note: 'pb speaks SSH itself: of these it reads ServerAliveInterval and ServerAliveCountMax'},
	{name: 'DEFAULT_BECOME_ASK_PASS', ini: ['privilege_escalation', 'become_ask_pass'], env: ['ANSIBLE_BECOME_ASK_PASS'], kind: 'boolean', value: false},
];

/** Keys Ansible users set that pb has no use for, and why: `pb config dump` says so rather than staying silent. */
const ignoredKeys: Readonly<Record<string, string>> = {
	'ssh_connection.pipelining': 'pb sends each task\'s script over its one connection already',
	'ssh_connection.control_path': 'pb keeps one SSH connection per host for the whole run itself',
	'ssh_connection.control_path_dir': 'pb keeps one SSH connection per host for the whole run itself',
};

export type Origin = 'default' | `env: ${string}` | string;

export interface Setting {
	readonly name: string;
	readonly value: unknown;
	/** 'default', `env: NAME`, or the ansible.cfg file. */
	readonly origin: Origin;
	readonly note: string | undefined;
}

export interface Settings {
	readonly file: string | undefined;
	readonly all: readonly Setting[];
	/** Keys the file sets that pb does not read: `section.key`, with why. */
	readonly ignored: ReadonlyArray<{readonly key: string; readonly value: string; readonly why: string}>;
	get(name: string): unknown;
}

const truthy = ['1', 'true', 'yes', 'on', 'y', 't'];
const falsy = ['0', 'false', 'no', 'off', 'n', 'f', ''];

function typed(definition: Definition, text: string, base: string, around: ConfigSurroundings, origin: string): unknown {
	const bad = (wanted: string) => new PbError(`${definition.name} from ${origin} is ${JSON.stringify(text)}, which is not ${wanted}`, {kind: 'options', hint: `Set it to ${wanted}.`});
	switch (definition.kind) {
		case 'integer': {
			if (!/^\s*\d+\s*$/.test(text)) {
				throw bad('a whole number');
			}

			return Number(text);
		}

		case 'boolean': {
			const word = text.trim().toLowerCase();
			if (truthy.includes(word)) {
				return true;
			}

			if (falsy.includes(word)) {
				return false;
			}

			throw bad('a boolean (yes/no, true/false, 1/0)');
		}

		case 'path':
			return resolve(base, expandPath(text.trim(), around));
		case 'pathlist':
			return text.split(',').map(entry => entry.trim()).filter(Boolean).map(entry => resolve(base, expandPath(entry, around)));
		case 'string':
			return text.trim();
	}
}

function settingOf(definition: Definition, config: AnsibleConfig, around: ConfigSurroundings): Setting {
	const note = definition.note;
	for (const name of definition.env) {
		const text = around.env[name];
		// NO_COLOR means no colour whatever its value (no-color.org), when it is not empty.
		if (text !== undefined && (name !== 'NO_COLOR' || text !== '')) {
			const value = name === 'NO_COLOR' ? true : typed(definition, text, around.cwd, around, `the environment (${name})`);
			return {name: definition.name, value, origin: `env: ${name}`, note};
		}
	}

	const text = definition.ini && configValue(config, ...definition.ini);
	if (text !== undefined && config.file !== undefined) {
		return {name: definition.name, value: typed(definition, text, dirname(config.file), around, config.file), origin: config.file, note};
	}

	return {name: definition.name, value: definition.value, origin: 'default', note};
}

export function loadSettings(around: ConfigSurroundings = processSurroundings(), config: AnsibleConfig = readAnsibleCfg(around)): Settings {
	const all = definitions.map(definition => settingOf(definition, config, around));
	const read = new Set(definitions.flatMap(definition => (definition.ini ? [definition.ini.join('.')] : [])));
	const ignored = [...config.sections].flatMap(([section, keys]) => [...keys]
		.filter(([key]) => !read.has(`${section}.${key}`) && !(section === 'defaults' && key === 'roles_path'))
		.map(([key, value]) => ({key: `${section}.${key}`, value, why: ignoredKeys[`${section}.${key}`] ?? 'pb does not read this key'})));
	const byName = new Map(all.map(setting => [setting.name, setting.value]));
	return {file: config.file, all, ignored, get: name => byName.get(name)};
}

/** `pb config dump`, as `ansible-config dump` lays it out: NAME(origin) = value. */
export function dumpSettings(settings: Settings): string {
	const shown = (value: unknown) => (value === undefined ? 'None' : typeof value === 'boolean' ? (value ? 'True' : 'False') : Array.isArray(value) ? `[${value.map(item => `'${String(item)}'`).join(', ')}]` : String(value));
	const lines = settings.all.map(setting => `${setting.name}(${setting.origin}) = ${shown(setting.value)}${setting.note ? `  # ${setting.note}` : ''}`);
	for (const {key, value, why} of settings.ignored) {
		lines.push(`ignored: ${key} = ${value}  # ${why}`);
	}

	return lines.join('\n');
}
