import type {SshIdentity} from '../test/lab/ssh-keys.js';

export interface BenchHost {
	readonly name: string;
	readonly address: string;
}

/** Hosts a scenario runs on: the lab's systemd hosts or the light sshd-only ones. */
export interface BenchHosts {
	readonly kind: 'lab' | 'light';
	readonly hosts: readonly BenchHost[];
	/** Ansible INI, read by pb and ansible-playbook alike; host keys checked against `identity.knownHostsPath`. */
	readonly inventoryPath: string;
	readonly identity: SshIdentity;
	/** Makes every host as it was before anything ran on it. */
	reset(): Promise<void>;
	stop(): Promise<void>;
}
