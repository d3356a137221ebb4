import {readFile} from 'node:fs/promises';

/** The parts of V8's .cpuprofile (node --cpu-prof) read here. */
interface CpuProfile {
	readonly nodes: ReadonlyArray<{readonly id: number; readonly callFrame: {readonly functionName: string; readonly url: string; readonly lineNumber: number}}>;
	readonly samples: readonly number[];
	readonly timeDeltas: readonly number[];
}

export interface ProfileSummary {
	readonly totalMs: number;
	/** Waiting for the network: what the engine could not do faster by computing less. */
	readonly idleMs: number;
	readonly garbageCollectionMs: number;
	/** Self time by where the code lives: a package of node_modules, a file of pb, or node itself. */
	readonly byPlace: ReadonlyArray<readonly [string, number]>;
	/** The functions with the most self time, as `name place:line`. */
	readonly byFunction: ReadonlyArray<readonly [string, number]>;
}

/** pb's own files by path (engine/run/walk.js), packages by name (ssh2), node's internals as node:. */
function placeOf(url: string, functionName: string): string {
	if (url === '') {
		return functionName.startsWith('(') ? functionName : '(native)';
	}

	const dependency = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
	if (dependency) {
		return dependency[1]!;
	}

	const own = /dist\/((?:engine|modules)\/.*)$/.exec(url);
	if (own) {
		return own[1]!;
	}

	return url.startsWith('node:') ? 'node:' + url.slice(5).split('/')[0]! : url;
}

function top(totals: Map<string, number>, count: number): Array<[string, number]> {
	return [...totals].sort((a, b) => b[1] - a[1]).slice(0, count);
}

export async function summarizeCpuProfile(path: string): Promise<ProfileSummary> {
	const profile = JSON.parse(await readFile(path, 'utf8')) as CpuProfile;
	const nodes = new Map(profile.nodes.map(node => [node.id, node.callFrame]));
	const byPlace = new Map<string, number>();
	const byFunction = new Map<string, number>();
	let totalMs = 0;
	let idleMs = 0;
	let garbageCollectionMs = 0;
	for (const [index, id] of profile.samples.entries()) {
		// Each sample's delta is the time since the one before: charged to the function it caught.
		const ms = (profile.timeDeltas[index] ?? 0) / 1000;
		const frame = nodes.get(id);
		if (!frame) {
			continue;
		}

		totalMs += ms;
		if (frame.functionName === '(idle)') {
			idleMs += ms;
			continue;
		}

		if (frame.functionName === '(garbage collector)') {
			garbageCollectionMs += ms;
		}

		const place = placeOf(frame.url, frame.functionName);
		byPlace.set(place, (byPlace.get(place) ?? 0) + ms);
		const name = `${frame.functionName || '(anonymous)'} ${place}${frame.url ? `:${frame.lineNumber + 1}` : ''}`;
		byFunction.set(name, (byFunction.get(name) ?? 0) + ms);
	}

	return {totalMs, idleMs, garbageCollectionMs, byPlace: top(byPlace, 15), byFunction: top(byFunction, 20)};
}

export function formatProfile(summary: ProfileSummary): string {
	const busy = summary.totalMs - summary.idleMs;
	const share = (ms: number) => `${ms.toFixed(0)} ms (${(ms * 100 / busy).toFixed(1)}% of busy)`;
	return [
		`profiled ${summary.totalMs.toFixed(0)} ms: busy ${busy.toFixed(0)} ms, idle (waiting on the network) ${summary.idleMs.toFixed(0)} ms, of busy GC ${share(summary.garbageCollectionMs)}`,
		'self time by place:',
		...summary.byPlace.map(([place, ms]) => `  ${share(ms).padEnd(28)} ${place}`),
		'self time by function:',
		...summary.byFunction.map(([name, ms]) => `  ${share(ms).padEnd(28)} ${name}`),
	].join('\n');
}
