import {readFile, writeFile} from 'node:fs/promises';

/*
 * The machine's neighbour (ARP) table. Its defaults (gc_thresh1/2/3 = 128/512/1024) fit a machine
 * on a LAN, not a bridge with a thousand hosts: past about 500 neighbours the kernel drops entries
 * ("neighbor table overflow") and SSH handshakes time out. The light lab raises the limits while it
 * runs and puts back the ones it raised.
 */

const directory = '/proc/sys/net/ipv4/neigh/default';

/** Room for the light hosts' 1000 neighbours and more, as DESIGN.md says. */
export const wantedNeighbourLimits: Readonly<Record<string, number>> = {gc_thresh3: 8192, gc_thresh2: 4096, gc_thresh1: 2048};

/** The limits below what is wanted, with their values now: what raising replaces, and restoring puts back. */
export function limitsToRaise(current: Readonly<Record<string, number>>, wanted: Readonly<Record<string, number>>): Record<string, number> {
	return Object.fromEntries(Object.entries(wanted).flatMap(([name, value]) => {
		const now = current[name];
		return now !== undefined && now < value ? [[name, now]] : [];
	}));
}

export async function readNeighbourLimits(): Promise<Record<string, number>> {
	const names = Object.keys(wantedNeighbourLimits);
	const values = await Promise.all(names.map(async name => Number((await readFile(`${directory}/${name}`, 'utf8')).trim())));
	return Object.fromEntries(names.map((name, position) => [name, values[position]!]));
}

/** Writes the limits in the order given (the largest first when raising, so they never cross). */
export async function writeNeighbourLimits(limits: Readonly<Record<string, number>>): Promise<void> {
	for (const [name, value] of Object.entries(limits)) {
		await writeFile(`${directory}/${name}`, `${value}\n`);
	}
}

/** Puts back limits that were raised, the smallest first. */
export async function restoreNeighbourLimits(replaced: Readonly<Record<string, number>>): Promise<void> {
	await writeNeighbourLimits(Object.fromEntries(Object.entries(replaced).reverse()));
}
