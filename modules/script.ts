import {readFile} from 'node:fs/promises';
import {posix} from 'node:path';
import {findSource} from '../engine/controller-source.js';
import {defineModule, type Plan} from '../engine/module.js';
import {quoteShell, splitWords} from '../engine/shell-words.js';
import {readGuards, runPlanned, type GuardState, type RunSteps} from './command.js';

/*
 * script: a script on the controller, sent to the host and run there with its arguments, in one
 * round trip: it arrives on stdin into a private temp directory that is removed when it ends.
 * creates/removes skip the task as Ansible's script skips it; check mode skips it otherwise.
 */

/** The script's path on the controller, as written, and the rest of the line (its arguments, for the host's shell). */
function scriptLine(cmd: string): {script: string; args: string} {
	const words = splitWords(cmd.trim());
	const second = words[1];
	return {script: words[0]?.text ?? '', args: second === undefined ? '' : cmd.trim().slice(second.offset)};
}

interface ScriptState {
	readonly guards: GuardState;
	readonly content: Buffer;
}

export default defineModule({
	name: 'script',
	summary: 'Send a script from the controller to the host and run it there, with its arguments',
	params: {
		cmd: {type: 'str', required: true, description: 'The script\'s path on the controller (looked up in files/ as copy\'s src), then its arguments, as the free form gives them'},
		chdir: {type: 'path', description: 'Absolute directory on the host to run it in'},
		creates: {type: 'path', description: 'A path on the host: when it exists, the task is skipped'},
		removes: {type: 'path', description: 'A path on the host: when it does not exist, the task is skipped'},
		executable: {type: 'str', description: 'The program that runs the script (e.g. python3); unset: the script runs itself (its #! line)'},
	},
	freeForm: 'cmd',
	example: `- name: Prepare the node
  script: files/prepare-node.sh --runtime containerd
  args:
    creates: /etc/pb/prepared`,
	validate(params) {
		if (params.chdir !== undefined && !params.chdir.startsWith('/')) {
			return `chdir ${params.chdir} must be an absolute path`;
		}

		try {
			return scriptLine(params.cmd).script === '' ? 'cmd names no script' : undefined;
		} catch (error) {
			return (error as Error).message;
		}
	},
	async read(ctx, params): Promise<ScriptState> {
		const {script} = scriptLine(params.cmd);
		const content = await readFile(await findSource(ctx, 'files', script, 'script'));
		const guards = await readGuards(ctx, {chdir: undefined, creates: params.creates, removes: params.removes, stdin_add_newline: false, strip_empty_ends: false});
		return {guards, content};
	},
	plan({guards, content}, params): Plan<RunSteps> {
		const {script, args} = scriptLine(params.cmd);
		const name = quoteShell(posix.basename(script));
		const run = params.executable === undefined ? `"$t"/${name}` : `${params.executable} "$t"/${name}`;
		const line = [
			't=$(mktemp -d "${TMPDIR:-/tmp}/pb-script-XXXXXX") || exit 1',
			'trap \'rm -rf -- "$t"\' EXIT',
			`cat > "$t"/${name} && chmod 700 "$t"/${name} || exit 1`,
			params.chdir === undefined ? '' : `cd -- ${quoteShell(params.chdir)} || exit 1`,
			`${run}${args === '' ? '' : ` ${args}`} </dev/null`,
		].filter(Boolean).join('\n');
		const steps = {line, input: content};
		if (guards.createsExists) {
			return {changed: false, msg: '', steps, skipped: `${params.creates ?? ''} exists, matching creates option`};
		}

		if (guards.removesExists === false) {
			return {changed: false, msg: '', steps, skipped: `${params.removes ?? ''} does not exist, matching removes option`};
		}

		// With creates or removes, Ansible's check mode reports the script as changed, unrun.
		const guarded = params.creates !== undefined || params.removes !== undefined;
		return {changed: true, msg: '', steps, ...(guarded ? {} : {unpredictable: 'Check mode is not supported for this task.'})};
	},
	async apply(ctx, params, plan) {
		return runPlanned(ctx, {stdin_add_newline: false, strip_empty_ends: false}, plan, `script \`${params.cmd}\``);
	},
});
