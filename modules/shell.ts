import {defineModule} from '../engine/module.js';
import {quoteShell} from '../engine/shell-words.js';
import {planRun, readGuards, runParams, runPlanned} from './command.js';

export default defineModule({
	name: 'shell',
	summary: 'Run a command line on the host through a shell (pipes, redirections, $VARS)',
	params: {
		cmd: {type: 'str', required: true, description: 'The command line, run by the shell'},
		executable: {type: 'path', default: '/bin/sh', description: 'The shell that runs cmd (with -c)'},
		...runParams,
	},
	freeForm: 'cmd',
	example: `- name: Count the pods' images
  shell: crictl images -q | wc -l
  register: images`,
	read: readGuards,
	plan(state, params) {
		// Every command already runs in a /bin/sh -c of its own: a second one would only cost the host a process.
		const own = params.executable !== '/bin/sh';
		return planRun(state, params, params.cmd, own ? `exec ${quoteShell(params.executable)} -c ${quoteShell(params.cmd)}` : params.cmd, own);
	},
	async apply(ctx, params, plan) {
		return runPlanned(ctx, params, plan, `shell command \`${params.cmd}\``);
	},
});
