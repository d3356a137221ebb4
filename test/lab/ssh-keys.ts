import {readFile, writeFile} from 'node:fs/promises';
import {mustRun} from './run-command.js';

/** Makes an ed25519 key pair at `path` (and `path`.pub), with no passphrase; returns the public key line. */
export async function createKeyPair(path: string, comment: string): Promise<string> {
	await mustRun(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', path]);
	return (await readFile(`${path}.pub`, 'utf8')).trim();
}

/** A known_hosts file naming each address with its host's public key: what strict checking compares with. */
export async function writeKnownHosts(path: string, hosts: ReadonlyArray<{readonly address: string; readonly publicKey: string}>): Promise<void> {
	const lines = hosts.map(({address, publicKey}) => {
		const [type, key] = publicKey.split(' ');
		return `${address} ${type} ${key}`;
	});
	await writeFile(path, `${lines.join('\n')}\n`);
}

export interface SshIdentity {
	readonly privateKeyPath: string;
	readonly knownHostsPath: string;
}

/**
 * The OpenSSH client command line for `command` on root@address, with host key checking on and
 * nothing taken from the user's own ssh config, keys or known_hosts.
 */
export function sshCommand(identity: SshIdentity, address: string, command: string, connectTimeoutSeconds: number): string[] {
	return [
		'ssh', '-F', '/dev/null',
		'-o', 'BatchMode=yes',
		'-o', 'StrictHostKeyChecking=yes',
		'-o', `UserKnownHostsFile=${identity.knownHostsPath}`,
		'-o', 'GlobalKnownHostsFile=/dev/null',
		'-o', 'IdentitiesOnly=yes',
		'-o', `ConnectTimeout=${connectTimeoutSeconds}`,
		'-i', identity.privateKeyPath,
		`root@${address}`,
		command,
	];
}
