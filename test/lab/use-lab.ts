import {constants} from 'node:os';
import type {TestFn} from 'ava';
import {type Lab, type StartLabOptions, startLab} from './lab.js';
import {LabUnavailable} from './prerequisites.js';

/** The first start on a machine builds the base (a few minutes on a slow mirror); later starts take seconds. */
const startTimeoutMs = 15 * 60_000;

/**
 * Starts a lab before the file's tests and stops it after them, passed or failed. A lab that
 * cannot start fails the tests with the reason (one line for a missing prerequisite); it never
 * skips them. Returns a getter for the running lab.
 */
export function useLab(test: TestFn, options: StartLabOptions): (() => Lab) & {ready(): Promise<void>} {
	let lab: Lab | undefined;
	// ava runs a file's before hooks at once: one that needs the lab's bridge (a mirror on it) waits
	// for this, as the bridge exists only while some lab runs.
	let started: () => void = () => undefined;
	const ready = new Promise<void>(resolve => {
		started = resolve;
	});
	// ava ends a timed-out test file with SIGTERM, and Ctrl-C sends SIGINT: stop the hosts before going.
	const stopAndExit = (signal: NodeJS.Signals) => {
		void (lab?.stop() ?? Promise.resolve()).finally(() => process.exit(128 + constants.signals[signal]));
	};

	test.before('start the lab', async t => {
		t.timeout(startTimeoutMs, 'the lab did not start in time');
		process.once('SIGTERM', stopAndExit).once('SIGINT', stopAndExit);
		try {
			lab = await startLab(options);
		} catch (error) {
			if (!(error instanceof LabUnavailable)) {
				throw error;
			}

			t.fail(process.env['CI'] ? `the end-to-end tests must run in CI, and the lab cannot start: ${error.message}` : `pb lab: ${error.message}`);
		} finally {
			started();
		}
	});
	test.after.always('stop the lab', async t => {
		t.timeout(2 * 60_000, 'the lab did not stop in time');
		await lab?.stop();
		process.off('SIGTERM', stopAndExit).off('SIGINT', stopAndExit);
	});
	const getLab = () => {
		if (!lab) {
			throw new Error('the lab did not start (see the failed hook)');
		}

		return lab;
	};

	return Object.assign(getLab, {ready: async () => ready});
}
