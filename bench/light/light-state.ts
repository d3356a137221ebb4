import {mkdir, readFile, rm, writeFile} from 'node:fs/promises';
import {dirname} from 'node:path';
import {identify, isRunning, type ProcessIdentity} from '../../test/lab/processes.js';
import {lightPaths} from './light-paths.js';

/** What a running light lab has made that outlives a crash of the benchmark: its owner, its sshds, the machine's limits it raised. */
export interface LightState {
	readonly owner: ProcessIdentity;
	readonly sshds: ProcessIdentity[];
	/** The neighbour table limits it raised, with the values to put back (neighbour-table.ts). */
	readonly replacedNeighbourLimits?: Readonly<Record<string, number>>;
}

export async function readLightState(): Promise<LightState | undefined> {
	try {
		return JSON.parse(await readFile(lightPaths.state, 'utf8')) as LightState;
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
			return undefined;
		}

		throw new Error(`cannot read the light lab's state ${lightPaths.state}: ${(error as Error).message}; delete it if it is damaged`, {cause: error});
	}
}

export async function writeLightState(state: LightState): Promise<void> {
	await mkdir(dirname(lightPaths.state), {recursive: true});
	await writeFile(lightPaths.state, JSON.stringify(state, undefined, '\t'));
}

export async function removeLightState(): Promise<void> {
	await rm(lightPaths.state, {force: true});
}

/** Refuses to start over a light lab whose benchmark still runs: clearing it would pull hosts from under it. */
export async function checkNoOtherOwner(state: LightState | undefined): Promise<void> {
	if (state && state.owner.pid !== process.pid && await isRunning(state.owner)) {
		throw new Error(`another benchmark (PID ${state.owner.pid}) is using the light hosts; wait for it to end, or stop it`);
	}
}

export async function thisProcess(): Promise<ProcessIdentity> {
	const self = await identify(process.pid);
	if (!self) {
		throw new Error('cannot read this process\'s own /proc entry');
	}

	return self;
}
