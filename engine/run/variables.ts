import type {TaskCommon} from '../playbook/types.js';
import type {HostRun} from './host-run.js';
import type {RunContext} from './run-context.js';
import {scopedVars, type Scope} from './scope.js';

/** Ansible's marker for "leave this parameter out": `{{default x omit}}`. */
export const omit = '__omit_place_holder__pb';

/** Facts are visible as ansible_facts.NAME and, as in Ansible, as ansible_NAME. */
function factVars(facts: Readonly<Record<string, unknown>>): Record<string, unknown> {
	const vars: Record<string, unknown> = {ansible_facts: facts};
	for (const [name, value] of Object.entries(facts)) {
		vars[`ansible_${name}`] = value;
	}

	return vars;
}

/** A host's variables as another host sees them through hostvars (no play or task layers). */
function persistentVars(run: RunContext, host: HostRun): Record<string, unknown> {
	return {...host.inventoryVars, ...factVars(host.facts), ...host.setVars, ...run.options.extraVars, inventory_hostname: host.name};
}

const hostvarsCache = new WeakMap<RunContext, Record<string, unknown>>();

/** hostvars.NAME, computed when read so it always shows the latest facts and set_facts. */
function hostvarsOf(run: RunContext): Record<string, unknown> {
	let hostvars = hostvarsCache.get(run);
	if (!hostvars) {
		hostvars = {};
		for (const host of run.hosts.values()) {
			Object.defineProperty(hostvars, host.name, {enumerable: true, get: () => persistentVars(run, host)});
		}

		hostvarsCache.set(run, hostvars);
	}

	return hostvars;
}

/**
 * The variables a task sees on a host, lowest precedence first (documented in README):
 * inventory (group, then host) < facts < play vars < vars_files < block vars < task vars
 * < set_fact and registered results < -e extra vars < magic variables and the loop item.
 */
export function taskVars(run: RunContext, host: HostRun, scope: Scope, task: TaskCommon | undefined, check: boolean): Record<string, unknown> {
	return {
		...host.inventoryVars,
		...factVars(host.facts),
		...scope.playVars,
		...(task ? scopedVars(scope, task) : {}),
		...host.setVars,
		...run.options.extraVars,
		inventory_hostname: host.name,
		inventory_hostname_short: host.name.split('.')[0],
		group_names: Object.entries(run.groups).filter(([group, members]) => group !== 'all' && members.includes(host.name)).map(([group]) => group),
		groups: run.groups,
		hostvars: hostvarsOf(run),
		playbook_dir: scope.play.dir,
		ansible_check_mode: check,
		ansible_play_hosts: scope.playHosts.filter(other => other.active).map(other => other.name),
		omit,
	};
}
