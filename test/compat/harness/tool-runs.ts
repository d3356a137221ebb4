import {join} from 'node:path';
import type {Recap, RunEvent} from '../../../engine/report/events.js';
import {ansibleRecap, type AnsibleSetup, closeControlMasters} from '../../helpers/ansible-playbook.js';
import {pbAsync} from '../../helpers/playbook-run.js';
import {runCommand} from '../../lab/run-command.js';
import type {CompatCase} from './cases.js';

export type Tool = 'ansible-playbook' | 'pb';

/** What a tool said about one run of a case. */
export interface ToolRun {
	readonly tool: Tool;
	readonly code: number;
	/** Per host; undefined when the tool printed none (the playbook did not load). */
	readonly recap: Readonly<Record<string, Recap>> | undefined;
	/** What the run printed, for messages (pb's JSON events as lines like its human output). */
	readonly output: string;
	readonly wallMs: number;
}

/** The last lines of a run's output: enough to see why it failed. */
export function outputTail(run: ToolRun, lines = 40): string {
	return run.output.trim().split('\n').slice(-lines).join('\n');
}

function parseEvents(stdout: string): RunEvent[] {
	return stdout.split('\n').filter(line => line.startsWith('{')).map(line => JSON.parse(line) as RunEvent);
}

/** pb's JSON events as lines a person reads, close to its human output: one per host result. */
function readableEvents(events: readonly RunEvent[]): string {
	return events.flatMap(event => {
		switch (event.kind) {
			case 'task-start': {
				return [`TASK [${event.name}]`];
			}

			case 'host-result': {
				return [`${event.status}: [${event.host}]${event.item === undefined ? '' : ` (item=${event.item})`}${event.msg ? ` ${event.msg}` : ''}`];
			}

			case 'recap': {
				return Object.entries(event.hosts).map(([host, counts]) => `${host} : ${Object.entries(counts).map(([count, value]) => `${count}=${value}`).join(' ')}`);
			}

			case 'warning': {
				return [`[WARNING]: ${event.msg}`];
			}

			default: {
				return [];
			}
		}
	}).join('\n');
}

/**
 * Runs the case's site.yml with `tool` from the case's folder, with the case's inventory first,
 * `targetInventory` (the connections) after it, and the case's extra vars. Nothing is written into
 * the case's folder: ansible-playbook's temp files and control sockets go to its ansible.cfg's.
 */
export async function runTool(tool: Tool, compatCase: CompatCase, targetInventory: string, ansible: AnsibleSetup): Promise<ToolRun> {
	const options = ['-i', join(compatCase.directory, 'inventory'), '-i', targetInventory, ...compatCase.extraVars.flatMap(words => ['-e', words])];
	const started = Date.now();
	if (tool === 'pb') {
		const result = await pbAsync(['run', 'site.yml', ...options, '--json'], {}, compatCase.directory);
		const events = parseEvents(result.stdout);
		const recap = events.findLast(event => event.kind === 'recap');
		return {tool, code: result.code, recap: recap?.kind === 'recap' ? recap.hosts : undefined, output: `${readableEvents(events)}\n${result.stderr}`, wallMs: Date.now() - started};
	}

	const result = await runCommand(['ansible-playbook', 'site.yml', ...options], {cwd: compatCase.directory, env: ansible.env});
	await closeControlMasters(ansible);
	const recap = /^PLAY RECAP/m.test(result.stdout) ? ansibleRecap(result.stdout) : undefined;
	return {tool, code: result.exitCode, recap, output: result.stdout + result.stderr, wallMs: Date.now() - started};
}

/** Fails with what to install when ansible-playbook is missing, rather than at the first case. */
export async function checkAnsible(): Promise<void> {
	const version = await runCommand(['ansible-playbook', '--version']).catch(() => undefined);
	if (version?.exitCode !== 0) {
		throw new Error('test/compat needs ansible-playbook: `apt-get install ansible-core ansible` (Debian\'s packages, which .ci/run installs)');
	}
}
