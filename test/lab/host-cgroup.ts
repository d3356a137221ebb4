import {mkdir, readdir, rmdir} from 'node:fs/promises';
import {join} from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import {hostNetworkNames} from './lab-paths.js';
import {machineMounts} from './mounts.js';

/**
 * With --keep-unit and no systemd on the machine, nspawn puts the host's systemd under the cgroup
 * it was started in. Started from one cgroup, every host's systemd would share one tree and create
 * and remove the same unit cgroups (`system.slice/ipvsadm.service`): a unit then fails on one host
 * with 219/CGROUP while another host stops the unit of the same name. So each host boots from a
 * cgroup of its own, `pb-lab/pblab-<n>`, in every hierarchy nspawn uses.
 */
async function hierarchies(): Promise<string[]> {
	return (await machineMounts())
		.filter(({mountPoint, type, options}) => mountPoint.startsWith('/sys/fs/cgroup') && (type === 'cgroup2' || (type === 'cgroup' && options.includes('name=systemd'))))
		.map(({mountPoint}) => mountPoint);
}

const labCgroup = 'pb-lab';

async function hostCgroups(index: number): Promise<string[]> {
	return (await hierarchies()).map(root => join(root, labCgroup, hostNetworkNames(index).namespace));
}

/** Makes the host's cgroups; returns the `cgroup.procs` files a process writes its PID to, to enter them. */
export async function createHostCgroups(index: number): Promise<string[]> {
	const cgroups = await hostCgroups(index);
	await Promise.all(cgroups.map(async cgroup => mkdir(cgroup, {recursive: true})));
	return cgroups.map(cgroup => join(cgroup, 'cgroup.procs'));
}

/** Removes a cgroup and the ones the host's systemd left under it, deepest first; what is gone is fine. */
async function removeTree(cgroup: string): Promise<void> {
	const entries = await readdir(cgroup, {withFileTypes: true}).catch(() => []);
	await Promise.all(entries.filter(entry => entry.isDirectory()).map(async entry => removeTree(join(cgroup, entry.name))));
	for (let attempt = 1; ; attempt++) {
		try {
			await rmdir(cgroup);
			return;
		} catch (error) {
			const {code} = error as NodeJS.ErrnoException;
			if (code === 'ENOENT') {
				return;
			}

			// Busy for a moment while the host's last processes are reaped.
			if (code !== 'EBUSY' || attempt >= 50) {
				throw new Error(`cannot remove cgroup ${cgroup}: ${(error as Error).message}`);
			}

			await sleep(100);
		}
	}
}

/** Removes the host's cgroups once its processes are gone. */
export async function removeHostCgroups(index: number): Promise<void> {
	await Promise.all((await hostCgroups(index)).map(async cgroup => removeTree(cgroup)));
}

/** Removes the cgroups that held the hosts' own: only once no lab runs, as the bridge goes. */
export async function removeLabCgroups(): Promise<void> {
	await Promise.all((await hierarchies()).map(async root => removeTree(join(root, labCgroup))));
}

/** The host's cgroups that exist now: for proving a stop left nothing. */
export async function existingHostCgroups(index: number): Promise<string[]> {
	const cgroups = await hostCgroups(index);
	const exists = await Promise.all(cgroups.map(async cgroup => readdir(cgroup).then(() => true, () => false)));
	return cgroups.filter((_, position) => exists[position]);
}
