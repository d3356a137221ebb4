import test from 'ava';
import {runExitCode} from '../../engine/commands/run.js';
import {PbError} from '../../engine/errors.js';
import type {Recap, RunEvent} from '../../engine/report/events.js';
import {mergeSlices, readSliceStream} from '../../engine/report/merge.js';

const split = {h1: 1, h2: 1, h3: 2, h4: 2};
const counts = (more: Partial<Recap> = {}): Recap => ({ok: 2, changed: 1, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0, ...more});

/** A slice's --json stream as pb run writes it: the slice event, some events, the recap. */
function stream(slice: number, recap: Record<string, Recap>, {of = 2, hosts = split as Record<string, number>, durationMs = 100, extra = [] as RunEvent[]} = {}): string {
	const events: RunEvent[] = [
		{kind: 'slice', slice, of, hosts},
		{kind: 'play-start', name: 'all', hosts: Object.keys(recap)},
		...extra,
		{kind: 'recap', hosts: recap, durationMs},
	];
	return `${events.map(event => JSON.stringify(event)).join('\n')}\n`;
}

const merge = (files: Record<string, string>) => mergeSlices(Object.entries(files).map(([file, text]) => readSliceStream(file, text)));

test('two slices make one recap, hosts in inventory order, the longer slice\'s time', t => {
	const merged = merge({
		'b.json': stream(2, {h4: counts(), h3: counts({skipped: 1})}, {durationMs: 300}),
		'a.json': stream(1, {h1: counts(), h2: counts()}),
	});
	t.deepEqual(merged.recap, {kind: 'recap', hosts: {h1: counts(), h2: counts(), h3: counts({skipped: 1}), h4: counts()}, durationMs: 300});
	t.is(runExitCode(merged.recap.hosts, merged.signal), 0);
});

test('a failed host in one slice: exit 2, as one run; an unreachable one: exit 4', t => {
	const failed = merge({'a.json': stream(1, {h1: counts(), h2: counts({failed: 1})}), 'b.json': stream(2, {h3: counts(), h4: counts()})});
	t.is(failed.recap.hosts.h2?.failed, 1);
	t.is(runExitCode(failed.recap.hosts, failed.signal), 2);
	const unreachable = merge({'a.json': stream(1, {h1: counts(), h2: counts({failed: 1})}), 'b.json': stream(2, {h3: counts({unreachable: 1}), h4: counts()})});
	t.is(runExitCode(unreachable.recap.hosts, unreachable.signal), 4);
});

test('an interrupted slice makes the merge exit as the signal did', t => {
	const merged = merge({'a.json': stream(1, {h1: counts()}, {extra: [{kind: 'interrupted', signal: 'SIGTERM', running: []}]}), 'b.json': stream(2, {h3: counts()})});
	t.is(runExitCode(merged.recap.hosts, merged.signal), 143);
});

test('a host that ran in two slices is an error naming it and both files', t => {
	const error = t.throws(() => merge({'a.json': stream(1, {h1: counts(), h2: counts(), h3: counts()}), 'b.json': stream(2, {h3: counts(), h4: counts()})}), {instanceOf: PbError});
	t.regex(error!.message, /h3 \(slice 2\) ran in a\.json \(slice 1\) and b\.json \(slice 2\)/);
	t.notRegex(error!.message, /h1|h4/);
});

test('a host that ran in a slice not its own is an error', t => {
	const error = t.throws(() => merge({'a.json': stream(1, {h1: counts(), h3: counts()}), 'b.json': stream(2, {h4: counts()})}), {instanceOf: PbError});
	t.regex(error!.message, /h3 \(slice 2\) ran in a\.json \(slice 1\)/);
});

test('a missing slice is an error naming its hosts and the files given', t => {
	const error = t.throws(() => merge({'a.json': stream(1, {h1: counts(), h2: counts()})}), {instanceOf: PbError});
	t.regex(error!.message, /2 host\(s\) are in no stream: h3 \(slice 2\), h4 \(slice 2\); the stream of slice 2 of 2 is missing \(merged: a\.json\)/);
});

test('a slice given twice is an error naming both files', t => {
	const error = t.throws(() => merge({'a.json': stream(1, {h1: counts()}), 'c.json': stream(1, {h1: counts()}), 'b.json': stream(2, {h3: counts()})}), {instanceOf: PbError});
	t.regex(error!.message, /slice 1 of 2 is in both a\.json and c\.json/);
});

test('slices of different splits are an error saying where they differ', t => {
	const count = t.throws(() => merge({'a.json': stream(1, {h1: counts()}), 'b.json': stream(2, {h3: counts()}, {of: 3})}), {instanceOf: PbError});
	t.regex(count!.message, /b\.json is a slice of 3, a\.json of 2/);
	const hosts = t.throws(() => merge({'a.json': stream(1, {h1: counts()}), 'b.json': stream(2, {h3: counts()}, {hosts: {...split, h5: 2}})}), {instanceOf: PbError});
	t.regex(hosts!.message, /host h5 is not in the inventory in a\.json and in slice 2 in b\.json/);
});

test('a slice of no host (more slices than hosts) merges as nothing ran there', t => {
	const hosts = {h1: 2, h2: 3};
	const merged = merge({'1.json': stream(1, {}, {of: 3, hosts}), '2.json': stream(2, {h1: counts()}, {of: 3, hosts}), '3.json': stream(3, {h2: counts()}, {of: 3, hosts})});
	t.deepEqual(Object.keys(merged.recap.hosts), ['h1', 'h2']);
});

test('a line that is not JSON is named by file and line; a stream without a slice or a recap says what it lacks', t => {
	const bad = t.throws(() => readSliceStream('a.json', `${stream(1, {h1: counts()})}PLAY RECAP ***\n`), {instanceOf: PbError});
	t.regex(bad!.message, /^a\.json:4 is not JSON .*: PLAY RECAP \*\*\*$/);
	const unsliced = t.throws(() => readSliceStream('a.json', `${JSON.stringify({kind: 'recap', hosts: {}, durationMs: 1})}\n`), {instanceOf: PbError});
	t.regex(unsliced!.message, /a\.json names no slice: it is not the --json output of `pb run --slice K\/N`/);
	const cut = t.throws(() => readSliceStream('a.json', stream(1, {}).split('\n').slice(0, 2).join('\n')), {instanceOf: PbError});
	t.regex(cut!.message, /a\.json ends before its recap: the run of slice 1 of 2 did not finish/);
});
