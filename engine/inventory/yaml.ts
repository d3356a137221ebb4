import {PbError, formatPosition} from '../errors.js';
import type {YamlDocument} from '../load/yaml.js';
import type {InventoryBuilder} from './builder.js';
import {parseHostEntry} from './ranges.js';

type Mapping = Record<string, unknown>;

const isMapping = (value: unknown): value is Mapping => value !== null && typeof value === 'object' && !Array.isArray(value);

function describe(value: unknown): string {
	return Array.isArray(value) ? 'a list' : `${typeof value} ${JSON.stringify(value)}`;
}

/**
 * Reads an Ansible YAML inventory: top-level keys are groups (usually just `all`), each with
 * optional `hosts`, `children` and `vars` mappings, nested to any depth. What Ansible only warns
 * about (an unknown key in a group, a group that is not a mapping) is a warning here too.
 */
export function parseYamlInventory(document: YamlDocument, builder: InventoryBuilder): void {
	const {value: data, file} = document;
	if (!isMapping(data)) {
		throw new PbError(`a YAML inventory must be a mapping of group names, such as 'all:', but ${file} holds ${data === null || data === undefined ? 'nothing' : describe(data)}`, {
			where: document.where(data),
			hint: 'Start the file with `all:` and list hosts under `all: {hosts: {...}}` or under groups in `all: {children: {...}}`.',
		});
	}

	if ('plugin' in data) {
		throw new PbError(`${file} configures the inventory plugin '${String(data['plugin'])}'; pb reads static INI and YAML inventories only`, {
			where: document.where(data, 'plugin'),
			hint: 'Export the hosts once with `ansible-inventory -i FILE --list --yaml` and give pb that file.',
		});
	}

	for (const [name, body] of Object.entries(data)) {
		readGroup(name, body, document, builder, [data, name]);
	}
}

/** `at` is the mapping that holds this group and its key there, for positions in messages. */
function readGroup(name: string, body: unknown, document: YamlDocument, builder: InventoryBuilder, at: [Mapping, string]): void {
	const position = () => formatPosition(document.where(...at));
	if (body !== null && !isMapping(body)) {
		builder.warnings.push(`${position()}: skipping '${name}' as this is not a valid group definition (it is ${describe(body)}, not a mapping)`);
		return;
	}

	builder.addGroup(name);
	if (body === null) {
		return;
	}

	for (const [key, section] of Object.entries(body)) {
		if (key !== 'hosts' && key !== 'children' && key !== 'vars') {
			builder.warnings.push(`${formatPosition(document.where(body, key))}: skipping unexpected key (${key}) in group (${name}), only "vars", "children" and "hosts" are valid`);
			continue;
		}

		// Ansible accepts `hosts: web1` as a shorthand for `hosts: {web1: }`.
		const entries = typeof section === 'string' ? {[section]: null} : section;
		if (entries === null) {
			continue;
		}

		if (!isMapping(entries)) {
			throw new PbError(`'${key}' of group '${name}' must be a mapping, but it is ${describe(entries)}`, {
				where: document.where(body, key),
				hint: key === 'hosts'
					? 'Write hosts as keys, each followed by a colon: `hosts: {web1: , web2: }` or one `web1:` per line.'
					: `Write '${key}' as keys and values, one per line, each followed by a colon.`,
			});
		}

		if (key === 'vars') {
			for (const [variable, value] of Object.entries(entries)) {
				builder.setGroupVar(name, variable, value, document.where(entries, variable));
			}
		} else if (key === 'children') {
			for (const [child, childBody] of Object.entries(entries)) {
				readGroup(child, childBody, document, builder, [entries, child]);
				builder.addChild(name, child, document.where(entries, child));
			}
		} else {
			readHosts(name, entries, document, builder);
		}
	}
}

function readHosts(group: string, hosts: Mapping, document: YamlDocument, builder: InventoryBuilder): void {
	for (const [pattern, vars] of Object.entries(hosts)) {
		if (vars !== null && !isMapping(vars)) {
			throw new PbError(`host '${pattern}' in group '${group}' must be followed by a mapping of its variables, but it is ${describe(vars)}`, {
				where: document.where(hosts, pattern, 'value'),
				hint: `Write \`${pattern}:\` alone for a host without variables, or indent \`name: value\` lines under it.`,
			});
		}

		const entry = parseHostEntry(pattern, document.where(hosts, pattern));
		for (const name of entry.names) {
			Object.assign(builder.addHost(name, group, document.file, entry.port).vars, vars);
		}
	}
}
