import {writeFile} from 'node:fs/promises';
import type {SshIdentity} from './ssh-keys.js';

/**
 * An Ansible INI inventory of the lab's hosts in group `lab`. pb reads the known_hosts path from
 * ansible_ssh_known_hosts_file; ansible_ssh_common_args tells ansible-playbook the same, so a
 * comparison run checks host keys too.
 */
export async function writeInventory(path: string, hosts: ReadonlyArray<{readonly name: string; readonly address: string}>, identity: SshIdentity): Promise<void> {
	const lines = [
		'# Written by the pb lab; removed when the lab stops.',
		'[lab]',
		...hosts.map(host => `${host.name} ansible_host=${host.address}`),
		'',
		'[lab:vars]',
		'ansible_user=root',
		// A suite that boots many hosts at once loads the machine: handshakes then take seconds.
		'ansible_ssh_timeout=30',
		`ansible_ssh_private_key_file=${identity.privateKeyPath}`,
		`ansible_ssh_known_hosts_file=${identity.knownHostsPath}`,
		`ansible_ssh_common_args='-o StrictHostKeyChecking=yes -o UserKnownHostsFile=${identity.knownHostsPath}'`,
		'',
	];
	await writeFile(path, lines.join('\n'));
}
