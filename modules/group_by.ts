import {defineModule} from '../engine/module.js';

// Ansible writes a group name's spaces as dashes.
const groupName = (name: string): string => name.replaceAll(' ', '-');

export default defineModule({
	name: 'group_by',
	summary: 'Puts the host in a group named from its variables (made as needed), for the tasks and plays after',
	params: {
		key: {type: 'str', required: true, description: 'The group\'s name, usually from a fact: os_{{ ansible_facts.distribution }}'},
		parents: {type: 'list', elements: 'str', default: ['all'], description: 'Groups the group becomes a child of, made as needed'},
	},
	example: '- group_by:\n    key: os_{{ ansible_facts.distribution }}\n    parents: [linux]',
	controlOnly: true,
	lockstep: true,
	definesVariables: true,
	async read(ctx) {
		return ctx.host;
	},
	plan(host: string, params) {
		const group = groupName(params.key);
		const parents = params.parents.map(name => groupName(name));
		return {
			changed: false,
			msg: `${host} in ${group}`,
			steps: undefined,
			result: {add_group: group, parent_groups: parents},
			effects: {inventory: {kind: 'add-group', host, group, parents}},
		};
	},
	async apply() {
		return {};
	},
});
