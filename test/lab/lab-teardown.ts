import {readdir, rm} from 'node:fs/promises';
import {join} from 'node:path';
import {removeHostCgroups, removeLabCgroups} from './host-cgroup.js';
import {removeHost} from './lab-host.js';
import {labLinksAndNamespaces, processesInHostNetwork, removeBridge, removeHostNetwork} from './lab-network.js';
import {labPaths} from './lab-paths.js';
import {type LabRecord, type LabState, updateState} from './lab-state.js';
import {machineMounts} from './mounts.js';
import {identify, isRunning, terminate} from './processes.js';
import {mustRun} from './run-command.js';

/** Stops every host of the lab (in parallel), unmounts, removes its network and its directory. */
export async function teardownLab(lab: LabRecord): Promise<void> {
	const results = await Promise.allSettled(lab.hosts.map(async host => removeHost(host)));
	const failures = results.flatMap(result => result.status === 'rejected' ? [result.reason as unknown] : []);
	if (failures.length > 0) {
		throw new AggregateError(failures, `could not stop every host of lab ${lab.id}: ${failures.map(String).join('; ')}`);
	}

	await rm(lab.directory, {recursive: true, force: true});
}

/** Overlay mounts under the lab's directory, as the machine sees them now. */
export async function labMounts(): Promise<string[]> {
	return (await machineMounts()).map(mount => mount.mountPoint).filter(path => path.startsWith(`${labPaths.labs}/`));
}

/**
 * Clears what earlier runs left: labs whose owner process died (a test run that crashed or was
 * killed), then anything named as the lab's that no running lab claims (a run that died before it
 * wrote its state). `lab up` labs have no owner and stay until `lab down`.
 */
export async function clearLeftovers(state: LabState): Promise<void> {
	const stale: LabRecord[] = [];
	for (const lab of state.labs) {
		if (lab.owner && !await isRunning(lab.owner)) {
			stale.push(lab);
		}
	}

	for (const lab of stale) {
		await teardownLab(lab);
	}

	state.labs = state.labs.filter(lab => !stale.includes(lab));
	const claimedIndexes = new Set(state.labs.flatMap(lab => lab.hosts.map(host => host.index)));
	const claimedDirectories = new Set(state.labs.map(lab => lab.directory));
	const {namespaces, links} = await labLinksAndNamespaces();
	const orphanIndexes = new Set([...namespaces, ...links]
		.map(name => Number(/^pblab-?(\d+)v?$/.exec(name)?.[1]))
		.filter(index => Number.isInteger(index) && !claimedIndexes.has(index)));
	for (const index of orphanIndexes) {
		for (const pid of await processesInHostNetwork(index)) {
			const process = await identify(pid);
			if (process) {
				await terminate(process, 'SIGKILL', 0);
			}
		}
	}

	for (const mount of await labMounts()) {
		if (![...claimedDirectories].some(directory => mount.startsWith(`${directory}/`))) {
			await mustRun(['umount', mount]);
		}
	}

	for (const index of orphanIndexes) {
		await removeHostNetwork(index);
		await removeHostCgroups(index);
	}

	for (const name of await readdir(labPaths.labs).catch(() => [])) {
		const directory = join(labPaths.labs, name);
		if (!claimedDirectories.has(directory)) {
			await rm(directory, {recursive: true, force: true});
		}
	}
}

/** Stops lab `id` from its record alone (so `lab down` can stop what `lab up` started); the bridge goes with the last lab. */
export async function stopLab(id: string): Promise<boolean> {
	return updateState(async state => {
		const lab = state.labs.find(candidate => candidate.id === id);
		if (lab) {
			await teardownLab(lab);
			state.labs = state.labs.filter(candidate => candidate !== lab);
		}

		await clearLeftovers(state);
		if (state.labs.length === 0) {
			await removeBridge();
			await removeLabCgroups();
		}

		return lab !== undefined;
	});
}
