import {mkdir, rm, writeFile} from 'node:fs/promises';
import {dirname, join} from 'node:path';
import {ArtifactMirror} from '../test/lab/artifact-mirror.js';
import {withFileLock} from '../test/lab/file-lock.js';
import {labNetwork} from '../test/lab/lab-paths.js';
import type {BenchHosts} from './bench-hosts.js';
import {formatProfile, type ProfileSummary} from './cpu-profile.js';
import {LabHosts} from './lab-hosts.js';
import {startLightLab} from './light/light-lab.js';
import {describeMachine, formatMachine} from './machine.js';
import {type BenchOptions, parseBenchArgs, usage} from './options.js';
import {profilePbRun} from './profile.js';
import {markdownTable, summarize} from './report.js';
import {runScenario} from './run-scenario.js';
import type {Sample} from './samples.js';
import {scaleScenario, scenarios} from './scenarios/all.js';
import type {Scenario} from './scenarios/scenario.js';
import {ansibleVersions, ensureAnsible, writeBenchAnsibleConfig} from './tools/ansible.js';

/*
 * npm run bench: pb against ansible-playbook and the plain-ssh floor on lab hosts, then pb alone on
 * hundreds of light hosts. Prints the table; writes every sample, the machine and the profiles'
 * summaries to --out. A benchmark, not a test: nothing here passes or fails on time.
 */

const workDirectory = '/var/lib/pb-bench/work';
const lockPath = '/run/pb-bench/bench.lock';
const log = (line: string) => console.error(line);

/** Hosts running now, stopped on Ctrl-C too (a crash is cleared by the next start). */
const running = new Set<BenchHosts>();

async function withHosts<T>(start: () => Promise<BenchHosts>, use: (hosts: BenchHosts) => Promise<T>): Promise<T> {
	const hosts = await start();
	running.add(hosts);
	try {
		return await use(hosts);
	} finally {
		running.delete(hosts);
		await hosts.stop();
	}
}

interface Profiled {
	readonly scenario: string;
	readonly hosts: string;
	readonly mode: 'first' | 'rerun';
	readonly path: string;
	readonly summary: ProfileSummary;
}

/** The -e pb alone gets. */
function pbVars(options: BenchOptions): string[] {
	return [`artifact_via=${options.artifactVia}`];
}

async function profileIfAsked(options: BenchOptions, hosts: BenchHosts, scenario: Scenario, directory: string, mirrorUrl: string | undefined, profiles: Profiled[]): Promise<void> {
	const modes = [...(options.profile ? ['rerun' as const] : []), ...(options.profileFirst ? ['first' as const] : [])];
	for (const mode of modes) {
		const {path, summary} = await profilePbRun(hosts, scenario, mode, directory, mirrorUrl, pbVars(options));
		profiles.push({scenario: scenario.id, hosts: `${hosts.hosts.length} ${hosts.kind}`, mode, path, summary});
		log(`pb ${mode === 'first' ? 'first run' : 're-run'} of ${scenario.id} on ${hosts.hosts.length} ${hosts.kind} hosts, profiled (${path}):\n${formatProfile(summary)}`);
	}
}

async function labScenarios(options: BenchOptions, samples: Sample[], profiles: Profiled[], save: () => Promise<void>): Promise<void> {
	const chosen = scenarios.filter(scenario => options.scenarios.includes(scenario.id));
	if (chosen.length === 0) {
		return;
	}

	const ansible = options.withoutAnsible ? undefined : await writeBenchAnsibleConfig(workDirectory, options.hosts);
	// Before the hosts start, so they do not wait: building a scenario's artifacts takes minutes.
	const artifactDirectories = new Map<Scenario, string>();
	for (const scenario of chosen) {
		if (scenario.prepareArtifacts) {
			artifactDirectories.set(scenario, await scenario.prepareArtifacts(log));
		}
	}

	log(`starting ${options.hosts} lab hosts`);
	await withHosts(async () => LabHosts.start(options.hosts, log), async hosts => {
		for (const scenario of chosen) {
			const served = artifactDirectories.get(scenario);
			const mirror = served === undefined ? undefined : await ArtifactMirror.start(served, labNetwork.bridgeAddress);
			try {
				log(`scenario ${scenario.id}: ${scenario.title}, ${options.hosts} lab hosts, ${options.runs} rounds`);
				samples.push(...await runScenario({scenario, hosts, runs: options.runs, ansible, directory: workDirectory, mirrorUrl: mirror?.url, pbVars: pbVars(options), log}));
				await save();
				await profileIfAsked(options, hosts, scenario, workDirectory, mirror?.url, profiles);
				await save();
			} finally {
				await mirror?.close();
			}
		}
	});
}

async function scaleRuns(options: BenchOptions, samples: Sample[], profiles: Profiled[], save: () => Promise<void>): Promise<void> {
	for (const count of options.scale) {
		log(`scale: ${scaleScenario.id} on ${count} light hosts, ${options.scaleRuns} rounds`);
		await withHosts(async () => startLightLab(count), async hosts => {
			samples.push(...await runScenario({scenario: scaleScenario, hosts, runs: options.scaleRuns, ansible: undefined, directory: workDirectory, mirrorUrl: undefined, pbVars: pbVars(options), log}));
			await save();
			await profileIfAsked(options, hosts, scaleScenario, workDirectory, undefined, profiles);
			await save();
		});
	}
}

async function main(): Promise<void> {
	let options: BenchOptions;
	try {
		options = parseBenchArgs(process.argv.slice(2));
	} catch (error) {
		console.error(`${(error as Error).message}\nusage: ${usage}`);
		process.exitCode = 5;
		return;
	}

	if (process.getuid?.() !== 0) {
		throw new Error('the benchmark needs root: it starts lab hosts (network namespaces, systemd-nspawn) and sshds');
	}

	process.once('SIGINT', () => {
		log('interrupted: stopping the hosts');
		void Promise.allSettled([...running].map(async hosts => hosts.stop())).then(() => process.exit(130));
	});
	// Two benchmarks at once would share the work directory and each other's CPUs: the second waits.
	log(`waiting for any other benchmark on this machine to end (${lockPath})`);
	await mkdir(dirname(lockPath), {recursive: true});
	await withFileLock(lockPath, async () => measureAll(options));
}

async function measureAll(options: BenchOptions): Promise<void> {
	const machine = await describeMachine();
	log(`machine: ${formatMachine(machine)}`);
	await rm(workDirectory, {recursive: true, force: true});
	await mkdir(workDirectory, {recursive: true});
	const samples: Sample[] = [];
	const profiles: Profiled[] = [];
	const ansible = options.scenarios.length > 0 && !options.withoutAnsible ? await ensureAnsible(log).then(ansibleVersions) : undefined;
	// Written after every scenario, so an interrupted benchmark keeps what it measured.
	const save = async () => {
		await mkdir(dirname(options.out), {recursive: true});
		await writeFile(options.out, JSON.stringify({machine, machineNow: await describeMachine(), ansible, options, rows: summarize(samples), samples, profiles}, undefined, '\t'));
	};

	await labScenarios(options, samples, profiles, save);
	await scaleRuns(options, samples, profiles, save);
	console.log(markdownTable(summarize(samples)));
	log(`samples, the machine and the profiles: ${options.out}; playbooks and ansible.cfg: ${join(workDirectory)}`);
}

await main();
