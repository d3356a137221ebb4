import {PbError, type SourcePosition} from '../errors.js';
import type {ModuleTask} from '../playbook/types.js';
import {queryLookup} from '../vars/jinja/template.js';
import {renderValue} from '../vars/template.js';

/**
 * A loop's items: its rendered `loop`, or for `with_<lookup>` that lookup's results for the
 * rendered terms (a list, or one term), as Ansible's task executor gives them.
 */
export function loopItems(task: Pick<ModuleTask, 'loop' | 'loopWith'>, vars: Record<string, unknown>, where: SourcePosition): unknown[] {
	const rendered = renderValue(task.loop, vars, where);
	const items = task.loopWith === undefined ? rendered : queryLookup(task.loopWith, Array.isArray(rendered) ? rendered : [rendered], vars);
	if (!Array.isArray(items)) {
		throw new PbError(`loop must give a list, got ${JSON.stringify(items)}`, {kind: 'runtime', where, hint: 'Write a YAML list, or a template naming a list variable: loop: "{{ packages }}".'});
	}

	return items;
}

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
