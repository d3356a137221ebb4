import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import type {ExecutionContext, TestFn} from 'ava';
import type {RunEvent} from '../../../engine/report/events.js';
import {repoRoot} from '../../helpers/playbook-run.js';
import {serveAptRepository, type ServedAptRepository} from '../../lab/apt-repository.js';
import {ArtifactMirror} from '../../lab/artifact-mirror.js';
import {type LabArtifacts, labArtifacts} from '../../lab/fixtures/artifacts.js';
import {writeLabPlaybookVars} from '../../lab/fixtures/playbook-vars.js';
import type {LabHost, StartLabOptions} from '../../lab/lab.js';
import {labNetwork} from '../../lab/lab-paths.js';
import {useLab} from '../../lab/use-lab.js';
import {labRuns} from '../../helpers/lab-runs.js';
import {unitRun} from './units.js';

/*
 * A bundled playbook on a lab: the hosts, the fixtures' artifacts served by a mirror in this
 * process, the -e @file that points the playbooks at it, and pb's command line run without
 * blocking (so the mirror keeps answering) with its JSON events read back. With `airGapped`, the
 * hosts are an air-gapped site's nodes: their only apt source is the lab's flat repository of
 * Debian's own packages (labAptPackages), and what a minimal image lacks is removed.
 */

type HostEvent = Extract<RunEvent, {kind: 'host-result'}>;

/** One line of a run: what a host was told for a task (and loop item). */
export type TaskResult = Pick<HostEvent, 'host' | 'task' | 'status' | 'msg' | 'diff'> & {readonly item: string | undefined};

export interface PlaybookRun {
	readonly code: number;
	readonly events: RunEvent[];
	/** Every host result, by host (hosts finish a task in any order), tasks in run order. */
	readonly results: TaskResult[];
	/** Changed tasks per host, from the recap. */
	readonly changed: Record<string, number>;
	/** stdout and stderr, for assertion messages. */
	readonly output: string;
}

export interface PlaybookLabOptions extends StartLabOptions {
	/** Variables every run gets after the lab's own (-e key=value words). */
	readonly extraVars?: readonly string[];
	/** Each host's only apt source the lab's repository, and `removedPackages` removed, at the start and after each resetHost. */
	readonly airGapped?: boolean;
}

/** What the base has and a minimal cloud image lacks, which the playbooks must install themselves. */
export const removedPackages = ['make', 'socat', 'conntrack'] as const;

