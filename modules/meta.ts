import {defineModule} from '../engine/module.js';

export default defineModule({
	name: 'meta',
	summary: 'Acts on the run itself: flush_handlers runs notified handlers now; end_host, end_play',
	params: {
		action: {type: 'str', required: true, choices: ['flush_handlers', 'end_host', 'end_play', 'noop'], description: 'What to do'},
	},
	freeForm: 'action',
	example: '- meta: flush_handlers',
	controlOnly: true,
	lockstep: true,
	outOfRecap: true,
	async read() {
		return undefined;
	},
	plan(_state: undefined, params) {
		return {changed: false, msg: params.action, steps: undefined, effects: {meta: params.action}};
	},
	async apply() {
		return {};
	},
});
