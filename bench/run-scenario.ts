import {loadavg} from 'node:os';
import {runCommand} from '../test/lab/run-command.js';
import {sshCommand} from '../test/lab/ssh-keys.js';
import type {BenchHost, BenchHosts} from './bench-hosts.js';
import {machineBusyMs} from './machine.js';
import {measure} from './measure.js';
import type {Mode, Sample, Tool} from './samples.js';
import type {Scenario, ScenarioPlaybooks} from './scenarios/scenario.js';
import {type AnsibleSetup, closeControlMasters} from '../test/helpers/ansible-playbook.js';
import {ansibleCommand, ansibleCounts} from './tools/ansible.js';
import {runFloor} from './tools/floor.js';
import {pbCommand, pbCounts, pbSurroundings, pbTaskTimes} from './tools/pb.js';
import type {RunCounts} from './tools/run-counts.js';

export interface ScenarioRun {
	readonly scenario: Scenario;
	readonly hosts: BenchHosts;
	/** Rounds; each round has a first run of every tool on fresh hosts, and converged runs after each. */
	readonly runs: number;
	/** Absent: pb and the floor only (the scale scenario). */
	readonly ansible: AnsibleSetup | undefined;
	readonly directory: string;
	readonly mirrorUrl: string | undefined;
	/** More -e for pb alone: how its downloads reach the hosts. */
	readonly pbVars: readonly string[];
	readonly log: (line: string) => void;
}

function tail(text: string): string {
	return text.trim().split('\n').slice(-15).join('\n');
}

/**
 * Runs the scenario's rounds. In a round each tool in turn (pb first in odd rounds, ansible-playbook
 * first in even ones, so neither always runs on a machine the other just warmed) gets fresh hosts for
 * a first run; on the hosts the round's first tool converged, every tool re-runs, then checks, and
 * the floor reads the state; last, the floor itself gets fresh hosts. So each round has one sample
 * of every tool in every mode (ansible-playbook's runs are what makes a round long). Every first
 * run must leave the state the very first one left. A run that fails is recorded as failed and the
 * rounds go on; after a failed first run, that round has nothing converged to re-run.
 */
export async function runScenario(run: ScenarioRun): Promise<Sample[]> {
	const {scenario, hosts, ansible, log} = run;
	const playbooks = await scenario.writePlaybooks(run.directory, run.mirrorUrl);
	const tools: Array<'pb' | 'ansible'> = ansible ? ['pb', 'ansible'] : ['pb'];
	const samples: Sample[] = [];
	let reference: string[] | undefined;
	let fresh = true;
	const record = (tool: Tool, mode: Mode, wallMs: number, load: number, extra: Partial<Sample> = {}) => {
		const sample: Sample = {scenario: scenario.id, hostKind: hosts.kind, hosts: hosts.hosts.length, tasksPerHost: scenario.tasksPerHost, tool, mode, wallMs, load, ...extra};
		samples.push(sample);
		const said = sample.failed === undefined ? '' : `, FAILED: ${sample.failed}`;
		log(`  ${tool} ${mode}: ${(wallMs / 1000).toFixed(2)} s${sample.changed === undefined ? '' : `, ${sample.changed} changed`}${sample.peakRssMb === undefined ? '' : `, peak RSS ${sample.peakRssMb.toFixed(0)} MB`}${sample.machineBusyMs === undefined ? '' : `, machine CPU ${(sample.machineBusyMs / 1000).toFixed(2)} s`} (load ${load.toFixed(1)})${said}`);
	};

	const freshHosts = async () => {
		if (!fresh) {
			await hosts.reset();
		}

		fresh = false;
	};

	const sameState = async (who: string) => {
		const states = await fingerprints(hosts, scenario);
		reference ??= states;
		const differing = states.findIndex((state, position) => state !== reference![position]);
		if (differing !== -1) {
			throw new Error(`${who} left ${hosts.hosts[differing]!.name} in another state than the first run of all did: the scenario's versions differ.\n--- the first run\n${reference[differing]}\n--- ${who}\n${states[differing]}`);
		}
	};

	for (let round = 1; round <= run.runs; round++) {
		const order = round % 2 === 1 ? tools : [...tools].reverse();
		for (const converger of order) {
			log(`round ${round}/${run.runs}: fresh hosts, first run by ${converger}`);
			await freshHosts();
			const first = await runTool(converger, 'first', run, playbooks);
			record(converger, 'first', first.wallMs, first.load, first.extra);
			// A failed first run left the hosts half done: nothing to compare, nothing converged to re-run.
			if (first.extra.failed !== undefined) {
				continue;
			}

			await sameState(`${converger}'s first run`);
			if (converger !== order[0]) {
				continue;
			}

			for (const mode of ['rerun', 'check'] as const) {
				for (const tool of order) {
					const converged = await runTool(tool, mode, run, playbooks);
					if ((converged.counts?.changed ?? 0) > 0) {
						log(`  note: ${tool} ${mode} on converged hosts reported ${converged.counts!.changed} changes`);
					}

					record(tool, mode, converged.wallMs, converged.load, converged.extra);
				}
			}

			const floorCheck = await measureFloor(hosts, host => scenario.floorCheck(host));
			record('floor', 'check', floorCheck.wallMs, floorCheck.load, floorCheck.extra);
		}

		log(`round ${round}/${run.runs}: fresh hosts, the floor's first run`);
		await freshHosts();
		const floorFirst = await measureFloor(hosts, host => scenario.floorApply(host, run.mirrorUrl));
		record('floor', 'first', floorFirst.wallMs, floorFirst.load, floorFirst.extra);
		if (floorFirst.extra.failed === undefined) {
			await sameState('the floor script');
		}
	}

	return samples;
}

