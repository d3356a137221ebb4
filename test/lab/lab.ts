import {randomBytes} from 'node:crypto';
import {mkdir, readFile} from 'node:fs/promises';
import {join} from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import {type BaseFlavour, ensureBaseRoot} from './base-root.js';
import {existingHostCgroups} from './host-cgroup.js';
import {writeInventory} from './lab-inventory.js';
import {bootHost, clearHostChanges, haltHost, hostPaths, isMounted, prepareHost, waitForSsh} from './lab-host.js';
import {raiseInotifyLimits} from './inotify-limits.js';
import {ensureBridge, labLinksAndNamespaces, setHostLink} from './lab-network.js';
import {hostAddress, hostNetworkNames, labNetwork, labPaths} from './lab-paths.js';
import {type HostRecord, type LabRecord, updateState} from './lab-state.js';
import {clearLeftovers, stopLab} from './lab-teardown.js';
import {checkPrerequisites} from './prerequisites.js';
import {identify, isRunning, type ProcessIdentity} from './processes.js';
import {type CommandResult, runCommand} from './run-command.js';
import {createKeyPair, type SshIdentity, sshCommand, writeKnownHosts} from './ssh-keys.js';
import {diffSnapshots, snapshotDirectory, type UpperSnapshot} from './upper-snapshot.js';

/** A host of a running lab, as tests see it. */
export interface LabHost {
	readonly name: string;
	readonly address: string;
	/** The overlay's upper dir: every file the host wrote, changed or deleted since its lab started. */
	readonly upperDirectory: string;
	/** The host's whole root filesystem, as mounted on the machine. */
	readonly rootDirectory: string;
}

export interface StartLabOptions {
	readonly hosts: number;
	/** The base every host boots: 'standard' unless given; 'dnf' adds dnf and rpm for yum tests. */
	readonly flavour?: BaseFlavour;
	/** For `lab up`: the lab outlives this process and stays until `lab down`. */
	readonly persistent?: boolean;
	/** Progress for people (the base build takes a minute); silent by default. */
	readonly log?: (line: string) => void;
	readonly bootTimeoutMs?: number;
}

/** What a stop left behind; all empty after a clean stop. */
export interface LabRemains {
	readonly processes: number[];
	readonly mounts: string[];
	readonly namespaces: string[];
	readonly links: string[];
	readonly cgroups: string[];
}

const persistentLabId = 'cli';

export class Lab {
	readonly id: string;
	readonly directory: string;
	readonly hosts: readonly LabHost[];
	readonly inventoryPath: string;
	readonly identity: SshIdentity;
	readonly #record: LabRecord;
	readonly #baseRoot: string;
	readonly #bootTimeoutMs: number;
	/** Every nspawn this lab started, so `remains` can prove each one is gone. */
	readonly #started: ProcessIdentity[] = [];
	#clientPublicKey = '';

	constructor(record: LabRecord, baseRoot: string, bootTimeoutMs: number) {
		this.#record = record;
		this.#baseRoot = baseRoot;
		this.#bootTimeoutMs = bootTimeoutMs;
		this.id = record.id;
		this.directory = record.directory;
		this.inventoryPath = join(record.directory, 'inventory.ini');
		this.identity = {privateKeyPath: join(record.directory, 'id_ed25519'), knownHostsPath: join(record.directory, 'known_hosts')};
		this.hosts = record.hosts.map(host => ({
			name: host.name,
			address: host.address,
			upperDirectory: hostPaths(host).upper,
			rootDirectory: hostPaths(host).root,
		}));
	}

	/**
	 * Runs `command` on the host as root with the OpenSSH client, host key checked; resolves whatever
	 * the exit code. The timeout covers the banner exchange too, which takes seconds on a machine
	 * loaded by a whole test suite: only tests that expect no answer should shorten it.
	 */
	async ssh(host: LabHost, command: string, connectTimeoutSeconds = 30): Promise<CommandResult> {
		return runCommand(sshCommand(this.identity, host.address, command, connectTimeoutSeconds));
	}

	async snapshotUpper(host: LabHost): Promise<UpperSnapshot> {
		return snapshotDirectory(host.upperDirectory);
	}

