import type {ModuleTask} from '../playbook/types.js';

/**
 * What one item of a loop (a module task's or include_tasks') adds to the task's variables, and
 * to the item's result, as Ansible's task executor adds them: the loop variable and ansible_loop_var; with index_var, the index
 * (from 0) and ansible_index_var; with extended, ansible_loop.
 */
export function loopItemVars(task: Pick<ModuleTask, 'loopVar' | 'loopIndexVar' | 'loopExtended' | 'loopExtendedAllitems'>, items: readonly unknown[], index: number): Record<string, unknown> {
	const vars: Record<string, unknown> = {[task.loopVar]: items[index], ansible_loop_var: task.loopVar};
	if (task.loopIndexVar !== undefined) {
		vars[task.loopIndexVar] = index;
		vars.ansible_index_var = task.loopIndexVar;
	}

	if (task.loopExtended) {
		const length = items.length;
		vars.ansible_loop = {
			index: index + 1,
			index0: index,
			first: index === 0,
			last: index + 1 === length,
			length,
			revindex: length - index,
			revindex0: length - index - 1,
			...(task.loopExtendedAllitems ? {allitems: items} : {}),
			...(index + 1 < length ? {nextitem: items[index + 1]} : {}),
			...(index > 0 ? {previtem: items[index - 1]} : {}),
		};
	}

	return vars;
}
