import {type Lab, startLab} from '../test/lab/lab.js';
import type {SshIdentity} from '../test/lab/ssh-keys.js';
import type {BenchHost, BenchHosts} from './bench-hosts.js';

/**
 * The lab's Debian hosts (systemd, sshd, python3 for Ansible). A reset is a new lab: its hosts boot
 * from the clean base in new network namespaces, so no file and no net.* sysctl of a run before is
 * left; that costs about as much as restarting the hosts and changes nothing in the lab's code.
 */
export class LabHosts implements BenchHosts {
	readonly kind = 'lab';
	#lab: Lab;
	readonly #count: number;

	private constructor(lab: Lab, count: number) {
		this.#lab = lab;
		this.#count = count;
	}

	static async start(count: number, log: (line: string) => void): Promise<LabHosts> {
		return new LabHosts(await startLab({hosts: count, log}), count);
	}

	get hosts(): readonly BenchHost[] {
		return this.#lab.hosts;
	}

	get inventoryPath(): string {
		return this.#lab.inventoryPath;
	}

	get identity(): SshIdentity {
		return this.#lab.identity;
	}

	async reset(): Promise<void> {
		await this.#lab.stop();
		this.#lab = await startLab({hosts: this.#count});
	}

	async stop(): Promise<void> {
		await this.#lab.stop();
	}
}
