import type {FileRequest} from '../engine/host/file-state.js';
import {readFileStates} from '../engine/host/read-files.js';
import {defineModule, type ApplyResult, type HostContext, type Plan} from '../engine/module.js';
import {quoteShell, splitWords, UnclosedQuoteError} from '../engine/shell-words.js';

/*
 * command and shell: run something on the host. Whether it changes anything is only known by
 * running it, so a real run always reports changed (unless creates/removes decide it needs no
 * running) and check mode skips it. shell.ts shares everything here but how the line is built.
 */

/** The parameters command and shell share. */
export const runParams = {
	chdir: {type: 'path', description: 'Directory to run in; relative creates/removes are relative to it too'},
	creates: {type: 'path', description: 'A path (glob allowed): when it exists, the command is not run'},
	removes: {type: 'path', description: 'A path (glob allowed): when it does not exist, the command is not run'},
	stdin: {type: 'str', description: 'Text written to the command\'s standard input'},
	stdin_add_newline: {type: 'bool', default: true, description: 'Add a newline after stdin'},
	strip_empty_ends: {type: 'bool', default: true, description: 'Strip trailing newlines from stdout and stderr'},
} as const;

export interface RunParams {
	readonly chdir?: string | undefined;
	readonly creates?: string | undefined;
	readonly removes?: string | undefined;
	readonly stdin?: string | undefined;
	readonly stdin_add_newline: boolean;
	readonly strip_empty_ends: boolean;
}

/** Whether the creates/removes paths exist; only read when given. */
export interface GuardState {
	readonly createsExists?: boolean;
	readonly removesExists?: boolean;
}

/** A command line's words, as Ansible's command module splits them. */
function commandWords(line: string): string[] {
	try {
		return splitWords(line).map(word => word.text);
	} catch (error) {
		throw error instanceof UnclosedQuoteError ? new Error(`the command has an unclosed ${error.quote} quote: ${line}`, {cause: error}) : error;
	}
}

export interface RunSteps {
	/** The shell line that runs the command, chdir included. */
	readonly line: string;
	/** What the line reads on its stdin instead of the stdin parameter (script: the script itself). */
	readonly input?: Buffer;
	/**
	 * The line is pb's own words (a cd, an exec of quoted words), reading no shell variable: the
	 * shell kept on the host may run it in a subshell, a fork without a new /bin/sh.
	 */
	readonly ownWords?: boolean;
}

/** A path for sh with its glob characters left active and everything else quoted. */
function globWord(path: string): string {
	return path.split(/([*?[\]]+)/).map((part, index) => (index % 2 === 1 ? part : part && quoteShell(part))).join('');
}

function inDirectory(chdir: string | undefined, line: string): string {
	return chdir === undefined ? line : `cd -- ${quoteShell(chdir)} || exit 1\n${line}`;
}

type Guard = readonly ['creates' | 'removes', string];

function guards(params: RunParams): Guard[] {
	return ([['creates', params.creates], ['removes', params.removes]] as const).flatMap(([name, path]) => (path === undefined ? [] : [[name, path] as const]));
}

/**
 * The guards as file reads, when every one is an absolute path without glob characters and there
 * is no chdir: the engine then reads them with other tasks' files, ahead or after the task before.
 */
function guardRequests(params: RunParams): FileRequest[] | undefined {
	const all = guards(params);
	const plain = params.chdir === undefined && all.every(([, path]) => path.startsWith('/') && !/[*?[\]]/.test(path));
	return plain ? all.map(([, path]) => ({path, options: {checksum: false}})) : undefined;
}

/** The reads the engine may make ahead of the task: none when a guard needs the shell (a glob, a chdir). */
export function guardsAhead(params: RunParams): FileRequest[] {
	return guardRequests(params) ?? [];
}

/** Whether each guard's path exists; read only when creates or removes is given. */
export async function readGuards(ctx: HostContext, params: RunParams): Promise<GuardState> {
	const given = guards(params);
	if (given.length === 0) {
		return {};
	}

	const requests = guardRequests(params);
	const found = requests === undefined ? await globGuards(ctx, params, given) : (await readFileStates(ctx, requests)).map(state => state.exists);
	const exists = (name: Guard[0]) => found[given.findIndex(([guard]) => guard === name)];
	return {
		...(params.creates === undefined ? {} : {createsExists: exists('creates')}),
		...(params.removes === undefined ? {} : {removesExists: exists('removes')}),
	};
}

/** Guards the shell must expand (a glob, a relative path under chdir): one round trip of their own. */
async function globGuards(ctx: HostContext, params: RunParams, given: readonly Guard[]): Promise<boolean[]> {
	const script = given.map(([name, path]) => `set -- ${globWord(path)}; if [ -e "$1" ] || [ -L "$1" ]; then echo ${name}; fi`).join('\n');
	// Without chdir the test is pb's own and needs no process of its own on the host (ExecOptions.inline).
	const result = await ctx.run(inDirectory(params.chdir, script), {inline: params.chdir === undefined});
	if (result.code !== 0) {
		throw new Error(`cannot check creates/removes in ${params.chdir ?? 'the home directory'} on ${ctx.host}: ${result.stderr.trim()}`);
	}

	const lines = result.stdout.split('\n');
	return given.map(([name]) => lines.includes(name));
}

