import {isDeepStrictEqual} from 'node:util';
import {PbError} from '../errors.js';
import type {Recap, RunEvent} from './events.js';

/*
 * `pb report merge`: the --json streams of the slices of one run (pb run --slice K/N), checked to
 * be the slices of one split, each once, every host in one of them, as one recap.
 */

type SliceEvent = Extract<RunEvent, {kind: 'slice'}>;
type RecapEvent = Extract<RunEvent, {kind: 'recap'}>;

export interface SliceStream {
	readonly file: string;
	readonly slice: SliceEvent;
	readonly recap: RecapEvent;
	/** The signal that interrupted the slice's run, if one did. */
	readonly signal: 'SIGINT' | 'SIGTERM' | undefined;
}

export interface MergedRun {
	readonly recap: RecapEvent;
	readonly signal: 'SIGINT' | 'SIGTERM' | undefined;
}

const streamHint = 'Give `pb report merge` the stdout of each `pb run --slice K/N --json`, one file per slice.';

function streamError(message: string, hint = streamHint): PbError {
	return new PbError(message, {kind: 'runtime', hint});
}

function isEvent(value: unknown): value is {kind: unknown} {
	return typeof value === 'object' && value !== null && 'kind' in value;
}

/** One slice's --json stream: its slice event, its recap and whether it was interrupted. */
export function readSliceStream(file: string, text: string): SliceStream {
	let slice: SliceEvent | undefined;
	let recap: RecapEvent | undefined;
	let signal: SliceStream['signal'];
	for (const [index, line] of text.split('\n').entries()) {
		if (line.trim() === '') {
			continue;
		}

		let event: unknown;
		try {
			event = JSON.parse(line);
		} catch (error) {
			const shown = line.length > 60 ? `${line.slice(0, 60)}...` : line;
			throw streamError(`${file}:${index + 1} is not JSON (${(error as Error).message}): ${shown}`, `${streamHint} Its stdout only: pb's errors go to stderr.`);
		}

		if (!isEvent(event)) {
			throw streamError(`${file}:${index + 1} is not one of pb's --json events: ${line}`);
		}

		if (event.kind === 'slice') {
			if (slice) {
				throw streamError(`${file}:${index + 1}: a second slice event: the file holds more than one run`);
			}

			slice = event as SliceEvent;
		} else if (event.kind === 'recap') {
			recap = event as RecapEvent;
		} else if (event.kind === 'interrupted') {
			signal = (event as Extract<RunEvent, {kind: 'interrupted'}>).signal as SliceStream['signal'];
		}
	}

	if (!slice) {
		throw streamError(`${file} names no slice: it is not the --json output of \`pb run --slice K/N\``);
	}

	if (!recap) {
		throw streamError(`${file} ends before its recap: the run of slice ${slice.slice} of ${slice.of} did not finish`, 'Run that slice again, its --json stdout into this file, then merge again.');
	}

	return {file, slice, recap, signal};
}

/** Where `stream`'s split differs from `first`'s, in words. */
function splitDifference(first: SliceStream, stream: SliceStream): string {
	if (stream.slice.of !== first.slice.of) {
		return `${stream.file} is a slice of ${stream.slice.of}, ${first.file} of ${first.slice.of}`;
	}

	const names = new Set([...Object.keys(first.slice.hosts), ...Object.keys(stream.slice.hosts)]);
	const host = [...names].find(name => first.slice.hosts[name] !== stream.slice.hosts[name])!;
	const where = (one: SliceStream) => (one.slice.hosts[host] === undefined ? 'not in the inventory' : `in slice ${one.slice.hosts[host]}`);
	return `host ${host} is ${where(first)} in ${first.file} and ${where(stream)} in ${stream.file}`;
}

/** The slices' recaps as one, its hosts in inventory order; an error if they are not each slice of one split once. */
export function mergeSlices(streams: readonly SliceStream[]): MergedRun {
	const [first] = streams;
	if (!first) {
		throw streamError('no stream to merge');
	}

	const fileOfSlice = new Map<number, string>();
	for (const stream of streams) {
		if (stream.slice.of !== first.slice.of || !isDeepStrictEqual(stream.slice.hosts, first.slice.hosts)) {
			throw streamError(`the files are not slices of one split: ${splitDifference(first, stream)}`, 'Run every slice with the same inventory, --limit and N.');
		}

		const other = fileOfSlice.get(stream.slice.slice);
		if (other !== undefined) {
			throw streamError(`slice ${stream.slice.slice} of ${first.slice.of} is in both ${other} and ${stream.file}`, 'Give each slice\'s stream once.');
		}

		fileOfSlice.set(stream.slice.slice, stream.file);
	}

	const split = first.slice.hosts;
	const ranIn = new Map<string, SliceStream[]>();
	for (const stream of streams) {
		for (const host of Object.keys(stream.recap.hosts)) {
			ranIn.set(host, [...ranIn.get(host) ?? [], stream]);
		}
	}

	const misplaced = [...ranIn].filter(([host, ran]) => ran.length > 1 || ran[0]!.slice.slice !== split[host]);
	if (misplaced.length > 0) {
		const lines = misplaced.map(([host, ran]) => `${host} (${split[host] === undefined ? 'in no slice' : `slice ${split[host]}`}) ran in ${ran.map(stream => `${stream.file} (slice ${stream.slice.slice})`).join(' and ')}`);
		throw streamError(`a host ran outside its own slice:\n  ${lines.join('\n  ')}`, 'Each host runs in its slice only: were the files written by runs of different inventories or versions of pb?');
	}

	const missing = Object.entries(split).filter(([, slice]) => !fileOfSlice.has(slice));
	if (missing.length > 0) {
		const slices = [...new Set(missing.map(([, slice]) => slice))];
		throw streamError(
			`${missing.length} host(s) are in no stream: ${missing.map(([host, slice]) => `${host} (slice ${slice})`).join(', ')}; the stream of slice ${slices.join(', ')} of ${first.slice.of} is missing (merged: ${streams.map(stream => stream.file).join(', ')})`,
			'Add the missing slice\'s file, or run that slice (pb run --slice K/N --json > FILE) and merge again.',
		);
	}

	const hosts: Record<string, Recap> = {};
	for (const host of Object.keys(split)) {
		const ran = ranIn.get(host)?.[0];
		if (ran) {
			hosts[host] = ran.recap.hosts[host]!;
		}
	}

	const durationMs = Math.max(...streams.map(stream => stream.recap.durationMs));
	return {recap: {kind: 'recap', hosts, durationMs}, signal: streams.find(stream => stream.signal !== undefined)?.signal};
}
