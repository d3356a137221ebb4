import {existsSync, readdirSync, statSync} from 'node:fs';
import path from 'node:path';
import {PbError} from '../errors.js';
import {loadYamlFile} from '../load/yaml.js';

const varsExtensions = ['.yml', '.yaml', '.json'];

/**
 * The files that hold a group's or host's variables in DIR (a group_vars/ or host_vars/
 * directory), as Ansible's find_vars_files finds them: the first of NAME, NAME.yml, NAME.yaml,
 * NAME.json that exists; when that is a directory, every file below it with one of those
 * extensions or none, in name order, skipping hidden files and editor backups (~).
 */
export function findVarsFiles(dir: string, name: string): string[] {
	for (const extension of ['', ...varsExtensions]) {
		const candidate = path.join(dir, name + extension);
		if (existsSync(candidate)) {
			return statSync(candidate).isDirectory() ? filesBelow(candidate) : [candidate];
		}
	}

	return [];
}

function filesBelow(dir: string): string[] {
	return readdirSync(dir).sort().flatMap(entry => {
		const full = path.join(dir, entry);
		const extension = path.extname(entry);
		if (entry.startsWith('.') || entry.endsWith('~')) {
			return [];
		}

		if (statSync(full).isDirectory()) {
			return extension === '' ? filesBelow(full) : [];
		}

		return extension === '' || varsExtensions.includes(extension) ? [full] : [];
	});
}

/** A vars file's variables; an empty file has none. */
export function readVarsFile(file: string): Record<string, unknown> {
	const document = loadYamlFile(file);
	const {value} = document;
	if (value === null || value === undefined) {
		return {};
	}

	if (typeof value !== 'object' || Array.isArray(value)) {
		throw new PbError(`${file} must hold a mapping of variable names to values, but it holds ${Array.isArray(value) ? 'a list' : `the ${typeof value} ${JSON.stringify(value)}`}`, {
			where: document.where(value),
			hint: 'Write one `name: value` per line.',
		});
	}

	return value as Record<string, unknown>;
}
