import {defineModule} from '../engine/module.js';

export default defineModule({
	name: 'set_fact',
	summary: 'Sets host variables from the task\'s parameters (above play vars, below -e)',
	params: {},
	example: '- set_fact:\n    runtime_socket: /run/containerd/containerd.sock',
	controlOnly: true,
	freeParams: true,
	async read() {
		return undefined;
	},
	plan(_state: undefined, params) {
		const setVars = params as Record<string, unknown>;
		return {changed: false, msg: `set ${Object.keys(setVars).join(', ')}`, steps: undefined, result: {ansible_facts: setVars}, effects: {setVars}};
	},
	async apply() {
		return {};
	},
});
