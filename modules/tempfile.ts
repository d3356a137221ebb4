import {defineModule} from '../engine/module.js';
import {quoteShell} from '../engine/shell-words.js';

/*
 * tempfile: a new file or directory with a random name, made by mktemp as Python's mkstemp and
 * mkdtemp make them (mode 0600 and 0700). Always changed, and, as in Ansible, skipped in check
 * mode: its path is known only once it is made.
 */

export default defineModule({
	name: 'tempfile',
	summary: 'Create a temporary file or directory on the host and register its path',
	params: {
		state: {type: 'str', choices: ['file', 'directory'], default: 'file', description: 'Whether to create a file or a directory'},
		path: {type: 'path', description: 'Directory to create it in; unset: $TMPDIR on the host, else /tmp'},
		prefix: {type: 'str', default: 'ansible.', description: 'Start of its name, before 8 random characters'},
		suffix: {type: 'str', default: '', description: 'End of its name'},
	},
	example: `- name: A scratch directory for the build
  tempfile:
    state: directory
    suffix: build
  register: scratch`,
	validate: params => (params.prefix.includes('/') || params.suffix.includes('/') ? 'prefix and suffix name a file within path: they cannot hold \'/\'' : undefined),
	async read() {
		return undefined;
	},
	plan(_state: undefined, params) {
		return {changed: true, msg: `new temporary ${params.state}`, steps: undefined, unpredictable: 'tempfile makes a new random name on every run, known only once it is made'};
	},
	async apply(ctx, params) {
		const directory = params.path === undefined ? '"${TMPDIR:-/tmp}"' : quoteShell(params.path);
		const made = await ctx.run(`mktemp ${params.state === 'directory' ? '-d ' : ''}-p ${directory} --suffix=${quoteShell(params.suffix)} -- ${quoteShell(`${params.prefix}XXXXXXXX`)}`);
		if (made.code !== 0) {
			return {failed: `cannot create a temporary ${params.state} in ${params.path ?? '$TMPDIR or /tmp'} on ${ctx.host}: ${made.stderr.trim()}`};
		}

		const path = made.stdout.trim();
		return {msg: path, result: {path, state: params.state === 'directory' ? 'directory' : 'file'}};
	},
});
