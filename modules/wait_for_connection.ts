import {setTimeout as sleep} from 'node:timers/promises';
import {defineModule} from '../engine/module.js';
import {elapsedSeconds, untilDeadline} from './until-deadline.js';

export default defineModule({
	name: 'wait_for_connection',
	summary: 'Wait until pb can connect to the host again and run a command on it',
	params: {
		timeout: {type: 'int', default: 600, description: 'Seconds to wait before failing'},
		delay: {type: 'int', default: 0, description: 'Seconds to wait before the first try'},
		sleep: {type: 'int', default: 1, description: 'Seconds between tries'},
		connect_timeout: {type: 'int', default: 5, description: 'Seconds one connection attempt may take'},
	},
	example: `- name: Wait for the new node to answer
  wait_for_connection:
    timeout: 300
    delay: 10`,
	// The host may be down when the task starts: the module connects when it is ready to.
	connectsItself: true,
	async read() {
		return undefined;
	},
	plan(_, p) {
		const what = `wait up to ${p.timeout} s for a connection to the host`;
		// Ansible skips it in check mode; the message says what it would have waited for.
		return {changed: false, msg: what, steps: undefined, unpredictable: `wait_for_connection is skipped in check mode: it would ${what}`};
	},
	alwaysApply: true,
	async apply(ctx, p) {
		const start = Date.now();
		await sleep(p.delay * 1000);
		// Each try connects anew, as Ansible resets its connection before each: an old one may be to a host that went away.
		const outcome = await untilDeadline(start + (p.timeout * 1000), () => p.sleep * 1000, async () => {
			await ctx.reconnect(p.connect_timeout * 1000);
			const answer = await ctx.run('true');
			if (answer.code !== 0) {
				throw new Error(`the host answered, and running true there failed (exit status ${answer.code}): ${answer.stderr.trim()}`);
			}

			return true;
		});
		const elapsed = elapsedSeconds(start);
		return outcome.done
			? {msg: `connected after ${elapsed} s`, result: {elapsed}}
			: {failed: `timed out waiting for ping module test: ${outcome.lastError}`, result: {elapsed}};
	},
});
