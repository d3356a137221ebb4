import {defineModule} from '../../engine/module.js';
import {parseFacts} from './parse.js';
import {factScript} from './script.js';
import {resolveSubsets, subsetList, UnknownSubset} from './subsets.js';

/*
 * Facts in one round trip, by Ansible's names (ansible_facts.os_family, ansible_default_ipv4...)
 * with the values and types ansible-core 2.14 gives on the same host, plus pb's `arch` as release
 * artifacts name it (amd64, arm64), so a mixed-architecture inventory picks the right download per
 * host. script.ts is what runs on the host, parse.ts reads what it prints.
 */

export default defineModule({
	name: 'setup',
	summary: 'Gathers facts about the host in one round trip (run for you when a play has gather_facts)',
	params: {
		gather_subset: {
			type: 'raw',
			description: 'Which facts: all, min, hardware, network, virtual, or Ansible\'s finer names; !name leaves one out (a list or a comma-separated string)',
			default: ['all'],
		},
	},
	example: '- setup:\n    gather_subset: [\'!all\', network]',
	validate(params) {
		try {
			resolveSubsets(subsetList(params.gather_subset));
			return undefined;
		} catch (error) {
			if (error instanceof UnknownSubset) {
				return error.message;
			}

			throw error;
		}
	},
	async read(ctx, params) {
		const {stdout} = await ctx.run(factScript(resolveSubsets(subsetList(params.gather_subset))));
		return stdout;
	},
	plan(output: string, params) {
		const subsets = subsetList(params.gather_subset);
		const facts = parseFacts(output, resolveSubsets(subsets), subsets);
		const summary = ['distribution', 'distribution_version', 'arch'].map(name => facts[name]).filter(value => value !== undefined).join(' ');
		return {changed: false, msg: summary || 'facts gathered', steps: undefined, effects: {facts}};
	},
	async apply() {
		return {};
	},
});
