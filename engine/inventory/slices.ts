import {PbError} from '../errors.js';

/*
 * --slice K/N: the hosts of a run (the inventory after --limit, in inventory order) split into N
 * contiguous blocks as even as possible, so that N controllers, each given its K, share them.
 * Slice K (1-based) holds the hosts of 0-based index i with floor((K-1)*H/N) <= i < floor(K*H/N).
 */

export interface Slice {
	/** 1-based: slice `index` of `count`. */
	readonly index: number;
	readonly count: number;
}

/** `K/N`, both whole numbers, 1 <= K <= N. */
export function parseSlice(text: string): Slice {
	const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
	const index = Number(match?.[1]);
	const count = Number(match?.[2]);
	if (!match || count < 1 || index < 1 || index > count) {
		throw new PbError(`--slice ${JSON.stringify(text)}: expected K/N, whole numbers with 1 <= K <= N (slice K of N), e.g. --slice 2/4`, {
			kind: 'options',
			hint: 'A Kubernetes Indexed Job gives its pods a 0-based JOB_COMPLETION_INDEX: pass --slice $((JOB_COMPLETION_INDEX + 1))/N.',
		});
	}

	return {index, count};
}

/** Each host's slice number (1 to `count`), in the hosts' order. */
export function splitHosts(hosts: readonly string[], count: number): Map<string, number> {
	const slices = new Map<string, number>();
	for (let slice = 1; slice <= count; slice++) {
		const first = Math.floor((slice - 1) * hosts.length / count);
		const end = Math.floor(slice * hosts.length / count);
		for (const host of hosts.slice(first, end)) {
			slices.set(host, slice);
		}
	}

	return slices;
}

/** The hosts of a play that are in the run's slice; all of them when the run is not sliced. */
export function inSlice(hosts: readonly string[], slice: ReadonlySet<string> | undefined): readonly string[] {
	return slice === undefined ? hosts : hosts.filter(host => slice.has(host));
}
