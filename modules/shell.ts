import {defineModule} from '../engine/module.js';
import {quoteShell} from '../engine/shell-words.js';
import {guardsAhead, planRun, readGuards, runParams, runPlanned} from './command.js';

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
	readsAhead: guardsAhead,
	endsReadAhead: true,
	read: readGuards,
	plan(state, params) {
		// A script for /bin/sh goes to the kept shell's own `/bin/sh -c` as it is (a second would only cost a
		// process); another shell is started by an exec of pb's own words, which a subshell may run.
		const own = params.executable !== '/bin/sh';
		return planRun(state, params, params.cmd, own ? `exec ${quoteShell(params.executable)} -c ${quoteShell(params.cmd)}` : params.cmd, own);
	},
	async apply(ctx, params, plan) {
		return runPlanned(ctx, params, plan, `shell command \`${params.cmd}\``);
	},
});