export function usePlaybookLab(test: TestFn, options: PlaybookLabOptions) {
	const lab = useLab(test, options);
	let artifacts: LabArtifacts | undefined;
	let mirror: ArtifactMirror | undefined;
	let scratch = '';
	let varsFile = '';
	let apt: ServedAptRepository | undefined;
	// pb's controller cache of this file's runs only, so the first run really fetches from the mirror.
	const runs = labRuns(lab, () => ({PB_CACHE_DIR: join(scratch, 'cache')}));

	/** The host as an air-gapped node (with `airGapped`): one apt source, its lists, removedPackages gone. */
	async function airGap(host: LabHost): Promise<void> {
		if (!apt) {
			return;
		}

		// The lists read from that source, as a site has them once it points its nodes at its mirror.
		const result = await lab().ssh(host, `rm -rf /etc/apt/sources.list.d/* /var/lib/apt/lists/* && echo '${apt.source}' > /etc/apt/sources.list && apt-get update -q && dpkg -r ${removedPackages.join(' ')}`);
		if (result.exitCode !== 0) {
			throw new Error(`${host.name}: could not make it an air-gapped node: ${result.stderr}`);
		}
	}

	test.before('build the artifacts, serve them on the lab bridge', async t => {
		t.timeout(20 * 60_000, 'the lab artifacts or apt repository were not built in time');
		artifacts = await labArtifacts();
		await lab.ready();
		mirror = await ArtifactMirror.start(artifacts.directory, labNetwork.bridgeAddress);
		scratch = await mkdtemp(join(tmpdir(), 'pb-playbook-lab-'));
		varsFile = await writeLabPlaybookVars(scratch, artifacts, mirror.url);
		if (options.airGapped) {
			apt = await serveAptRepository(undefined, line => t.log(line));
			await Promise.all(lab().hosts.map(airGap));
		}
	});
	test.after.always('stop serving', async () => {
		await mirror?.close();
		await apt?.close();
		if (scratch) {
			await rm(scratch, {recursive: true, force: true});
		}
	});

	/** `pb run playbooks/NAME --json -e @lab-vars ...` against the lab's inventory, or the one given. */
	async function play(playbook: string, flags: readonly string[] = [], inventory = lab().inventoryPath): Promise<PlaybookRun> {
		const extra = (options.extraVars ?? []).flatMap(words => ['-e', words]);
		const result = await runs.pb(['run', join(repoRoot, 'playbooks', playbook), '-i', inventory, '--json', '-e', `@${varsFile}`, ...extra, ...flags]);
		const events = result.stdout.split('\n').filter(Boolean).map(line => JSON.parse(line) as RunEvent);
		const results = events.filter((event): event is HostEvent => event.kind === 'host-result')
			.map(({host, task, item, status, msg, diff}) => ({host, task, item, status, msg, diff}))
			.sort((a, b) => a.host.localeCompare(b.host));
		const recap = events.find(event => event.kind === 'recap');
		const changed = Object.fromEntries(Object.entries(recap?.kind === 'recap' ? recap.hosts : {}).map(([host, counts]) => [host, counts.changed]));
		return {code: result.code, events, results, changed, output: result.stdout + result.stderr};
	}

	/**
	 * `--check --diff`, proven to have changed nothing on any host (their upper dirs), then the real
	 * run with --diff: both must succeed.
	 */
	async function checkThenRun(t: ExecutionContext, playbook: string, flags: readonly string[] = [], inventory?: string): Promise<{check: PlaybookRun; real: PlaybookRun}> {
		const snapshots = await runs.snapshotAll();
		const check = await play(playbook, ['--check', '--diff', ...flags], inventory);
		t.is(check.code, 0, check.output);
		await runs.assertUnchanged(t, snapshots);
		const real = await play(playbook, ['--diff', ...flags], inventory);
		t.is(real.code, 0, real.output);
		return {check, real};
	}

	/** A second run: nothing changed on any host, and `unit` still runs the same process since the same time. */
	async function secondRunChangesNothing(t: ExecutionContext, playbook: string, unit: string): Promise<PlaybookRun> {
		const before = await Promise.all(lab().hosts.map(async host => unitRun(t, runs.sh, host, unit)));
		const second = await play(playbook);
		t.is(second.code, 0, second.output);
		t.deepEqual(second.changed, Object.fromEntries(lab().hosts.map(host => [host.name, 0])));
		t.deepEqual(await Promise.all(lab().hosts.map(async host => unitRun(t, runs.sh, host, unit))), before, `${unit}: same main process, active since the same time`);
		return second;
	}

	function served(): {artifacts: LabArtifacts; mirror: ArtifactMirror} {
		if (!artifacts || !mirror) {
			throw new Error('the artifacts were not built or served (see the failed hook)');
		}

		return {artifacts, mirror};
	}

	/** The host as the lab first started it, and again an air-gapped node when the lab's hosts are. */
	async function resetHost(host: LabHost): Promise<void> {
		await lab().resetHost(host);
		await airGap(host);
	}

	/** The versions of the packages the air-gapped hosts' repository holds. */
	function aptVersions(): Readonly<Record<string, string>> {
		if (!apt) {
			throw new Error('the hosts have no lab apt repository: start the lab with airGapped: true (or see the failed hook)');
		}

		return apt.versions;
	}

	return {lab, play, checkThenRun, secondRunChangesNothing, served, resetHost, aptVersions, ...runs};
}
