import {isTemplated, type Templated} from '../playbook/play-limits.js';
import type {IncludeRoleTask, IncludeTask, ModuleTask} from '../playbook/types.js';

/** The task that failed on a host and what it returned, for the rescue that catches it. */
export interface Failure {
	readonly task: ModuleTask | IncludeTask | IncludeRoleTask;
	readonly result: Readonly<Record<string, unknown>>;
}

const texts = (conditions: ReadonlyArray<{text: string}> | undefined) => (conditions ?? []).map(condition => condition.text);

/**
 * The task as Ansible's Task.serialize() shows it in ansible_failed_task, for the keywords pb
 * has: an unnamed task's name is '', a keyword not set is null, the action and its args as
 * written (templates not rendered). A free-form argument keeps the parameter name pb gives it
 * (`cmd`), where Ansible says `_raw_params`.
 */
function actionOf(task: Failure['task']): {action: string; args: unknown} {
	switch (task.kind) {
		case 'module': {
			return {action: task.module.name, args: task.args};
		}

		case 'include': {
			return {action: 'include_tasks', args: {_raw_params: task.file}};
		}

		default: {
			return {action: 'include_role', args: {name: task.spec.name}};
		}
	}
}

function serializeTask(task: Failure['task']): Record<string, unknown> {
	const module = task.kind === 'module' ? task : undefined;
	return {
		name: task.name ?? '',
		...actionOf(task),
		vars: task.vars,
		tags: task.tags,
		when: texts(task.when),
		changed_when: texts(module?.changedWhen),
		failed_when: texts(module?.failedWhen),
		until: texts(module?.until),
		register: module?.register ?? null,
		notify: module && module.notify.length > 0 ? module.notify : null,
		loop: task.loop ?? null,
		loop_control: {
			loop_var: task.loopVar,
			index_var: module?.loopIndexVar ?? null,
			label: module?.loopLabel ?? null,
			pause: module?.loopPause ?? 0,
		},
		ignore_errors: task.ignoreErrors || null,
		become: task.become ?? false,
		become_user: task.becomeUser ?? null,
		delegate_to: task.delegateTo ?? null,
		run_once: task.runOnce || null,
		no_log: task.noLog,
		check_mode: task.checkMode ?? false,
		retries: writtenCount(module?.retries),
		delay: writtenCount(module?.delay),
	};
}

/** retries or delay as written: a count, or its template's text. */
function writtenCount(value: number | Templated | undefined): unknown {
	return isTemplated(value) ? value.template : value ?? 0;
}

/** ansible_failed_task and ansible_failed_result, which Ansible sets when a rescue catches a failure, and keeps for the play. */
export function failureVars(failure: Failure): Record<string, unknown> {
	return {ansible_failed_task: serializeTask(failure.task), ansible_failed_result: failure.result};
}
