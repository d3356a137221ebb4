import {mkdir, rm, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import {answersWithBanner} from '../../test/helpers/sshd.js';
import {writeInventory} from '../../test/lab/lab-inventory.js';
import {identify, terminate, type ProcessIdentity} from '../../test/lab/processes.js';
import {createKeyPair, type SshIdentity, writeKnownHosts} from '../../test/lab/ssh-keys.js';
import type {BenchHost, BenchHosts} from '../bench-hosts.js';
import {createLightNetworks, ensureLightBridge, lightNamespaces, processesInNamespace, removeLightNetworks} from './light-network.js';
import {lightAddress, lightNetwork, lightPaths} from './light-paths.js';
import {limitsToRaise, readNeighbourLimits, restoreNeighbourLimits, wantedNeighbourLimits, writeNeighbourLimits} from './neighbour-table.js';
import {hostKeyPath, startLightSshd, writeSshdConfig} from './light-sshd.js';
import {checkNoOtherOwner, readLightState, removeLightState, thisProcess, writeLightState} from './light-state.js';

/*
 * Light hosts: an sshd in a network namespace each, with no systemd and no root filesystem of
 * their own (a tmpfs on /srv is theirs), so this machine holds hundreds. They are for pb's scale
 * scenario; anything a task writes outside /srv would land on the machine itself.
 */

/** The sshd listens as soon as it has started. */
async function waitForSshd(address: string, deadline: number): Promise<void> {
	for (;;) {
		const banner = await answersWithBanner(22, address);
		if (banner) {
			return;
		}

		if (Date.now() > deadline) {
			throw new Error(`the light host at ${address} did not answer on port 22 in time; see the sshd logs in ${lightPaths.directory}/hosts`);
		}

		await sleep(100);
	}
}

/** Ends every process in the light namespaces (sshds first, by their recorded PIDs), then removes the namespaces. */
async function clearLightHosts(sshds: readonly ProcessIdentity[], bridge: boolean): Promise<void> {
	await Promise.all(sshds.map(async sshd => terminate(sshd, 'SIGTERM', 2000)));
	const namespaces = await lightNamespaces();
	for (const namespace of namespaces) {
		for (const pid of await processesInNamespace(namespace)) {
			const process = await identify(pid);
			if (process) {
				await terminate(process, 'SIGKILL', 0);
			}
		}
	}

	await removeLightNetworks(namespaces, bridge);
}

export class LightLab implements BenchHosts {
	readonly kind = 'light';
	readonly hosts: readonly BenchHost[];
	readonly inventoryPath = join(lightPaths.directory, 'inventory.ini');
	readonly identity: SshIdentity = {privateKeyPath: join(lightPaths.directory, 'id_ed25519'), knownHostsPath: join(lightPaths.directory, 'known_hosts')};
	readonly #configPath = join(lightPaths.directory, 'sshd_config');
	readonly #indexes: readonly number[];
	#owner: ProcessIdentity | undefined;
	#sshds: ProcessIdentity[] = [];
	#replacedNeighbourLimits: Readonly<Record<string, number>> = {};

	constructor(count: number) {
		this.#indexes = Array.from({length: count}, (_, position) => position + 1);
		this.hosts = this.#indexes.map(index => ({name: `pbbench-${index}`, address: lightAddress(index)}));
	}

	/** Keys, config, known_hosts and inventory once; then the hosts. */
	async start(): Promise<void> {
		await clearLightLeftovers();
		this.#owner = await thisProcess();
		// Recorded before anything is made, so that a crash from here on is cleared by the next start.
		await writeLightState({owner: this.#owner, sshds: []});
		await this.#raiseNeighbourLimits();
		await mkdir(lightPaths.directory, {recursive: true, mode: 0o700});
		const clientKey = await createKeyPair(this.identity.privateKeyPath, 'pb-bench-light');
		const authorizedKeys = join(lightPaths.directory, 'authorized_keys');
		await writeFile(authorizedKeys, `${clientKey}\n`, {mode: 0o600});
		await writeSshdConfig(this.#configPath, authorizedKeys);
		const publicKeys = await Promise.all(this.#indexes.map(async index => {
			await mkdir(join(lightPaths.directory, 'hosts', String(index)), {recursive: true});
			return createKeyPair(hostKeyPath(lightPaths.directory, index), `root@pbbench-${index}`);
		}));
		await writeKnownHosts(this.identity.knownHostsPath, this.hosts.map((host, position) => ({address: host.address, publicKey: publicKeys[position] ?? ''})));
		await writeInventory(this.inventoryPath, this.hosts, this.identity);
		await this.#up();
	}

	/** Fresh hosts: new namespaces (net.* sysctls back to their defaults) and an empty /srv; same keys. */
	async reset(): Promise<void> {
		await clearLightHosts(this.#sshds, false);
		this.#sshds = [];
		await this.#up();
	}

	async stop(): Promise<void> {
		await clearLightHosts(this.#sshds, true);
		this.#sshds = [];
		await rm(lightPaths.directory, {recursive: true, force: true});
		await restoreNeighbourLimits(this.#replacedNeighbourLimits);
		this.#replacedNeighbourLimits = {};
		await removeLightState();
	}

	/** Recorded before they are written, so that a crash leaves the next start what to put back. */
	async #raiseNeighbourLimits(): Promise<void> {
		const replaced = limitsToRaise(await readNeighbourLimits(), wantedNeighbourLimits);
		this.#replacedNeighbourLimits = replaced;
		await writeLightState({owner: this.#owner!, sshds: this.#sshds, replacedNeighbourLimits: replaced});
		await writeNeighbourLimits(Object.fromEntries(Object.keys(replaced).map(name => [name, wantedNeighbourLimits[name]!])));
	}

	async #up(): Promise<void> {
		await ensureLightBridge();
		await createLightNetworks(this.#indexes);
		for (const index of this.#indexes) {
			const log = join(lightPaths.directory, 'hosts', String(index), 'sshd.log');
			this.#sshds.push(await startLightSshd(index, this.#configPath, hostKeyPath(lightPaths.directory, index), log));
		}

		await writeLightState({owner: this.#owner!, sshds: this.#sshds, replacedNeighbourLimits: this.#replacedNeighbourLimits});
		const deadline = Date.now() + 30_000 + (this.#indexes.length * 100);
		await Promise.all(this.hosts.map(async host => waitForSshd(host.address, deadline)));
	}
}

export async function startLightLab(count: number): Promise<LightLab> {
	if (!Number.isInteger(count) || count < 1 || count > lightNetwork.maxHosts) {
		throw new TypeError(`Expected the light host count to be a whole number from 1 to ${lightNetwork.maxHosts}, got \`${count}\``);
	}

	const lab = new LightLab(count);
	try {
		await lab.start();
	} catch (error) {
		await lab.stop().catch((stopError: unknown) => {
			throw new AggregateError([error, stopError], `${String(error)}\n(and stopping the half-started light hosts failed too: ${String(stopError)})`);
		});
		throw error;
	}

	return lab;
}

/** Clears what the light hosts of a benchmark that crashed left behind (refusing if that benchmark still runs). */
export async function clearLightLeftovers(): Promise<void> {
	const previous = await readLightState();
	await checkNoOtherOwner(previous);
	await clearLightHosts(previous?.sshds ?? [], true);
	await rm(lightPaths.directory, {recursive: true, force: true});
	await restoreNeighbourLimits(previous?.replacedNeighbourLimits ?? {});
	await removeLightState();
}
