import type {EventSink} from '../report/events.js';
import {humanReporter} from '../report/human.js';
import {jsonReporter} from '../report/json.js';

/*
 * stdout through a pipe or into a file gets one write per turn of the event loop: a run over
 * hundreds of hosts prints a line per host and task, and each write there is a system call. A
 * terminal gets each line at once, in step with the progress bars. stderr lines wait for what
 * stdout has pending, so the two keep their order.
 */
const pending: string[] = [];
function flushOut(): void {
	if (pending.length > 0) {
		process.stdout.write(`${pending.join('\n')}\n`);
		pending.length = 0;
	}
}

process.on('exit', flushOut);

export const out = (text: string) => {
	if (process.stdout.isTTY) {
		process.stdout.write(`${text}\n`);
	} else if (pending.push(text) === 1) {
		setImmediate(flushOut);
	}
};

export const err = (text: string) => {
	flushOut();
	process.stderr.write(`${text}\n`);
};

/** --json's events, or the text ansible-playbook users read. */
export function reporter(flags: {readonly json?: boolean | undefined; readonly verbose: number}): EventSink {
	return flags.json ? jsonReporter(out) : humanReporter({verbosity: flags.verbose, tty: process.stdout.isTTY === true, write: out, warn: err});
}