/** Skips when creates/removes say so; otherwise the command runs, and check mode cannot tell what it would do. */
export function planRun(state: GuardState, params: RunParams, cmd: string | readonly string[], line: string, ownWords: boolean): Plan<RunSteps> {
	const skip = state.createsExists ? `skipped, since ${params.creates ?? ''} exists` : state.removesExists === false ? `skipped, since ${params.removes ?? ''} does not exist` : undefined;
	const steps = {line: inDirectory(params.chdir, line), ownWords};
	if (skip) {
		return {changed: false, msg: skip, steps, result: {cmd, rc: 0, stdout: skip, stdout_lines: [skip], stderr: '', stderr_lines: []}};
	}

	return {changed: true, msg: '', steps, unpredictable: 'Command would have run if not in check mode', result: {cmd}};
}

/** Python's datetime format, which Ansible's start/end show (command's, pause's). */
export function timestamp(date: Date): string {
	const two = (n: number) => String(n).padStart(2, '0');
	return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())} ${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}.${String(date.getMilliseconds() * 1000).padStart(6, '0')}`;
}

function duration(ms: number): string {
	const seconds = ms / 1000;
	return `${Math.floor(seconds / 3600)}:${String(Math.floor(seconds / 60) % 60).padStart(2, '0')}:${(seconds % 60).toFixed(6).padStart(9, '0')}`;
}

/** Python's splitlines: a last newline ends the last line rather than starting another. */
function lines(text: string): string[] {
	return text === '' ? [] : text.replace(/\r?\n$/, '').split(/\r?\n/);
}

/** Runs the planned line; fails on a non-zero rc with the command and the end of its stderr. */
export async function runPlanned(ctx: HostContext, params: RunParams, plan: Plan<RunSteps>, display: string): Promise<ApplyResult> {
	const start = new Date();
	const stdin = plan.steps.input ?? (params.stdin === undefined ? undefined : params.stdin + (params.stdin_add_newline ? '\n' : ''));
	const output = await ctx.run(plan.steps.line, {stdin, subshell: plan.steps.ownWords});
	const end = new Date();
	const strip = (text: string) => (params.strip_empty_ends ? text.replace(/[\r\n]+$/, '') : text);
	const stdout = strip(output.stdout);
	const stderr = strip(output.stderr);
	const result = {
		...plan.result,
		rc: output.code,
		stdout,
		stderr,
		stdout_lines: lines(stdout),
		stderr_lines: lines(stderr),
		start: timestamp(start),
		end: timestamp(end),
		delta: duration(end.getTime() - start.getTime()),
	};
	if (output.code !== 0) {
		const tail = lines(stderr).slice(-5).join('\n');
		const how = output.code === -1 ? 'was killed by a signal' : `exited with rc ${output.code}`;
		// register gets Ansible's message; the run shows which command and how it ended.
		return {result: {...result, msg: 'non-zero return code'}, failed: `${display} ${how}${tail ? `: ${tail}` : ' (no stderr)'}`};
	}

	return {result, msg: ''};
}

export default defineModule({
	name: 'command',
	summary: 'Run a program on the host, without a shell (no pipes, redirections or $VARS)',
	params: {
		cmd: {type: 'str', description: 'The command line, split into words as a shell would but never expanded'},
		argv: {type: 'list', elements: 'str', description: 'The command as a list of words, instead of cmd'},
		...runParams,
	},
	freeForm: 'cmd',
	example: `- name: Load the overlay module
  command: modprobe overlay

- name: Initialise the cluster once
  command:
    argv: [kubeadm, init, --config, /etc/kubeadm.yaml]
    creates: /etc/kubernetes/admin.conf`,
	rules: {mutually_exclusive: [['cmd', 'argv']], required_one_of: [['cmd', 'argv']]},
	validate(params) {
		try {
			return (params.argv ?? commandWords(params.cmd ?? '')).length === 0 ? 'the command is empty' : undefined;
		} catch (error) {
			return (error as Error).message;
		}
	},
	readsAhead: guardsAhead,
	endsReadAhead: true,
	read: readGuards,
	plan(state, params) {
		const argv = params.argv ?? commandWords(params.cmd ?? '');
		return planRun(state, params, argv, `exec ${argv.map(word => quoteShell(word)).join(' ')}`, true);
	},
	async apply(ctx, params, plan) {
		return runPlanned(ctx, params, plan, `command \`${params.cmd ?? params.argv?.join(' ') ?? ''}\``);
	},
});
