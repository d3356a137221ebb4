import {type ModuleTask, whereOf} from '../playbook/types.js';
import type {RunEvent} from '../report/events.js';
import {renderValue} from '../vars/template.js';
import type {HostRun} from './host-run.js';
import type {RunContext} from './run-context.js';
import type {Scope} from './scope.js';
import {taskVars} from './variables.js';

/** The name shown for a task: its own (templates rendered where they can be) or the module's. */
export function displayName(run: RunContext, task: ModuleTask, scope: Scope, host: HostRun | undefined): string {
	// A role's tasks are shown as Ansible shows them: `role : task`.
	const prefix = task.role ? `${task.role.name} : ` : '';
	if (task.name === undefined) {
		return `${prefix}${task.module.name}`;
	}

	if (!task.name.includes('{{') || !host) {
		return `${prefix}${task.name}`;
	}

	try {
		return `${prefix}${String(renderValue(task.name, taskVars(run, host, scope, task, run.options.check), whereOf(task, 'name')))}`;
	} catch {
		return `${prefix}${task.name}`;
	}
}

/** The banner event of a task shown under `name`. */
export function taskStart(task: ModuleTask, name: string, handler: boolean): Extract<RunEvent, {kind: 'task-start'}> {
	return {kind: 'task-start', name, module: task.module.name, where: `${task.where.file}:${task.where.line}`, handler};
}
