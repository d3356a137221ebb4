import {randomUUID} from 'node:crypto';
import {writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import type {SshOptions} from '../../../engine/connection/ssh.js';
import type {TestSshd} from '../../helpers/sshd.js';

/**
 * Options that log in to the test sshd as `user` with its user key, trusting its host key at the
 * port connected to. Each call gets its own known_hosts file, so tests running at once do not share one.
 */
export async function trustingOptions(sshd: TestSshd, user: string, overrides: Partial<SshOptions> = {}): Promise<SshOptions> {
	const port = overrides.port ?? sshd.port;
	const knownHostsFile = join(sshd.dir, `known_hosts-${randomUUID()}`);
	await writeFile(knownHostsFile, `[${sshd.address}]:${port} ${sshd.hostKey}\n`);
	return {
		host: 'testhost',
		address: sshd.address,
		port,
		user,
		privateKeyFile: sshd.userKeyFile,
		agent: false,
		knownHostsFile,
		acceptNewHostKeys: false,
		hostKeyChecking: true,
		connectTimeoutMs: 10_000,
		...overrides,
	};
}