	/**
	 * The paths a control login changes on its own (sshd's wtmp and lastlog, systemd's and logind's
	 * state): a test that proves --check changed nothing leaves these out of its diff.
	 */
	async controlLoginChanges(host: LabHost): Promise<string[]> {
		const before = await this.snapshotUpper(host);
		const login = await this.ssh(host, 'true');
		if (login.exitCode !== 0) {
			throw new Error(`control login to ${host.name} failed: ${login.stderr.trim()}`);
		}

		// logind finishes the session after ssh has returned.
		await sleep(500);
		const diff = diffSnapshots(before, await this.snapshotUpper(host));
		return [...diff.added, ...diff.removed, ...diff.changed];
	}

	/** The host's own cgroups on the machine, one per hierarchy nspawn uses: its processes run under them. */
	async cgroupsOf(host: LabHost): Promise<string[]> {
		return existingHostCgroups(this.#recordOf(host).index);
	}

	/** Fault hook: the host's link goes down; it keeps running but nothing reaches it. */
	async cutNetwork(host: LabHost): Promise<void> {
		await setHostLink(this.#recordOf(host).index, 'down');
	}

	/** Brings the host's link back up and returns once its sshd answers again. */
	async restoreNetwork(host: LabHost): Promise<void> {
		const record = this.#recordOf(host);
		await setHostLink(record.index, 'up');
		await waitForSsh(record, this.identity, 30_000);
	}

	/** Fault hook: the host dies at once, as in a power cut (SIGKILL to its nspawn); its files stay. */
	async killHost(host: LabHost): Promise<void> {
		await haltHost(this.#recordOf(host), 'kill');
		await this.#saveState();
	}

	/** Boots the host again on the same files (shutting it down first if it runs), and waits for sshd. */
	async restartHost(host: LabHost): Promise<void> {
		const record = this.#recordOf(host);
		await haltHost(record, 'shutdown');
		await this.#prepare([record]);
		await this.#boot([record]);
	}

	/**
	 * Makes the host as it was when the lab started: shut down, every change it made forgotten (its
	 * upper dir emptied, its host key kept), booted again. Faster than a new lab, and the host keeps
	 * its name, address and key.
	 */
	async resetHost(host: LabHost): Promise<void> {
		const record = this.#recordOf(host);
		await haltHost(record, 'shutdown');
		await clearHostChanges(record, this.#baseRoot);
		await this.#prepare([record]);
		await this.#boot([record]);
	}

	/** Stops every host by its nspawn PID, unmounts, removes namespaces, links and the lab's directory. */
	async stop(): Promise<void> {
		await stopLab(this.id);
	}

	/** Whatever of this lab still exists on the machine: for a test asserting that a stop left nothing. */
	async remains(): Promise<LabRemains> {
		const processes = [];
		for (const process of this.#started) {
			if (await isRunning(process)) {
				processes.push(process.pid);
			}
		}

		const mounts = [];
		for (const host of this.hosts) {
			if (await isMounted(host.rootDirectory)) {
				mounts.push(host.rootDirectory);
			}
		}

		const ours = this.#record.hosts.map(host => hostNetworkNames(host.index));
		const {namespaces, links} = await labLinksAndNamespaces();
		const cgroups = await Promise.all(this.#record.hosts.map(async host => existingHostCgroups(host.index)));
		return {
			processes,
			mounts,
			namespaces: namespaces.filter(name => ours.some(names => names.namespace === name)),
			links: links.filter(name => ours.some(names => names.veth === name)),
			cgroups: cgroups.flat(),
		};
	}

	/** Makes the keys, prepares and boots every host, writes known_hosts and the inventory, waits for sshd. */
	async start(): Promise<void> {
		await mkdir(this.directory, {recursive: true});
		this.#clientPublicKey = await createKeyPair(this.identity.privateKeyPath, `pb-lab-${this.id}`);
		const hostKeys = await this.#prepare(this.#record.hosts);
		await writeKnownHosts(this.identity.knownHostsPath, this.#record.hosts.map((host, position) => ({address: host.address, publicKey: hostKeys[position] ?? ''})));
		await writeInventory(this.inventoryPath, this.hosts, this.identity);
		await this.#boot(this.#record.hosts);
	}

	/** Returns each host's public key, in order. */
	async #prepare(hosts: readonly HostRecord[]): Promise<string[]> {
		this.#clientPublicKey ||= (await readFile(`${this.identity.privateKeyPath}.pub`, 'utf8')).trim();
		return Promise.all(hosts.map(async host => prepareHost(host, this.#baseRoot, this.#clientPublicKey)));
	}

	async #boot(hosts: readonly HostRecord[]): Promise<void> {
		for (const host of hosts) {
			await this.#spawn(host);
		}

		await this.#saveState();
		await Promise.all(hosts.map(async host => waitForSsh(host, this.identity, this.#bootTimeoutMs)));
	}

	async #spawn(host: HostRecord): Promise<void> {
		const nspawn = await bootHost(host, () => {
			void this.#bootAgain(host, nspawn);
		});
		host.nspawn = nspawn;
		this.#started.push(nspawn);
	}

	/**
	 * A host that rebooted: its nspawn exited, as a container cannot reboot in place. It boots again
	 * on the same root, network and keys, as a machine comes back from a reboot; not when the lab
	 * has halted or restarted it since.
	 */
	async #bootAgain(host: HostRecord, exited: ProcessIdentity): Promise<void> {
		if (host.nspawn !== exited) {
			return;
		}

		try {
			await this.#spawn(host);
			await this.#saveState();
		} catch (error) {
			console.error(`pb lab: ${host.name} rebooted and could not boot again: ${String(error)}`);
		}
	}

	#recordOf(host: LabHost): HostRecord {
		const record = this.#record.hosts.find(candidate => candidate.name === host.name);
		if (!record) {
			throw new Error(`${host.name} is not a host of lab ${this.id}`);
		}

		return record;
	}

	async #saveState(): Promise<void> {
		await updateState(async state => {
			const saved = state.labs.find(lab => lab.id === this.id);
			if (saved) {
				saved.hosts.splice(0, saved.hosts.length, ...this.#record.hosts);
			}
		});
	}
}

function checkHostCount(hosts: unknown): asserts hosts is number {
	if (typeof hosts !== 'number' || !Number.isInteger(hosts) || hosts < 1 || hosts > labNetwork.maxHosts) {
		throw new TypeError(`Expected \`hosts\` to be a whole number from 1 to ${labNetwork.maxHosts}, got \`${String(hosts)}\` (${typeof hosts})`);
	}
}

/**
 * Starts a lab of `hosts` Debian hosts booted with systemd and sshd, ready for ssh as root with the
 * lab's key and known_hosts. Builds the base first if this machine has none. Clears what crashed
 * runs left. Labs of parallel test files share the bridge and take different host numbers.
 */
export async function startLab(options: StartLabOptions): Promise<Lab> {
	checkHostCount(options.hosts);
	await checkPrerequisites();
	const base = await ensureBaseRoot(options.flavour ?? 'standard', options.log);
	const owner = options.persistent ? undefined : await identify(process.pid);
	const id = options.persistent ? persistentLabId : `${process.pid}-${randomBytes(3).toString('hex')}`;
	const record = await updateState(async state => {
		await clearLeftovers(state);
		if (state.labs.some(lab => lab.id === id)) {
			throw new Error('a lab from `npm run lab -- up` is running already; `npm run lab -- down` stops it');
		}

		const taken = new Set(state.labs.flatMap(lab => lab.hosts.map(host => host.index)));
		const indexes = [];
		for (let index = 1; index <= labNetwork.maxHosts && indexes.length < options.hosts; index++) {
			if (!taken.has(index)) {
				indexes.push(index);
			}
		}

		if (indexes.length < options.hosts) {
			throw new Error(`the lab subnet has room for ${indexes.length} more hosts, not ${options.hosts}: other labs on this machine hold the rest (\`npm run lab -- status\`)`);
		}

		const directory = join(labPaths.labs, id);
		const lab: LabRecord = {
			id,
			owner,
			directory,
			hosts: indexes.map(index => ({index, name: `pblab-${index}`, address: hostAddress(index), directory: join(directory, 'hosts', `pblab-${index}`)})),
		};
		// Recorded before anything is made, so a crash from here on leaves nothing the next start misses.
		state.labs.push(lab);
		await ensureBridge();
		await raiseInotifyLimits();
		return lab;
	});
	const lab = new Lab(record, base.path, options.bootTimeoutMs ?? 60_000 + (options.hosts * 5000));
	try {
		await lab.start();
	} catch (error) {
		await lab.stop().catch((stopError: unknown) => {
			throw new AggregateError([error, stopError], `${String(error)}\n(and stopping the half-started lab failed too: ${String(stopError)})`);
		});
		throw error;
	}

	return lab;
}