/**
 * One run of a tool, measured. A run that fails is a sample too (`extra.failed`, without counts):
 * one failure in hours of measuring should not throw the rest away.
 */
async function runTool(tool: 'pb' | 'ansible', mode: Mode, run: ScenarioRun, playbooks: ScenarioPlaybooks): Promise<{wallMs: number; load: number; counts: RunCounts | undefined; extra: Partial<Sample>}> {
	const check = mode === 'check';
	const load = loadavg()[0]!;
	const busyBefore = machineBusyMs();
	const command = tool === 'pb'
		? pbCommand({playbook: playbooks.pb, inventory: run.hosts.inventoryPath, forks: run.hosts.hosts.length, check, extraVars: [...playbooks.extraVars, ...run.pbVars]})
		: ansibleCommand(playbooks.ansible, run.hosts.inventoryPath, check, playbooks.extraVars);
	const result = await measure(command, tool === 'ansible' ? {env: run.ansible!.env, cwd: run.directory} : await pbSurroundings(run.directory));
	const machineBusy = machineBusyMs() - busyBefore;
	if (tool === 'ansible') {
		await closeControlMasters(run.ansible!);
	}

	if (result.exitCode !== 0) {
		const failed = `exit code ${result.exitCode}: ${command.join(' ')}\n${tail(result.stdout)}\n${tail(result.stderr)}`;
		return {wallMs: result.wallMs, load, counts: undefined, extra: {failed}};
	}

	const counts = tool === 'pb' ? pbCounts(result.stdout) : ansibleCounts(result.stdout);
	const extra: Partial<Sample> = {cpuMs: result.cpuMs, peakRssMb: result.peakRssMb, machineBusyMs: machineBusy, changed: counts.changed, ...(tool === 'pb' ? {taskMs: pbTaskTimes(result.stdout)} : {})};
	return {wallMs: result.wallMs, load, counts, extra};
}

/** The floor's run, measured; like a tool's, a run that fails (an ssh connection reset among 1000) is a failed sample. */
async function measureFloor(hosts: BenchHosts, scriptFor: (host: BenchHost) => string): Promise<{wallMs: number; load: number; extra: Partial<Sample>}> {
	const load = loadavg()[0]!;
	const busyBefore = machineBusyMs();
	const startedAt = performance.now();
	try {
		const wallMs = await runFloor(hosts.hosts, hosts.identity, scriptFor);
		return {wallMs, load, extra: {machineBusyMs: machineBusyMs() - busyBefore}};
	} catch (error) {
		return {wallMs: performance.now() - startedAt, load, extra: {failed: (error as Error).message}};
	}
}

async function fingerprints(hosts: BenchHosts, scenario: Scenario): Promise<string[]> {
	return Promise.all(hosts.hosts.map(async host => {
		const result = await runCommand(sshCommand(hosts.identity, host.address, scenario.fingerprint(host), 30));
		if (result.exitCode !== 0) {
			throw new Error(`cannot read the state of ${host.name}: ${result.stderr.trim()}`);
		}

		return result.stdout;
	}));
}
