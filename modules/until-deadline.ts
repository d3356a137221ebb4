import {setTimeout as sleep} from 'node:timers/promises';

/** What tries came to: the value of the one that succeeded, or, past the deadline, why the last one did not. */
export type Outcome<T> = {readonly done: true; readonly value: T} | {readonly done: false; readonly lastError: string};

/**
 * Calls `attempt` until it returns a value (undefined: not yet) or the deadline passes, pausing
 * `pauseMs(failures)` between tries. A try that throws counts as not yet, its message kept for the
 * timeout's. As in Ansible, no try starts once the deadline has passed.
 */
export async function untilDeadline<T>(deadline: number, pauseMs: (failures: number) => number, attempt: () => Promise<T | undefined>): Promise<Outcome<T>> {
	let lastError = '';
	for (let failures = 0; Date.now() < deadline; failures++) {
		try {
			const value = await attempt();
			if (value !== undefined) {
				return {done: true, value};
			}
		} catch (error) {
			lastError = (error as Error).message;
		}

		await sleep(pauseMs(failures));
	}

	return {done: false, lastError};
}

/** Whole seconds since `start`, as Ansible reports `elapsed`. */
export function elapsedSeconds(start: number): number {
	return Math.floor((Date.now() - start) / 1000);
}
