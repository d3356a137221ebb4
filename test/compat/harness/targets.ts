import {appendFile, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import type {LabHost} from '../../lab/lab.js';
import {writeInventory} from '../../lab/lab-inventory.js';
import type {SshIdentity} from '../../lab/ssh-keys.js';
import {caseHosts} from './cases.js';
import type {Alias} from './end-state.js';

/**
 * Where a tool runs a case: two lab hosts over SSH (node1 on the first, node2 on the second), or this
 * machine on the local connection, each case host writing under `out_dir` = outDirectory/HOST.
 */
export type Target =
	| {readonly kind: 'lab'; readonly hosts: readonly LabHost[]; readonly identity: SshIdentity; readonly aptSource: string | undefined}
	| {readonly kind: 'local'; readonly outDirectory: string};

/** The out_dir a case host gets on the local connection. */
export function localOutDirectory(outDirectory: string, host: string): string {
	return join(outDirectory, host);
}

/**
 * An inventory that only connects the case's hosts, read after the case's own (`-i case/inventory
 * -i this`), so the case's groups and variables stay as written. For the lab it is the lab's own
 * inventory of the case's host names (group `lab`, the lab's key and known_hosts, host keys checked),
 * and `lab_apt_source`, the apt source line of the lab's flat repository when the suite serves one.
 */
export async function writeTargetInventory(path: string, target: Target): Promise<void> {
	if (target.kind === 'lab') {
		await writeInventory(path, caseHosts.map((name, position) => ({name, address: target.hosts[position]!.address})), target.identity);
		if (target.aptSource !== undefined) {
			// In [lab:vars], the inventory's last section: the apt source line of the lab's flat repository, for the cases that install packages.
			await appendFile(path, `lab_apt_source='${target.aptSource}'\n`);
		}

		return;
	}

	await writeFile(path, caseHosts.map(host => `${host} ansible_connection=local out_dir=${localOutDirectory(target.outDirectory, host)}\n`).join(''));
}

/** The texts a target's files may hold that the other tool's target has otherwise, by case host. */
export function targetAliases(target: Target): Alias[] {
	if (target.kind === 'lab') {
		return caseHosts.flatMap((host, position) => [
			{text: target.hosts[position]!.name, placeholder: `<${host}'s lab host name>`},
			{text: target.hosts[position]!.address, placeholder: `<${host}'s address>`},
		]);
	}

	return caseHosts.map(host => ({text: localOutDirectory(target.outDirectory, host), placeholder: `<${host}'s out_dir>`}));
}
