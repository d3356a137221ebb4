import {resolve} from 'node:path';
import {PbError, type SourcePosition} from '../errors.js';
import {loadYamlFile} from '../load/yaml.js';
import type {Play} from '../playbook/types.js';
import {renderValue} from '../vars/template.js';
import type {HostRun} from './host-run.js';

/** A vars file's variables; errors name the vars_files entry that asked for it. */
function readVarsFile(path: string, where: SourcePosition): Record<string, unknown> {
	let doc;
	try {
		doc = loadYamlFile(path);
	} catch (error) {
		throw new PbError(`vars_files: cannot read ${path}`, {kind: 'runtime', where, hint: 'Relative paths start from the playbook\'s folder.', cause: error});
	}

	if (doc.value !== null && typeof doc.value === 'object' && !Array.isArray(doc.value)) {
		return doc.value as Record<string, unknown>;
	}

	if (doc.value !== null) {
		throw new PbError(`vars file ${path} must hold a mapping of variables`, {kind: 'runtime', where});
	}

	return {};
}

const readFor = new WeakMap<HostRun, Map<Play, Record<string, unknown>>>();

/**
 * The play's vars_files named by templates (`vars/{{ ansible_os_family }}.yml`), read for one
 * host with its variables, facts included, once per play, as Ansible reads them. Before the host's
 * facts are gathered a name that needs them is passed over for now, as Ansible passes it over.
 */
export function templatedVarsFiles(play: Play, host: HostRun, vars: () => Record<string, unknown>): Record<string, unknown> {
	const files = play.varsFiles.filter(file => file.vars === undefined);
	const cached = readFor.get(host)?.get(play);
	if (files.length === 0 || cached) {
		return cached ?? {};
	}

	const variables = vars();
	const read: Record<string, unknown> = {};
	for (const file of files) {
		let name: string;
		try {
			name = String(renderValue(file.path, variables, file.where));
		} catch (error) {
			if (Object.keys(host.facts).length === 0 && error instanceof PbError && error.message.startsWith('undefined variable')) {
				return {};
			}

			throw error;
		}

		Object.assign(read, readVarsFile(resolve(play.dir, name), file.where));
	}

	const plays = readFor.get(host) ?? new Map<Play, Record<string, unknown>>();
	plays.set(play, read);
	readFor.set(host, plays);
	return read;
}

/** The play's templated vars files as read for the host so far: undefined while some are still to be read. */
export function templatedVarsFilesRead(play: Play, host: HostRun): Readonly<Record<string, unknown>> | undefined {
	return play.varsFiles.some(file => file.vars === undefined) ? readFor.get(host)?.get(play) : {};
}
