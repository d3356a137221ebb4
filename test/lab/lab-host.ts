import {spawn} from 'node:child_process';
import {chmod, mkdir, open, readFile, rm, stat, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import {createHostCgroups, removeHostCgroups} from './host-cgroup.js';
import {createHostNetwork, processesInHostNetwork, removeHostNetwork} from './lab-network.js';
import {hostNetworkNames} from './lab-paths.js';
import type {HostRecord} from './lab-state.js';
import {machineMounts} from './mounts.js';
import {identify, isRunning, type ProcessIdentity, terminate} from './processes.js';
import {mustRun, runCommand} from './run-command.js';
import {createKeyPair, type SshIdentity, sshCommand} from './ssh-keys.js';

export function hostPaths(host: HostRecord) {
	return {
		upper: join(host.directory, 'upper'),
		work: join(host.directory, 'work'),
		root: join(host.directory, 'root'),
		console: join(host.directory, 'console.log'),
	};
}

export async function isMounted(path: string): Promise<boolean> {
	return (await machineMounts()).some(mount => mount.mountPoint === path);
}

/**
 * Gives a host its network, its overlay root over the base, and what it must have before it boots:
 * its name, the lab's client key for root, and a host key of its own made here, so the lab knows it
 * without asking the host. Returns the host's public key. A restart keeps the key it had.
 */
export async function prepareHost(host: HostRecord, baseRoot: string, clientPublicKey: string): Promise<string> {
	const paths = hostPaths(host);
	await mountRoot(host, baseRoot);
	const {namespace} = hostNetworkNames(host.index);
	if (!await stat(join('/run/netns', namespace)).then(() => true, () => false)) {
		await createHostNetwork(host.index);
	}

	await writeFile(join(paths.root, 'etc/hostname'), `${host.name}\n`);
	await writeFile(join(paths.root, 'etc/hosts'), `127.0.0.1\tlocalhost\n${host.address}\t${host.name}\n`);
	const sshDirectory = join(paths.root, 'root/.ssh');
	await mkdir(sshDirectory, {recursive: true, mode: 0o700});
	await chmod(sshDirectory, 0o700);
	await writeFile(join(sshDirectory, 'authorized_keys'), `${clientPublicKey}\n`, {mode: 0o600});
	const hostKey = join(paths.root, 'etc/ssh/ssh_host_ed25519_key');
	if (await stat(hostKey).then(() => true, () => false)) {
		return (await readFile(`${hostKey}.pub`, 'utf8')).trim();
	}

	return createKeyPair(hostKey, `root@${host.name}`);
}

async function mountRoot(host: HostRecord, baseRoot: string): Promise<void> {
	const paths = hostPaths(host);
	await Promise.all([paths.upper, paths.work, paths.root].map(async path => mkdir(path, {recursive: true})));
	if (!await isMounted(paths.root)) {
		await mustRun(['mount', '-t', 'overlay', 'overlay', '-o', `lowerdir=${baseRoot},upperdir=${paths.upper},workdir=${paths.work}`, paths.root]);
	}
}

async function unmountRoot(host: HostRecord): Promise<void> {
	const {root} = hostPaths(host);
	for (let attempt = 1; await isMounted(root); attempt++) {
		const result = await runCommand(['umount', root]);
		if (result.exitCode !== 0 && attempt >= 20) {
			throw new Error(`cannot unmount ${root}: ${result.stderr.trim()}`);
		}

		if (result.exitCode !== 0) {
			// Busy for a moment while the host's last processes are reaped.
			await sleep(100);
		}
	}
}

/** The host key the lab made, as the host sees it: kept through a reset, so known_hosts stays right. */
const hostKeyFiles = [{path: 'etc/ssh/ssh_host_ed25519_key', mode: 0o600}, {path: 'etc/ssh/ssh_host_ed25519_key.pub', mode: 0o644}] as const;

/**
 * Forgets every file the host wrote, changed or deleted: its upper and work dirs are emptied while
 * the root is unmounted (overlayfs does not allow changing them under a mount), then the root is
 * mounted again with only the host key put back. The host must be halted; prepareHost and bootHost
 * then start it as it first started.
 */
export async function clearHostChanges(host: HostRecord, baseRoot: string): Promise<void> {
	const paths = hostPaths(host);
	const keys = await Promise.all(hostKeyFiles.map(async file => readFile(join(paths.upper, file.path))));
	await unmountRoot(host);
	await Promise.all([paths.upper, paths.work].map(async path => rm(path, {recursive: true, force: true})));
	await mountRoot(host, baseRoot);
	await Promise.all(hostKeyFiles.map(async (file, position) => writeFile(join(paths.root, file.path), keys[position]!, {mode: file.mode})));
}

/** systemd-nspawn's exit status when the host's systemd rebooted (the container cannot reboot itself). */
const nspawnRebootStatus = 133;

/**
 * Boots the host's systemd in systemd-nspawn, detached (it outlives `lab up`); returns nspawn's
 * PID. `onReboot` is called when the host rebooted, while this process lives to hear it.
 */
export async function bootHost(host: HostRecord, onReboot?: () => void): Promise<ProcessIdentity> {
	const paths = hostPaths(host);
	const {namespace} = hostNetworkNames(host.index);
	const cgroupProcs = await createHostCgroups(host.index);
	const console = await open(paths.console, 'a');
	try {
		// The shell enters the host's cgroups, then becomes nspawn: nspawn starts inside them.
		const enterCgroups = 'for procs in $PB_LAB_CGROUP_PROCS; do echo $$ > "$procs" || exit 1; done; exec "$@"';
		const nspawn = spawn('sh', ['-c', enterCgroups, 'sh', 'systemd-nspawn',
			'--directory', paths.root,
			'--machine', host.name,
			'--hostname', host.name,
			'--boot',
			'--register=no',
			'--keep-unit',
			`--network-namespace-path=/run/netns/${namespace}`,
			'--capability=CAP_NET_ADMIN',
			// Nothing of the machine's own goes in: no journal link, resolv.conf or timezone.
			'--link-journal=no',
			'--resolv-conf=off',
			'--timezone=off',
			'--console=read-only',
		], {
			detached: true,
			stdio: ['ignore', console.fd, console.fd],
			// Writable /proc/sys/net: net.* sysctls a host sets stay in its own network namespace.
			env: {...process.env, SYSTEMD_NSPAWN_API_VFS_WRITABLE: 'network', PB_LAB_CGROUP_PROCS: cgroupProcs.join(' ')},
		});
		nspawn.on('exit', code => {
			if (code === nspawnRebootStatus) {
				onReboot?.();
			}
		});
		nspawn.unref();
		const pid = nspawn.pid;
		const identity = pid === undefined ? undefined : await identify(pid);
		if (identity === undefined) {
			throw new Error(`systemd-nspawn for ${host.name} did not start; see ${paths.console}`);
		}

		return identity;
	} finally {
		await console.close();
	}
}

async function consoleTail(host: HostRecord): Promise<string> {
	const text = await readFile(hostPaths(host).console, 'utf8').catch(() => '');
	// Boot messages carry colour codes; a person reads the tail in an error message.
	return text.replaceAll(/\u001B\[[\d;]*m/g, '').trim().split('\n').slice(-8).join('\n');
}

/** Waits until root can run `true` over ssh with strict host key checking: the host is ready for tests. */
export async function waitForSsh(host: HostRecord, identity: SshIdentity, timeoutMs: number): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	let lastError = '';
	for (;;) {
		if (host.nspawn && !await isRunning(host.nspawn)) {
			throw new Error(`${host.name} stopped while booting; the end of ${hostPaths(host).console}:\n${await consoleTail(host)}`);
		}

		const result = await runCommand(sshCommand(identity, host.address, 'true', 2));
		if (result.exitCode === 0) {
			return;
		}

		lastError = result.stderr.trim();
		if (Date.now() > deadline) {
			throw new Error(`${host.name} (${host.address}) did not answer ssh within ${timeoutMs / 1000} s (ssh said: ${lastError}); the end of ${hostPaths(host).console}:\n${await consoleTail(host)}`);
		}

		await sleep(200);
	}
}

/** 'shutdown': SIGTERM to nspawn, which has systemd shut the host down (SIGKILL after a timeout). 'kill': a crash. */
export type HaltMode = 'shutdown' | 'kill';

/**
 * Ends the host's processes: nspawn's first, then SIGKILL to anything still in the host's network
 * namespace, which only the host's own processes can be in.
 */
export async function haltHost(host: HostRecord, mode: HaltMode): Promise<void> {
	if (host.nspawn) {
		await terminate(host.nspawn, mode === 'shutdown' ? 'SIGTERM' : 'SIGKILL', 10_000);
		host.nspawn = undefined;
	}

	for (const pid of await processesInHostNetwork(host.index)) {
		const process = await identify(pid);
		if (process) {
			await terminate(process, 'SIGKILL', 0);
		}
	}
}

/** Halts the host, unmounts its root, removes its network and cgroups: the host is gone, its files remain. */
export async function removeHost(host: HostRecord): Promise<void> {
	await haltHost(host, 'shutdown');
	await unmountRoot(host);
	await removeHostNetwork(host.index);
	await removeHostCgroups(host.index);
}
