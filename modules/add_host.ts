import {defineModule} from '../engine/module.js';

/** `host:port` (or `[v6 address]:port`): the port becomes ansible_ssh_port, as Ansible's parse_address reads it. */
function hostAndPort(name: string): {host: string; port?: number} {
	const match = /^\[([^\]]+)\]:(\d+)$/.exec(name) ?? /^([^:]+):(\d+)$/.exec(name);
	return match ? {host: match[1]!, port: Number(match[2])} : {host: name};
}

export default defineModule({
	name: 'add_host',
	summary: 'Adds a host (or a listed one to more groups, with more variables) to the run\'s inventory, for the plays after',
	params: {
		name: {type: 'str', required: true, aliases: ['host', 'hostname'], description: 'The host\'s name, `name:port` to set its ansible_ssh_port'},
		groups: {type: 'list', elements: 'str', aliases: ['group', 'groupname'], description: 'The groups it joins, created as needed'},
	},
	example: '- add_host:\n    name: "{{ new_node_address }}"\n    groups: [workers]\n    ansible_user: root',
	controlOnly: true,
	definesVariables: true,
	// Any other parameter is a variable of the host.
	freeParams: true,
	bypassHostLoop: true,
	lockstep: true,
	async read() {
		return undefined;
	},
	plan(_state: undefined, params) {
		const {name, groups = [], ...vars} = params as {name: string; groups?: string[]} & Record<string, unknown>;
		const {host, port} = hostAndPort(name);
		const hostVars = port === undefined ? vars : {...vars, ansible_ssh_port: port};
		const joined = [...new Set(groups.map(group => group.trim()))];
		return {
			changed: false,
			msg: joined.length === 0 ? host : `${host} in ${joined.join(', ')}`,
			steps: undefined,
			result: {add_host: {host_name: host, groups: joined, host_vars: hostVars}},
			effects: {inventory: {kind: 'add-host', host, groups: joined, vars: hostVars}},
		};
	},
	async apply() {
		return {};
	},
});
