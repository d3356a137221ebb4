import type {Mode, Sample, Tool} from './samples.js';
import {type Spread, spread} from './stats.js';

/** One line of the table: a scenario on a number of hosts, in one mode. */
export interface SummaryRow {
	readonly scenario: string;
	readonly hostKind: 'lab' | 'light';
	readonly hosts: number;
	readonly tasksPerHost: number;
	readonly mode: Mode;
	readonly pb: Spread | undefined;
	readonly ansible: Spread | undefined;
	/** The floor of a first run applies; of a re-run or --check it reads. */
	readonly floor: Spread | undefined;
	readonly pbPeakRssMb: number | undefined;
	readonly pbCpuMs: Spread | undefined;
	readonly load: Spread | undefined;
	/** Runs of this line (any tool, and the floor it is compared with) that failed, left out of its times. */
	readonly failedRuns: number;
}

const modes: readonly Mode[] = ['first', 'rerun', 'check'];

export function summarize(samples: readonly Sample[]): SummaryRow[] {
	const groups = new Map<string, Sample[]>();
	for (const sample of samples) {
		const key = JSON.stringify([sample.scenario, sample.hostKind, sample.hosts]);
		groups.set(key, [...groups.get(key) ?? [], sample]);
	}

	return [...groups.values()].flatMap(group => modes.flatMap(mode => {
		const floorMode: Mode = mode === 'first' ? 'first' : 'check';
		const all = (tool: Tool, wanted: Mode) => group.filter(sample => sample.tool === tool && sample.mode === wanted);
		const of = (tool: Tool, wanted: Mode) => all(tool, wanted).filter(sample => sample.failed === undefined);
		const pb = of('pb', mode);
		const failedRuns = [...all('pb', mode), ...all('ansible', mode), ...all('floor', floorMode)].filter(sample => sample.failed !== undefined).length;
		if (pb.length === 0 && failedRuns === 0) {
			return [];
		}

		const [sample] = group;
		return [{
			scenario: sample!.scenario,
			hostKind: sample!.hostKind,
			hosts: sample!.hosts,
			tasksPerHost: sample!.tasksPerHost,
			mode,
			pb: spread(pb.map(run => run.wallMs)),
			ansible: spread(of('ansible', mode).map(run => run.wallMs)),
			floor: spread(of('floor', floorMode).map(run => run.wallMs)),
			pbPeakRssMb: pb.length === 0 ? undefined : Math.max(...pb.map(run => run.peakRssMb ?? 0)),
			pbCpuMs: spread(pb.map(run => run.cpuMs ?? 0)),
			load: spread(group.map(run => run.load)),
			failedRuns,
		}];
	}));
}

const seconds = (ms: number) => (ms / 1000).toFixed(2);
const timeCell = (value: Spread | undefined) => (value ? `${seconds(value.median)} (${seconds(value.min)}–${seconds(value.max)})` : '–');
const ratio = (a: Spread | undefined, b: Spread | undefined) => (a && b ? `${(a.median / b.median).toFixed(1)}×` : '–');

/** pb's time beyond the floor's, per host and task: what the engine adds to each unit of work. */
export function overheadPerHostTaskMs(row: SummaryRow): number | undefined {
	return row.pb && row.floor ? (row.pb.median - row.floor.median) / (row.tasksPerHost * row.hosts) : undefined;
}

export function markdownTable(rows: readonly SummaryRow[]): string {
	const lines = [
		'| scenario | hosts | run | pb s, median (min–max) | ansible-playbook s | ansible/pb | floor s | pb/floor | pb overhead per host-task | pb CPU per host-task | pb peak RSS | load (1 min) | failed runs |',
		'|---|---|---|---|---|---|---|---|---|---|---|---|---|',
	];
	for (const row of rows) {
		const overhead = overheadPerHostTaskMs(row);
		const cpu = row.pbCpuMs ? row.pbCpuMs.median / (row.tasksPerHost * row.hosts) : undefined;
		lines.push(`| ${row.scenario} | ${row.hosts} ${row.hostKind} | ${row.mode} | ${timeCell(row.pb)} | ${timeCell(row.ansible)} | ${ratio(row.ansible, row.pb)} | ${timeCell(row.floor)} | ${ratio(row.pb, row.floor)} | ${overhead === undefined ? '–' : `${overhead.toFixed(2)} ms`} | ${cpu === undefined ? '–' : `${cpu.toFixed(2)} ms`} | ${row.pbPeakRssMb === undefined ? '–' : `${row.pbPeakRssMb.toFixed(0)} MB`} | ${row.load ? `${row.load.min.toFixed(1)}–${row.load.max.toFixed(1)}` : '–'} | ${row.failedRuns} |`);
	}

	return lines.join('\n');
}
