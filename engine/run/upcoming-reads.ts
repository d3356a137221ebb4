import type {FileRequest} from '../host/file-state.js';
import type {ModuleTask, Task} from '../playbook/types.js';
import {renderParams} from './attempt.js';
import type {HostRun} from './host-run.js';
import type {RunContext} from './run-context.js';
import {effectiveBecome, effectiveCheckMode, effectiveDelegate, effectiveEnvironment, type Scope} from './scope.js';
import {taskVars} from './variables.js';

/*
 * Which reads the tasks after a task will ask for on a host, so that host/read-ahead.ts can read
 * them in the same round trip.
 */

/** How many tasks one batch reads for. */
const tasksAhead = 32;

/** A task whose read can be done ahead: plain, on its own host, without environment (the user it reads as is checked apart). */
function aheadable(task: Task, scope: Scope): task is ModuleTask {
	return task.kind === 'module' && task.module.readsAhead !== undefined && task.loop === undefined && effectiveDelegate(scope, task) === undefined && effectiveEnvironment(scope, task) === undefined;
}

/** The task's variables on the host, and the user its commands run as, compared as text. */
function varsAndBecome(run: RunContext, task: ModuleTask, scope: Scope, host: HostRun): {vars: Record<string, unknown>; become: string} {
	const vars = taskVars(run, host, scope, task, effectiveCheckMode(scope, task, run.options.check));
	return {vars, become: JSON.stringify(effectiveBecome(scope, task, vars, run.options.connectionDefaults) ?? null)};
}

/**
 * What the tasks after `task` in its list will read on `host`, with their parameters rendered as
 * they stand now (a later read asking for anything else finds nothing read ahead, and reads).
 * It stops at the first task that reads otherwise, or as another user.
 */
export function requestsAhead(run: RunContext, task: ModuleTask, following: readonly Task[], scope: Scope, host: HostRun): FileRequest[] {
	const {become} = varsAndBecome(run, task, scope, host);
	const requests: FileRequest[] = [];
	for (const next of following.slice(0, tasksAhead)) {
		if (!aheadable(next, scope)) {
			break;
		}

		const {vars, become: nextBecome} = varsAndBecome(run, next, scope, host);
		if (nextBecome !== become) {
			break;
		}

		try {
			requests.push(...next.module.readsAhead!(renderParams(next, vars) as never));
		} catch {
			// A parameter that cannot be rendered yet (a variable a later task registers): that task reads for itself.
		}
	}

	return requests;
}
