import {mkdir, mkdtemp, readFile, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {dump} from 'js-yaml';
import type {Lab} from '../../lab/lab.js';

/**
 * The lab's inventory (same hosts, same connection variables) with more groups, as KubeKey's
 * roles need, and host_vars/ files beside it; returns its path.
 */
export async function inventoryWithGroups(lab: Lab, groups: Readonly<Record<string, readonly string[]>>, hostVars: Readonly<Record<string, Record<string, unknown>>> = {}): Promise<string> {
	const directory = await mkdtemp(join(tmpdir(), 'pb-playbook-inventory-'));
	const sections = Object.entries(groups).map(([group, hosts]) => `[${group}]\n${hosts.join('\n')}\n`);
	await writeFile(join(directory, 'inventory.ini'), [await readFile(lab.inventoryPath, 'utf8'), ...sections].join('\n'));
	await mkdir(join(directory, 'host_vars'));
	for (const [host, vars] of Object.entries(hostVars)) {
		await writeFile(join(directory, 'host_vars', `${host}.yml`), dump(vars));
	}

	return join(directory, 'inventory.ini');
}
