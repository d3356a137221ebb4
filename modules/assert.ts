import {defineModule} from '../engine/module.js';
import {compileCondition, evaluateCondition} from '../engine/vars/condition.js';

export default defineModule({
	name: 'assert',
	summary: 'Fails unless every condition in `that` holds',
	params: {
		that: {type: 'list', required: true, description: 'Conditions (as in when:) that must all hold'},
		fail_msg: {type: 'str', aliases: ['msg'], description: 'Message when one does not hold'},
		success_msg: {type: 'str', default: 'All assertions passed', description: 'Message when all hold'},
		quiet: {type: 'bool', default: false, description: 'Say less on success'},
	},
	example: '- assert:\n    that:\n      - ansible_facts.arch in ["amd64", "arm64"]\n    fail_msg: "unsupported architecture {{ ansible_facts.arch }}"',
	controlOnly: true,
	// The conditions are read against the host's variables: the "state" this module checks.
	async read(ctx, params) {
		return params.that.map(String).filter(condition => !evaluateCondition(compileCondition(condition, ctx.where), ctx.vars as Record<string, unknown>));
	},
	plan(failing: string[], params) {
		if (failing.length > 0) {
			return {changed: false, msg: '', steps: undefined, failed: params.fail_msg ?? `Assertion failed: ${failing[0]!}`, result: {assertion: failing[0]}};
		}

		return {changed: false, msg: params.quiet ? '' : params.success_msg, steps: undefined};
	},
	async apply() {
		return {};
	},
});
