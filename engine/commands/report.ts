import {readFileSync} from 'node:fs';
import {PbError} from '../errors.js';
import {mergeSlices, readSliceStream} from '../report/merge.js';
import {reporter} from './output.js';
import {runExitCode} from './run.js';

/* pb report merge: the slices' --json streams as one recap, and the exit code one run over all hosts would have had. */

export function mergeReports(files: readonly string[], flags: {readonly json?: boolean}): number {
	const streams = files.map(file => {
		let text;
		try {
			text = readFileSync(file, 'utf8');
		} catch (error) {
			throw new PbError(`cannot read ${file}: ${(error as Error).message}`, {kind: 'runtime', cause: error});
		}

		return readSliceStream(file, text);
	});
	const {recap, signal} = mergeSlices(streams);
	reporter({json: flags.json, verbose: 0})(recap);
	return runExitCode(recap.hosts, signal);
}
