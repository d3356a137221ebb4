import test from 'ava';
import {markdownTable, summarize} from '../../bench/report.js';
import type {Sample} from '../../bench/samples.js';

const base = {scenario: 'small-tasks', hostKind: 'lab', hosts: 10, tasksPerHost: 50, load: 1} as const;

test('a failed run, the floor\'s too, is counted apart and left out of the times', t => {
	const samples: Sample[] = [
		{...base, tool: 'pb', mode: 'rerun', wallMs: 6000, cpuMs: 1500, peakRssMb: 80},
		{...base, tool: 'pb', mode: 'rerun', wallMs: 1, failed: 'exit code 4'},
		{...base, tool: 'pb', mode: 'rerun', wallMs: 8000, cpuMs: 1700, peakRssMb: 90},
		{...base, tool: 'ansible', mode: 'rerun', wallMs: 2, failed: 'exit code 2'},
		{...base, tool: 'floor', mode: 'check', wallMs: 2000},
		{...base, tool: 'pb', mode: 'first', wallMs: 3, failed: 'exit code 1'},
		{...base, tool: 'floor', mode: 'first', wallMs: 4, failed: 'ssh: Connection reset by peer'},
	];
	const [first, rerun] = summarize(samples);
	t.like(rerun, {mode: 'rerun', pb: {median: 7000, min: 6000, max: 8000, count: 2}, ansible: undefined, floor: {median: 2000}, pbPeakRssMb: 90, failedRuns: 2});
	t.like(first, {mode: 'first', pb: undefined, floor: undefined, pbPeakRssMb: undefined, failedRuns: 2});
	const table = markdownTable([first!, rerun!]).split('\n');
	t.regex(table[0]!, /\| failed runs \|$/);
	t.regex(table[2]!, /^\| small-tasks \| 10 lab \| first \| – \|.* \| 2 \|$/);
	t.regex(table[3]!, /^\| small-tasks \| 10 lab \| rerun \| 7\.00 \(6\.00–8\.00\) \|.* \| 2 \|$/);
});
