import {defineModule} from '../engine/module.js';
import {quoteShell} from '../engine/shell-words.js';
import {runPlanned} from './command.js';

/*
 * raw: the command line as is, on the connection, without any wrapper (no python on the host is
 * needed, as for Ansible's bootstrap tasks). Always changed; check mode skips it.
 */

export default defineModule({
	name: 'raw',
	summary: 'Run a command line on the host as is, through its shell, without any module wrapper',
	params: {
		cmd: {type: 'str', required: true, description: 'The command line, given as the free form (raw: apt-get install -y python3)'},
		executable: {type: 'path', description: 'The shell that runs it (with -c); unset: the connection\'s own /bin/sh'},
	},
	freeForm: 'cmd',
	example: `- name: Bootstrap python on a bare host
  raw: test -e /usr/bin/python3 || (apt-get update && apt-get install -y python3-minimal)`,
	async read() {
		return undefined;
	},
	plan(_state: undefined, params) {
		const line = params.executable === undefined ? params.cmd : `exec ${quoteShell(params.executable)} -c ${quoteShell(params.cmd)}`;
		return {changed: true, msg: '', steps: {line}, unpredictable: 'raw commands are not run in check mode'};
	},
	async apply(ctx, params, plan) {
		return runPlanned(ctx, {stdin_add_newline: false, strip_empty_ends: false}, plan, `raw command \`${params.cmd}\``);
	},
});
