import {mkdtempSync, writeFileSync, mkdirSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {spawn, spawnSync} from 'node:child_process';
import {fileURLToPath} from 'node:url';
import {loadInventory} from '../../engine/inventory/inventory.js';
import {loadPlaybook} from '../../engine/playbook/parse-play.js';
import {validatePlaybook} from '../../engine/playbook/validate.js';
import type {RunEvent} from '../../engine/report/events.js';
import {runPlaybooks, type RunSettings} from '../../engine/run/run-playbook.js';
import {modules} from '../../modules/index.js';

/** The repository's root (tests run from dist/test/...). */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** The command line users run: the bundle `npm run build` writes. */
export const pbCli = join(repoRoot, 'dist/pb.js');

/** A fresh temporary folder holding the given files (path -> text). */
export function workspace(files: Readonly<Record<string, string>>): string {
	const dir = mkdtempSync(join(tmpdir(), 'pb-test-'));
	for (const [path, text] of Object.entries(files)) {
		mkdirSync(dirname(join(dir, path)), {recursive: true});
		writeFileSync(join(dir, path), text);
	}

	return dir;
}

/** An inventory of local hosts (no SSH), each named as given. */
export function localInventory(...hosts: string[]): string {
	return `${hosts.map(host => `${host} ansible_connection=local`).join('\n')}\n`;
}

/** A play on all hosts without gathering facts: `head` adds play keywords (two-space indented lines), `body` the tasks (four spaces). */
export function factlessPlay(body: string, head = ''): string {
	return `
- hosts: all
  gather_facts: false
${head}  tasks:
${body}`;
}

export interface PlaybookRun {
	readonly events: RunEvent[];
	readonly recap: Record<string, {ok: number; changed: number; unreachable: number; failed: number; skipped: number; rescued: number; ignored: number}>;
	/** host-result events, in order. */
	readonly results: Array<Extract<RunEvent, {kind: 'host-result'}>>;
	/** debug messages per host, in order. */
	readonly printed: Array<{host: string; msg: string}>;
}

/** Loads, validates and runs a playbook in this process, collecting its events. `rolesPath`: instead of ansible.cfg's. */
export async function runPlaybook(dir: string, {rolesPath, ...options}: Partial<RunSettings> & {playbook?: string; inventory?: string; rolesPath?: string[]} = {}): Promise<PlaybookRun> {
	const playbookFile = join(dir, options.playbook ?? 'play.yml');
	const inventory = await loadInventory([join(dir, options.inventory ?? 'hosts')], [dirname(playbookFile)]);
	const extraVars = options.extraVars ?? {};
	const playbook = loadPlaybook(playbookFile, modules, rolesPath);
	validatePlaybook(playbook, inventory, extraVars);
	const events: RunEvent[] = [];
	const {recap} = await runPlaybooks([playbook], inventory, {
		check: false, diff: false, forks: 50, tags: [], skipTags: [], verbosity: 0, registry: modules,
		limit: undefined, acceptNewHostKeys: false, connectTimeoutMs: 5000, offline: false, ...options, connectionDefaults: options.connectionDefaults ?? {}, gathering: options.gathering ?? 'implicit', startAtTask: options.startAtTask, extraVars,
	}, event => events.push(event));
	const results = events.filter((event): event is Extract<RunEvent, {kind: 'host-result'}> => event.kind === 'host-result');
	const printed = events.flatMap(event => (event.kind === 'debug' ? [{host: event.host, msg: event.msg}] : []));
	return {events, recap: recap as PlaybookRun['recap'], results, printed};
}

/**
 * Runs the pb command line without blocking this process (a server the test runs keeps
 * answering meanwhile); returns its exit code and output.
 */
export async function pbAsync(args: readonly string[], env: Readonly<Record<string, string>> = {}, cwd = repoRoot): Promise<{code: number; stdout: string; stderr: string}> {
	const child = spawn(process.execPath, [pbCli, ...args], {cwd, env: {...process.env, FORCE_COLOR: '0', ...env}});
	// No input, as in CI: a run that would read stdin gets its end at once rather than waiting.
	child.stdin.end();
	const stdout: Buffer[] = [];
	const stderr: Buffer[] = [];
	child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
	child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
	const code = await new Promise<number>(resolve => child.on('close', status => resolve(status ?? -1)));
	return {code, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8')};
}

/** Runs the pb command line as a user would; returns its exit code and output. */
export function pb(args: readonly string[], cwd = repoRoot, env: Readonly<Record<string, string>> = {}): {code: number; stdout: string; stderr: string} {
	const result = spawnSync(process.execPath, [pbCli, ...args], {cwd, encoding: 'utf8', env: {...process.env, FORCE_COLOR: '0', ...env}});
	return {code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr};
}
