import {setTimeout as sleep} from 'node:timers/promises';
import {defineModule} from '../engine/module.js';
import {timestamp} from './command.js';

interface Paused {
	readonly start: string;
	readonly stop: string;
	readonly seconds: number;
}

export default defineModule({
	name: 'pause',
	summary: 'Waits a number of seconds or minutes; a prompt without either goes on at once (pb reads no input)',
	params: {
		seconds: {type: 'int', description: 'How long to wait, in seconds (at least 1)'},
		minutes: {type: 'int', description: 'How long to wait, in minutes'},
		prompt: {type: 'str', description: 'What to say; without seconds or minutes Ansible waits for Enter at a terminal, pb goes on with a warning'},
		echo: {type: 'bool', default: true, description: 'Whether typed input is shown (registered as given)'},
	},
	rules: {mutually_exclusive: [['minutes', 'seconds']]},
	example: '- pause:\n    seconds: 30\n    prompt: letting the new nodes settle',
	controlOnly: true,
	bypassHostLoop: true,
	// Waiting is the point, in check mode too: read does it.
	async read(ctx, params): Promise<Paused> {
		const start = timestamp(new Date());
		const startedAt = Date.now();
		const wanted = params.minutes === undefined ? params.seconds : params.minutes * 60;
		if (wanted === undefined) {
			// As Ansible without an interactive stdin: it does not wait for an answer.
			ctx.warn('Not waiting for response to prompt as stdin is not interactive');
		} else {
			await sleep(Math.max(1, wanted) * 1000);
		}

		return {start, stop: timestamp(new Date()), seconds: (Date.now() - startedAt) / 1000};
	},
	plan(paused, params) {
		const unit = params.minutes === undefined ? 'seconds' : 'minutes';
		const duration = Math.round((unit === 'minutes' ? paused.seconds / 60 : paused.seconds) * 100) / 100;
		// Python prints a whole float with its .0.
		const stdout = `Paused for ${Number.isInteger(duration) ? duration.toFixed(1) : duration} ${unit}`;
		return {
			changed: false,
			msg: stdout,
			steps: undefined,
			result: {rc: 0, stderr: '', stdout, start: paused.start, stop: paused.stop, delta: Math.trunc(paused.seconds), echo: params.echo, user_input: ''},
		};
	},
	async apply() {
		return {};
	},
});
