import {defineModule} from '../engine/module.js';

export default defineModule({
	name: 'fail',
	summary: 'Fails the host with a message (usually with when:)',
	params: {
		msg: {type: 'str', default: 'Failed as requested from task', description: 'The failure message'},
	},
	freeForm: 'msg',
	example: '- fail:\n    msg: "container_manager must be containerd, crio or isula"\n  when: container_manager not in ["containerd", "crio", "isula"]',
	controlOnly: true,
	async read() {
		return undefined;
	},
	plan(_state: undefined, params) {
		return {changed: false, msg: params.msg, steps: undefined, failed: params.msg};
	},
	async apply() {
		return {};
	},
});
