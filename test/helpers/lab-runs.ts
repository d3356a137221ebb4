import {join} from 'node:path';
import type {ExecutionContext, TestFn} from 'ava';
import type {RunEvent} from '../../engine/report/events.js';
import {pbAsync, workspace} from './playbook-run.js';
import type {Lab, LabHost} from '../lab/lab.js';
import {diffSnapshots, type UpperSnapshot} from '../lab/upper-snapshot.js';

/*
 * What the module lab tests do with pb and the hosts: run pb's command line (without blocking,
 * so a mirror served by the test process keeps answering), read its JSON events, run a command on
 * a host, and prove from the upper dirs that --check changed nothing.
 */

type HostResult = Extract<RunEvent, {kind: 'host-result'}>;

export interface PbOutput {
	readonly code: number;
	readonly stdout: string;
	readonly stderr: string;
}

export interface JsonRun {
	readonly code: number;
	readonly events: RunEvent[];
	/** What each host was told per task, sorted by host (tasks in run order). */
	readonly reported: Array<Pick<HostResult, 'host' | 'task' | 'status' | 'msg' | 'diff'>>;
	/** Changed tasks per host, from the recap. */
	readonly changed: Record<string, number>;
	/** stdout and stderr, for assertion messages. */
	readonly output: string;
}

export type HostSnapshots = Array<{host: LabHost; quiet: string[]; before: UpperSnapshot}>;

/** `env()`: variables for pb, read at each run (a test may set them up in a before hook). */
export function labRuns(lab: () => Lab, env: () => Readonly<Record<string, string>> = () => ({})) {
	const pb = async (args: readonly string[]): Promise<PbOutput> => pbAsync(args, env());
	const logins = async (t: ExecutionContext, host: LabHost): Promise<number> => {
		const result = await lab().ssh(host, 'journalctl -u ssh --no-pager | grep -c "Accepted publickey"');
		t.is(result.exitCode, 0, result.stderr);
		return Number(result.stdout);
	};

	const runJson = async (playbook: string, ...flags: string[]): Promise<JsonRun> => {
		const result = await pb(['run', playbook, '-i', lab().inventoryPath, '--json', ...flags]);
		const events = result.stdout.split('\n').filter(Boolean).map(line => JSON.parse(line) as RunEvent);
		const reported = events.filter((event): event is HostResult => event.kind === 'host-result')
			.map(({host, task, status, msg, diff}) => ({host, task, status, msg, diff}))
			.sort((a, b) => a.host.localeCompare(b.host));
		const recap = events.find(event => event.kind === 'recap');
		const changed = Object.fromEntries(Object.entries(recap?.kind === 'recap' ? recap.hosts : {}).map(([host, counts]) => [host, counts.changed]));
		return {code: result.code, events, reported, changed, output: result.stdout + result.stderr};
	};

	const snapshotAll = async (): Promise<HostSnapshots> => Promise.all(lab().hosts.map(async host => ({host, quiet: await lab().controlLoginChanges(host), before: await lab().snapshotUpper(host)})));
	const assertUnchanged = async (t: ExecutionContext, snapshots: HostSnapshots): Promise<void> => {
		for (const {host, quiet, before} of snapshots) {
			t.deepEqual(diffSnapshots(before, await lab().snapshotUpper(host), quiet), {added: [], removed: [], changed: []}, `${host.name}: --check changed nothing`);
		}
	};

	return {
		/** `pb ARGS` as a user runs it, with the lab's inventory added by the caller. */
		pb,
		runJson,
		async sh(t: ExecutionContext, host: LabHost, command: string): Promise<string> {
			const result = await lab().ssh(host, command);
			t.is(result.exitCode, 0, `${host.name}: ${command}: ${result.stderr}`);
			return result.stdout;
		},
		/** Every host's upper dir, and what a control login changes there on its own. */
		snapshotAll,
		assertUnchanged,
		/** `--check --diff` on every host, proven to change nothing there, then the real run, which must report the same. */
		async checkThenRunJson(t: ExecutionContext, playbook: string): Promise<{check: JsonRun; real: JsonRun}> {
			const snapshots = await snapshotAll();
			const check = await runJson(playbook, '--check', '--diff');
			t.is(check.code, 0, check.output);
			await assertUnchanged(t, snapshots);
			const real = await runJson(playbook, '--diff');
			t.is(real.code, 0, real.output);
			t.deepEqual(real.reported, check.reported, 'check mode reported what the real run did');
			return {check, real};
		},
		/** `--check --diff` of `playbook` on `host` alone, proven to change nothing on any host: its output. */
		async checkDiffOn(t: ExecutionContext, playbook: string, host: LabHost): Promise<string> {
			const snapshots = await snapshotAll();
			const result = await pb(['run', playbook, '-i', lab().inventoryPath, '--check', '--diff', '--limit', host.name]);
			t.is(result.code, 0, result.stdout + result.stderr);
			await assertUnchanged(t, snapshots);
			return result.stdout;
		},
		/** How many SSH logins the host has accepted since it booted. */
		logins,
		/**
		 * A play of `tasks` (YAML lines, indented as a play's tasks are) is rejected with exit code 4,
		 * naming `line` of the playbook and saying `message`, and no host was logged in to.
		 */
		async rejectsBeforeAnyHost(t: ExecutionContext, tasks: string, line: number, message: string): Promise<void> {
			const dir = workspace({'bad.yml': `- hosts: lab\n  gather_facts: false\n  tasks:\n${tasks}`});
			const before = await Promise.all(lab().hosts.map(async host => logins(t, host)));
			const result = await pb(['run', join(dir, 'bad.yml'), '-i', lab().inventoryPath]);
			t.is(result.code, 4);
			const output = result.stdout + result.stderr;
			t.true(output.includes(`bad.yml:${line}:`), output);
			t.true(output.includes(message), output);
			// Each count is one login more: the one that counts.
			t.deepEqual(await Promise.all(lab().hosts.map(async host => logins(t, host))), before.map(count => count + 1));
		},
	};
}

/**
 * One test per [module, task, message]: the task, after a good one, is rejected with its
 * file:line:col and the message, and no host is contacted (each host's login count grows only by
 * the login that counts them).
 */
export function rejectedBeforeContact(test: TestFn, lab: () => Lab, cases: ReadonlyArray<readonly [string, string, string]>): void {
	const {rejectsBeforeAnyHost} = labRuns(lab);
	for (const [module, task, message] of cases) {
		test.serial(`${module}: a bad parameter is rejected with file:line:col before any host is contacted`, async t => {
			await rejectsBeforeAnyHost(t, `    - name: first\n      file: {path: /tmp, state: directory}\n    - ${task}\n`, 6, message);
		});
	}
}
