import {mkdir} from 'node:fs/promises';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import type {RunEvent} from '../../engine/report/events.js';
import {type RunCounts, sumCounts} from './run-counts.js';

/** The bundled pb command line (bench/ compiles into dist/, beside it). */
export const pbCli = fileURLToPath(new URL('../../pb.js', import.meta.url));

export interface PbRun {
	readonly playbook: string;
	readonly inventory: string;
	readonly forks: number;
	readonly check: boolean;
	readonly extraVars: readonly string[];
	/** Flags for node itself, such as --cpu-prof. */
	readonly nodeFlags?: readonly string[];
}

/** `pb run` as an operator types it, with --json so the recap can be checked. */
export function pbCommand(run: PbRun): string[] {
	return [
		process.execPath, ...run.nodeFlags ?? [], pbCli, 'run', run.playbook, '-i', run.inventory, '--json', '--forks', String(run.forks),
		...run.extraVars.flatMap(words => ['-e', words]),
		...(run.check ? ['--check'] : []),
	];
}

/**
 * Where pb runs: no colours, and a controller cache of the benchmark's own, in its work directory
 * (emptied at every start), so the first download really fetches from the mirror. Its current
 * directory is its own: pb reads ./ansible.cfg as Ansible does, and the one written for
 * ansible-playbook (gathering = explicit) would leave pb's playbook without facts.
 */
export async function pbSurroundings(directory: string): Promise<{env: NodeJS.ProcessEnv; cwd: string}> {
	const cwd = join(directory, 'pb');
	await mkdir(cwd, {recursive: true});
	return {env: {...process.env, FORCE_COLOR: '0', PB_CACHE_DIR: join(directory, 'pb-cache')}, cwd};
}

function pbEvents(stdout: string): RunEvent[] {
	return stdout.trim().split('\n').map(line => JSON.parse(line) as RunEvent);
}

export function pbCounts(stdout: string): RunCounts {
	const recap = pbEvents(stdout).findLast((event): event is Extract<RunEvent, {kind: 'recap'}> => event.kind === 'recap');
	if (!recap) {
		throw new Error(`pb printed no recap; its output ended with:\n${stdout.slice(-2000)}`);
	}

	return sumCounts(Object.values(recap.hosts));
}

/** Each task's wall time, from its task-end event. */
export function pbTaskTimes(stdout: string): Array<{name: string; ms: number}> {
	return pbEvents(stdout).flatMap(event => (event.kind === 'task-end' ? [{name: event.name, ms: Math.round(event.durationMs)}] : []));
}
