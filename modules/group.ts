import {defineModule, type Plan} from '../engine/module.js';
import {quoteShell} from '../engine/shell-words.js';
import {type Accounts, predictAccounts} from './accounts/database.js';
import {accountsDiff} from './accounts/diff.js';
import {type AccountsState, readAccounts} from './accounts/read.js';
import {idRange, newId} from './accounts/new-ids.js';

interface GroupSteps {
	/** groupadd, groupmod or groupdel with its words. */
	readonly command?: readonly string[];
}

/** A plan that changes the group with `words`, leaving `after`. */
function changing(name: string, before: Accounts, after: Accounts, words: string[], msg: string, result: Record<string, unknown>): Plan<GroupSteps> {
	const missing = (accounts: Accounts) => (accounts.groups.some(group => group.name === name) ? [] : [`/etc/group: no ${name}`]);
	return {
		changed: true,
		msg,
		diff: [accountsDiff(`group ${name}`, before, after, undefined, missing(before), missing(after))],
		steps: {command: words},
		result,
		predictsStates: predictAccounts(after),
	};
}

export default defineModule({
	name: 'group',
	summary: 'Make a group exist with the given gid (groupadd/groupmod), or remove it',
	params: {
		name: {type: 'str', required: true, description: 'The group\'s name'},
		gid: {type: 'int', minimum: 0, description: 'The group\'s gid; unset: the next free one for a new group, the one it has otherwise'},
		state: {type: 'str', choices: ['present', 'absent'], default: 'present', description: 'present: the group exists; absent: it does not'},
		system: {type: 'bool', default: false, description: 'Make a system group (a gid below GID_MIN); only when the group is created'},
		non_unique: {type: 'bool', default: false, description: 'Allow a gid another group has already (groupadd -o); needs gid'},
		local: {type: 'bool', default: false, description: 'Use libuser\'s lgroupadd, lgroupmod and lgroupdel (which change only the local files), as Ansible does; they must be installed'},
	},
	example: `- name: The group whose members may use the container runtime's socket
  group:
    name: docker
    system: true`,
	rules: {
		required_if: [{param: 'non_unique', value: true, needs: ['gid']}],
	},
	validate(params) {
		return /[:\n]/.test(params.name) ? `name ${JSON.stringify(params.name)} cannot hold a colon or a newline` : undefined;
	},
	async read(ctx, params) {
		return readAccounts(ctx, params.local ? {tools: ['lgroupadd', 'lgroupmod', 'lgroupdel']} : {});
	},
	plan(state: AccountsState, params): Plan<GroupSteps> {
		const {accounts, loginDefs} = state;
		const {name} = params;
		const group = accounts.groups.find(entry => entry.name === name);
		const failure = (failed: string, result: Record<string, unknown>): Plan<GroupSteps> => ({changed: false, msg: '', steps: {}, result, failed});
		// local: libuser's commands, as Ansible runs them; it needs them even when nothing changes.
		const tool = (command: 'groupadd' | 'groupmod' | 'groupdel') => (params.local ? `l${command}` : command);
		const missingTool = (command: 'groupadd' | 'groupmod' | 'groupdel') => (params.local && !state.tools.has(tool(command)) ? `Failed to find required executable "${tool(command)}" in paths: ${state.searchPath}` : undefined);
		if (params.state === 'absent') {
			const result = {name, state: 'absent'};
			if (group === undefined) {
				return {changed: false, msg: `group ${name} is absent`, steps: {}, result};
			}

			const user = accounts.passwd.find(entry => entry.gid === group.gid);
			const problem = missingTool('groupdel') ?? (user === undefined ? undefined : `${tool('groupdel')}: cannot remove the primary group of user '${user.name}'`);
			if (problem !== undefined) {
				return failure(problem, result);
			}

			const after = {...accounts, groups: accounts.groups.filter(entry => entry !== group)};
			return changing(name, accounts, after, [tool('groupdel'), name], `group ${name} removed`, result);
		}

		const command = group === undefined ? 'groupadd' : 'groupmod';
		const other = params.gid === undefined ? undefined : accounts.groups.find(entry => entry.gid === params.gid && entry.name !== name);
		const newGid = params.gid !== undefined && params.gid !== group?.gid;
		const problem = missingTool(command)
			?? (params.local && other !== undefined ? `GID '${params.gid}' already exists with group '${other.name}'` : undefined)
			?? (newGid && other !== undefined && !params.non_unique ? `${command}: GID '${params.gid}' already exists` : undefined);
		if (problem !== undefined) {
			return failure(problem, {name, state: 'present'});
		}

		const unique = params.non_unique ? ['-o'] : [];
		if (group === undefined) {
			const gid = params.gid ?? newId(accounts.groups.map(entry => entry.gid), idRange(loginDefs, 'GID', params.system), params.system);
			if (gid === undefined) {
				return failure('groupadd: Can\'t get unique GID (no more available GIDs)', {name, state: 'present'});
			}

			const after = {...accounts, groups: [...accounts.groups, {name, password: 'x', gid, members: []}]};
			const words = [tool('groupadd'), ...(params.gid === undefined ? [] : ['-g', String(params.gid), ...unique]), ...(params.system ? ['-r'] : []), name];
			return changing(name, accounts, after, words, `group ${name} created with gid ${gid}`, {name, state: 'present', system: params.system, gid});
		}

		const result = {name, state: 'present', system: params.system, gid: params.gid ?? group.gid};
		if (!newGid) {
			return {changed: false, msg: `group ${name} exists with gid ${group.gid}`, steps: {}, result};
		}

		const gid = params.gid!;
		// groupmod keeps the group primary for the users who had it.
		const after = {
			passwd: accounts.passwd.map(entry => (entry.gid === group.gid ? {...entry, gid} : entry)),
			groups: accounts.groups.map(entry => (entry === group ? {...entry, gid} : entry)),
			shadow: accounts.shadow,
		};
		return changing(name, accounts, after, [tool('groupmod'), '-g', String(gid), ...unique, name], `group ${name}: gid ${group.gid} -> ${gid}`, result);
	},
	async apply(ctx, params, plan) {
		const words = plan.steps.command ?? [];
		const result = await ctx.run(`PATH=$PATH:/usr/sbin:/sbin\n${words.map(word => quoteShell(word)).join(' ')}`);
		if (result.code !== 0) {
			return {failed: `${words[0] ?? ''} failed for group ${params.name} on ${ctx.host}: ${result.stderr.trim()}`};
		}

		return {};
	},
});
