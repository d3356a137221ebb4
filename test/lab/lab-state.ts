import {mkdir, readFile, rename, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import {withFileLock} from './file-lock.js';
import {labPaths} from './lab-paths.js';
import type {ProcessIdentity} from './processes.js';

export interface HostRecord {
	readonly index: number;
	readonly name: string;
	readonly address: string;
	/** Holds upper/, work/, root/ (the overlay's mount point) and console.log. */
	readonly directory: string;
	/** The host's systemd-nspawn, while it runs. */
	nspawn?: ProcessIdentity | undefined;
}

export interface LabRecord {
	readonly id: string;
	/** The process whose lab this is; a lab whose owner died is cleared by the next start. None for `lab up`. */
	readonly owner: ProcessIdentity | undefined;
	readonly directory: string;
	readonly hosts: HostRecord[];
}

/** Every lab running on the machine, in /run/pb-lab/state.json: how a later run finds what a crashed one left. */
export interface LabState {
	labs: LabRecord[];
}

const statePath = join(labPaths.run, 'state.json');

export async function readState(): Promise<LabState> {
	try {
		return JSON.parse(await readFile(statePath, 'utf8')) as LabState;
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
			return {labs: []};
		}

		throw new Error(`cannot read the lab's state file ${statePath}; if no lab is running, delete it`, {cause: error});
	}
}

async function writeState(state: LabState): Promise<void> {
	// Temp file and rename: a crash never leaves half a state file.
	const temporary = `${statePath}.${process.pid}`;
	await writeFile(temporary, `${JSON.stringify(state, undefined, '\t')}\n`);
	await rename(temporary, statePath);
}

/** Reads the state, lets `change` edit it, and writes it back, holding the lock throughout. */
export async function updateState<T>(change: (state: LabState) => Promise<T>): Promise<T> {
	await mkdir(labPaths.run, {recursive: true});
	return withFileLock(join(labPaths.run, 'state.lock'), async () => {
		const state = await readState();
		const result = await change(state);
		await writeState(state);
		return result;
	});
}
