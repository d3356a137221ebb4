import {existsSync, readdirSync, readFileSync, statSync} from 'node:fs';
import path from 'node:path';
import {PbError} from '../errors.js';
import {parseYaml} from '../load/yaml.js';
import type {InventoryBuilder} from './builder.js';
import {parseIni} from './ini.js';
import {parseHostEntry} from './ranges.js';
import {parseYamlInventory} from './yaml.js';

const yamlExtensions = new Set(['.yml', '.yaml', '.json']);

// Ansible's INVENTORY_IGNORE_EXTS and the names it always skips in an inventory directory.
const ignoredExtensions = ['.pyc', '.pyo', '.swp', '.bak', '~', '.rpm', '.md', '.txt', '.rst', '.orig', '.cfg', '.retry'];
const ignoredNames = new Set(['host_vars', 'group_vars', 'vars_plugins']);

/**
 * Reads one -i argument into the builder: a file, a directory of inventory files (read in name
 * order, subdirectories too), or Ansible's comma list of hosts (`-i web1,web2,`).
 */
export function readSource(source: string, builder: InventoryBuilder): void {
	if (!existsSync(source)) {
		if (source.includes(',')) {
			readHostList(source, builder);
			return;
		}

		throw new PbError(`inventory ${source} does not exist`, {
			kind: 'options',
			hint: 'Give -i an inventory file or directory, or a comma-separated list of hosts such as -i web1,web2,',
		});
	}

	if (!statSync(source).isDirectory()) {
		readFile(source, builder);
		return;
	}

	for (const entry of readdirSync(source).sort()) {
		if (!entry.startsWith('.') && !ignoredNames.has(entry) && !ignoredExtensions.some(extension => entry.endsWith(extension))) {
			readSource(path.join(source, entry), builder);
		}
	}
}

function readHostList(list: string, builder: InventoryBuilder): void {
	for (const [index, item] of list.split(',').entries()) {
		const name = item.trim();
		if (name !== '') {
			const entry = parseHostEntry(name, {file: list, line: 1, column: index + 1});
			for (const host of entry.names) {
				builder.addHost(host, 'ungrouped', list, entry.port);
			}
		}
	}
}

/**
 * As Ansible does: .yml/.yaml/.json files are YAML inventories, files with another extension INI;
 * a file without extension is YAML when it reads as a YAML mapping, else INI.
 */
function readFile(file: string, builder: InventoryBuilder): void {
	const text = readFileSync(file, 'utf8');
	if (text.startsWith('#!')) {
		builder.warnings.push(`${file}: skipped: it is an inventory script, and pb reads static inventories only`);
		return;
	}

	const extension = path.extname(file);
	if (yamlExtensions.has(extension)) {
		parseYamlInventory(parseYaml(text, file), builder);
		return;
	}

	if (extension === '') {
		const document = tryYaml(text, file);
		if (document) {
			parseYamlInventory(document, builder);
			return;
		}
	}

	parseIni(text, file, builder);
}

function tryYaml(text: string, file: string): ReturnType<typeof parseYaml> | undefined {
	try {
		const document = parseYaml(text, file);
		const {value} = document;
		return value !== null && typeof value === 'object' && !Array.isArray(value) ? document : undefined;
	} catch {
		return undefined;
	}
}
