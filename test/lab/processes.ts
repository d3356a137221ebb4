import {readFile} from 'node:fs/promises';
import {setTimeout as sleep} from 'node:timers/promises';

/** A process as the lab records it: the PID and when it started, so a reused PID is never taken for ours. */
export interface ProcessIdentity {
	readonly pid: number;
	readonly startTicks: number;
}

/** The start time of a process in clock ticks since boot (field 22 of /proc/PID/stat), or undefined if it is gone. */
export async function processStartTicks(pid: number): Promise<number | undefined> {
	try {
		const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
		// The command name (field 2) may hold spaces and parentheses: count fields after its closing one.
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		const state = fields[0];
		if (state === 'Z' || state === 'X') {
			return undefined;
		}

		return Number(fields[19]);
	} catch {
		return undefined;
	}
}

export async function identify(pid: number): Promise<ProcessIdentity | undefined> {
	const startTicks = await processStartTicks(pid);
	return startTicks === undefined ? undefined : {pid, startTicks};
}

export async function isRunning(process: ProcessIdentity): Promise<boolean> {
	return await processStartTicks(process.pid) === process.startTicks;
}

function signal(process: ProcessIdentity, name: NodeJS.Signals | number): void {
	try {
		globalThis.process.kill(process.pid, name);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'ESRCH') {
			throw error;
		}
	}
}

/** Waits until the process has exited; false if it is still there after the timeout. */
async function waitForExit(process: ProcessIdentity, timeoutMs: number): Promise<boolean> {
	const deadline = Date.now() + timeoutMs;
	while (await isRunning(process)) {
		if (Date.now() > deadline) {
			return false;
		}

		await sleep(50);
	}

	return true;
}

/** Sends `first`, then SIGKILL if the process has not exited within graceMs; returns once it is gone. */
export async function terminate(process: ProcessIdentity, first: NodeJS.Signals | number, graceMs: number): Promise<void> {
	if (!await isRunning(process)) {
		return;
	}

	signal(process, first);
	if (await waitForExit(process, graceMs)) {
		return;
	}

	signal(process, 'SIGKILL');
	if (!await waitForExit(process, 10_000)) {
		throw new Error(`process ${process.pid} is still running 10 s after SIGKILL`);
	}
}
