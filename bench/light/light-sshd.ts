import {spawn} from 'node:child_process';
import {mkdir, open, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import {identify, type ProcessIdentity} from '../../test/lab/processes.js';
import {lightNetworkNames} from './light-paths.js';

/** Where a light host's session writes: a tmpfs of its own there, so hosts never share a file with each other or the machine. */
export const lightHostWritable = '/srv';

/**
 * One sshd_config for every light host (each listens in its own namespace, so the same port is
 * fine). No PAM and no DNS: a login is key check, fork, shell, as on a lean server. MaxStartups is
 * raised so that a burst of connections (a benchmark opens them all at once) is never dropped.
 */
export async function writeSshdConfig(path: string, authorizedKeysPath: string): Promise<void> {
	await writeFile(path, [
		'# Written by pb\'s benchmark for its light hosts; removed when they stop.',
		'Port 22',
		'PidFile none',
		`AuthorizedKeysFile ${authorizedKeysPath}`,
		'PermitRootLogin prohibit-password',
		'PasswordAuthentication no',
		'KbdInteractiveAuthentication no',
		'UsePAM no',
		'UseDNS no',
		'MaxStartups 1000:30:2000',
		'MaxSessions 10',
		'',
	].join('\n'));
}

/**
 * Starts sshd in the host's namespace. `ip netns exec` gives it a mount namespace of its own (and
 * execs, so the PID is sshd's), where a fresh tmpfs on /srv is what the host writes to, and an
 * empty one on /root hides the machine's root dotfiles (a .bashrc that starts pyenv would cost
 * every command a second); both go away with the host's last process.
 */
export async function startLightSshd(index: number, configPath: string, hostKeyPath: string, logPath: string): Promise<ProcessIdentity> {
	// sshd refuses to start without its privilege separation directory; Debian makes it at boot only.
	await mkdir('/run/sshd', {recursive: true, mode: 0o755});
	const log = await open(logPath, 'a');
	try {
		const {namespace} = lightNetworkNames(index);
		const child = spawn('ip', ['netns', 'exec', namespace, '/bin/sh', '-c',
			`mount -t tmpfs -o mode=0755,size=64m pbbench ${lightHostWritable} && mount -t tmpfs -o mode=0700,size=1m pbbench /root && exec /usr/sbin/sshd -D -e -f "$0" -h "$1"`, configPath, hostKeyPath,
		], {detached: true, stdio: ['ignore', log.fd, log.fd]});
		child.unref();
		const sshd = child.pid === undefined ? undefined : await identify(child.pid);
		if (!sshd) {
			throw new Error(`sshd for light host ${index} did not start; see ${logPath}`);
		}

		return sshd;
	} finally {
		await log.close();
	}
}

export function hostKeyPath(directory: string, index: number): string {
	return join(directory, 'hosts', String(index), 'ssh_host_ed25519_key');
}
