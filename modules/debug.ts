import {defineModule} from '../engine/module.js';

function show(value: unknown): string {
	return typeof value === 'string' ? value : JSON.stringify(value, undefined, 2);
}

export default defineModule({
	name: 'debug',
	summary: 'Prints a message or a variable\'s value',
	params: {
		msg: {type: 'raw', description: 'What to print (templates rendered)'},
		var: {type: 'str', description: 'Name of a variable whose value to print'},
		verbosity: {type: 'int', default: 0, description: 'Print only at this -v level or above'},
	},
	example: '- debug:\n    msg: "{{ inventory_hostname }} runs {{ ansible_facts.distribution }}"',
	controlOnly: true,
	validate: params => (params.msg !== undefined && params.var !== undefined ? 'give msg or var, not both' : undefined),
	async read(ctx, params) {
		if (params.var === undefined) {
			return params.msg ?? 'Hello world!';
		}

		const value = params.var.split('.').reduce<unknown>((object, key) => (object !== null && typeof object === 'object' ? (object as Record<string, unknown>)[key] : undefined), ctx.vars);
		return {[params.var]: value ?? 'VARIABLE IS NOT DEFINED!'};
	},
	plan(value: unknown, params) {
		const text = show(value);
		return {changed: false, msg: text, steps: undefined, result: {msg: value}, effects: {print: text, verbosity: params.verbosity}};
	},
	async apply() {
		return {};
	},
});
