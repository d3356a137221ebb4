import {isDeepStrictEqual} from 'node:util';
import type {TaskResult} from './playbook-lab.js';

/*
 * How the playbook tests hold --check to the real run that follows it on the same fresh hosts.
 *
 * Every (host, task, loop item) the real run reports, check mode reports too, in the same order,
 * with the same status, message and diff. One kind of task cannot be predicted: a command (make
 * install, kk create cluster) whose effect only running it tells. Check mode reports it skipped,
 * saying 'Command would have run if not in check mode'; that counts as listing the change, and the
 * tests name every such task (unpredictableTasks), so a new one is a decision, not an accident.
 * A test may name tasks check mode can predict only in part, each with the reason (a file a package
 * or a command installs before the task rewrites it): then only their status, or their status and
 * message, must match.
 */

export const commandNotPredicted = 'Command would have run if not in check mode';

const keyOf = (result: TaskResult) => `${result.host} | ${result.task}${result.item === undefined ? '' : ` | ${result.item}`}`;

/** The tasks check mode skipped as commands it cannot predict, without repeats. */
export function unpredictableTasks(check: readonly TaskResult[]): string[] {
	return [...new Set(check.filter(result => result.status === 'skipped' && result.msg === commandNotPredicted).map(result => result.task))];
}

/** Where the check run did not report what the real run then did; empty when it did. */
export type PartlyPredicted = Readonly<Record<string, 'status' | 'status and message'>>;

export function mispredictions(check: readonly TaskResult[], real: readonly TaskResult[], partly: PartlyPredicted = {}): string[] {
	const checkKeys = check.map(keyOf);
	const realKeys = real.map(keyOf);
	if (!isDeepStrictEqual(checkKeys, realKeys)) {
		return [`check reported\n  ${checkKeys.join('\n  ')}\nthe real run\n  ${realKeys.join('\n  ')}`];
	}

	return real.flatMap((done, index) => {
		const predicted = check[index]!;
		if (predicted.status === 'skipped' && predicted.msg === commandNotPredicted) {
			return done.status === 'failed' ? [`${keyOf(done)}: failed in the real run: ${done.msg}`] : [];
		}

		const compared = (result: TaskResult) => {
			const part = partly[result.task];
			return part === 'status' ? [result.status] : part === 'status and message' ? [result.status, result.msg] : [result.status, result.msg, result.diff];
		};
		return isDeepStrictEqual(compared(predicted), compared(done))
			? []
			: [`${keyOf(done)}:\n  check: ${JSON.stringify(compared(predicted))}\n  real:  ${JSON.stringify(compared(done))}`];
	});
}

/** The tasks a run changed on a host, in order (loop items once). */
export function changedTasks(run: readonly TaskResult[], host: string): string[] {
	return [...new Set(run.filter(result => result.host === host && result.status === 'changed').map(result => result.task))];
}
