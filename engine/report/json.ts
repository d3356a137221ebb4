import type {EventSink} from './events.js';

/** --json: one event per line, for CI and other tools. no_log results are hidden before they get here. */
export function jsonReporter(write: (line: string) => void): EventSink {
	return event => {
		write(JSON.stringify(event));
	};
}
