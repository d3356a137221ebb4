import type {FileRequest} from '../host/file-state.js';
import {type ModuleTask, type Task, whereOf} from '../playbook/types.js';
import {extendVars} from '../vars/extend-vars.js';
import {pureLookups} from '../vars/jinja/lookups.js';
import {renderParams} from './attempt.js';
import type {HostRun} from './host-run.js';
import {loopItems, loopItemVars} from './loop-vars.js';
import type {RunContext} from './run-context.js';
import {effectiveBecome, effectiveCheckMode, effectiveDelegate, effectiveEnvironment, type Scope} from './scope.js';
import {taskVars} from './variables.js';

/*
 * Which reads the tasks after a task will ask for on a host, so that host/read-ahead.ts can read
 * them in the same round trip.
 */

/**
 * A task whose read can be done ahead: on its own host, without environment (the user it reads as
 * is checked apart), its loop if any a plain one (`with_items`, but not `with_pipe`, which runs a
 * command).
 */
function aheadable(task: Task, scope: Scope): task is ModuleTask {
	return task.kind === 'module' && task.module.readsAhead !== undefined && (task.loopWith === undefined || pureLookups.has(task.loopWith))
		&& effectiveDelegate(scope, task) === undefined && effectiveEnvironment(scope, task) === undefined;
}

/** What the task reads: for each item of its loop from `fromItem` on, or once. */
function readsOf(task: ModuleTask, vars: Record<string, unknown>, fromItem = 0): FileRequest[] {
	if (task.loop === undefined) {
		return [...task.module.readsAhead!(renderParams(task, vars) as never)];
	}

	const items = loopItems(task, vars, whereOf(task, 'loop'));
	return items.slice(fromItem, task.module.endsReadAhead ? fromItem + 1 : undefined).flatMap((_, index) => task.module.readsAhead!(renderParams(task, extendVars(vars, loopItemVars(task, items, fromItem + index))) as never));
}

/** The task's variables on the host, and the user its commands run as, compared as text. */
function varsAndBecome(run: RunContext, task: ModuleTask, scope: Scope, host: HostRun): {vars: Record<string, unknown>; become: string} {
	const vars = taskVars(run, host, scope, task, effectiveCheckMode(scope, task, run.options.check));
	return {vars, become: JSON.stringify(effectiveBecome(scope, task, vars, run.options.connectionDefaults) ?? null)};
}

/**
 * What the next `count` tasks of `task`'s list will read on `host`, `task`'s own loop items from
 * `fromItem` on counting as the first while any are left, with their parameters rendered as they
 * stand now (a later read asking for anything else finds nothing read ahead, and reads). It stops
 * at the first task that reads otherwise, or as another user.
 */
export function requestsAhead(run: RunContext, task: ModuleTask, following: readonly Task[], scope: Scope, host: HostRun, count: number, fromItem: number): FileRequest[] {
	const own = varsAndBecome(run, task, scope, host);
	const requests: FileRequest[] = [];
	const ownItems = task.loop !== undefined && aheadable(task, scope) ? itemsLeft(task, own.vars, fromItem) : 0;
	const tasks = ownItems === 0 ? following : [task, ...following];
	for (const [position, next] of tasks.slice(0, count).entries()) {
		if (!aheadable(next, scope)) {
			break;
		}

		const {vars, become: nextBecome} = next === task ? own : varsAndBecome(run, next, scope, host);
		if (nextBecome !== own.become) {
			break;
		}

		try {
			requests.push(...readsOf(next, vars, position === 0 && ownItems > 0 ? fromItem : 0));
		} catch {
			// A parameter or loop that cannot be rendered yet (a variable a later task registers): that task reads for itself.
		}

		if (next.module.endsReadAhead) {
			break;
		}
	}

	return requests;
}

/** How many items of the task's loop are left from `fromItem` on; one when its loop cannot be rendered yet (it reads for itself). */
function itemsLeft(task: ModuleTask, vars: Record<string, unknown>, fromItem: number): number {
	try {
		return Math.max(0, loopItems(task, vars, whereOf(task, 'loop')).length - fromItem);
	} catch {
		return 1;
	}
}
