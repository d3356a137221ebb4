import {resolve} from 'node:path';
import {formatError} from '../errors.js';
import {loadYamlFile} from '../load/yaml.js';
import {ParseContext} from '../playbook/context.js';
import {parseTaskList} from '../playbook/parse-task.js';
import type {BlockTask, IncludeTask, ModuleTask, Task} from '../playbook/types.js';
import {renderValue} from '../vars/template.js';
import {executeModuleTask, type TaskOutcome} from './execute-task.js';
import type {HostRun} from './host-run.js';
import type {RunContext} from './run-context.js';
import {effectiveCheckMode, effectiveTags, inner, selectedByTags, type Scope} from './scope.js';
import {taskVars} from './variables.js';

/*
 * Walks a task list over a group of hosts. With the linear strategy the group is the play's
 * batch, and each task runs on all of it (up to --forks at once) before the next one starts;
 * with the free strategy each host walks the list as a group of one.
 */

/** The name shown for a task: its own (templates rendered where they can be) or the module's. */
function displayName(run: RunContext, task: ModuleTask, scope: Scope, host: HostRun | undefined): string {
	if (task.name === undefined) {
		return task.module.name;
	}

	if (!task.name.includes('{{') || !host) {
		return task.name;
	}

	try {
		return String(renderValue(task.name, taskVars(run, host, scope, task, run.options.check), task.where));
	} catch {
		return task.name;
	}
}

/** any_errors_fatal and max_fail_percentage end the play for every host of the batch. */
function stopIfTooManyFailed(scope: Scope, failing: ReadonlySet<HostRun>): void {
	const {play, playHosts} = scope;
	const down = playHosts.filter(host => host.failed || host.unreachable || failing.has(host)).length;
	const tooMany = play.maxFailPercentage !== undefined && down * 100 / playHosts.length > play.maxFailPercentage;
	if ((play.anyErrorsFatal && down > 0) || tooMany) {
		for (const host of playHosts) {
			host.ended = true;
		}
	}
}

export async function flushHandlers(run: RunContext, scope: Scope, hosts: readonly HostRun[]): Promise<void> {
	const handlerScope: Scope = {...scope, chain: []};
	const topicsOf = (handler: ModuleTask) => [handler.name, ...handler.listen].filter(topic => topic !== undefined);
	// Notifications are cleared once every handler had its turn, so that several handlers can
	// listen to one topic, and a handler can notify one defined after it.
	const ran: Array<[HostRun, ModuleTask]> = [];
	for (const handler of scope.play.handlers) {
		const topics = topicsOf(handler);
		const targets = hosts.filter(host => host.active && topics.some(topic => host.notified.has(topic)));
		if (targets.length > 0) {
			ran.push(...targets.map((host): [HostRun, ModuleTask] => [host, handler]));
			await runModuleTask(run, handler, handlerScope, targets, true);
		}
	}

	for (const [host, handler] of ran) {
		for (const topic of topicsOf(handler)) {
			host.notified.delete(topic);
		}
	}
}

async function runModuleTask(run: RunContext, task: ModuleTask, scope: Scope, hosts: readonly HostRun[], handler: boolean): Promise<Set<HostRun>> {
	const startedAt = Date.now();
	const name = displayName(run, task, scope, hosts[0]);
	run.emit({kind: 'task-start', name, module: task.module.name, where: `${task.where.file}:${task.where.line}`, handler});
	const targets = task.runOnce ? hosts.slice(0, 1) : hosts;
	const outcomes = await Promise.all(targets.map(async host => run.queue.add(async () => executeModuleTask(run, task, scope, host, name))));
	if (task.runOnce && outcomes[0]) {
		// run_once: the one result stands for every host, as its registered value and set_facts.
		for (const host of hosts.slice(1)) {
			Object.assign(host.setVars, outcomes[0].setVars);
		}
	}

	run.emit({kind: 'task-end', name, durationMs: Date.now() - startedAt});
	const failed = new Set<HostRun>();
	for (const [index, outcome] of outcomes.entries()) {
		const host = targets[index]!;
		if (outcome.fatal && outcome.status !== 'unreachable') {
			failed.add(host);
		}

		await actOnMeta(run, scope, outcome, host, hosts);
	}

	return failed;
}

async function actOnMeta(run: RunContext, scope: Scope, outcome: TaskOutcome, host: HostRun, hosts: readonly HostRun[]): Promise<void> {
	if (outcome.meta === 'end_host') {
		host.ended = true;
	} else if (outcome.meta === 'end_play') {
		for (const other of scope.playHosts) {
			other.ended = true;
		}
	} else if (outcome.meta === 'flush_handlers' && host === hosts[0]) {
		await flushHandlers(run, scope, hosts);
	}
}

async function runBlock(run: RunContext, block: BlockTask, scope: Scope, hosts: readonly HostRun[]): Promise<Set<HostRun>> {
	const blockScope = inner(scope, block);
	const failedInBlock = await runTasks(run, block.block, blockScope, hosts);
	let failed = failedInBlock;
	if (block.rescue.length > 0 && failedInBlock.size > 0) {
		const rescued = [...failedInBlock];
		for (const host of rescued) {
			// A failure caught by rescue counts as rescued, not failed, as in Ansible's recap.
			host.recap.failed--;
			host.recap.rescued++;
		}

		failed = await runTasks(run, block.rescue, blockScope, rescued);
	}

	const alwaysFailed = await runTasks(run, block.always, blockScope, hosts.filter(host => !host.unreachable && !host.ended));
	return new Set([...failed, ...alwaysFailed]);
}

/** include_tasks: the file is read when reached, per host (its name may be templated). */
async function runInclude(run: RunContext, include: IncludeTask, scope: Scope, hosts: readonly HostRun[]): Promise<Set<HostRun>> {
	// The include's own `when` decides whether to include; it is not inherited by the included tasks.
	const includeScope = inner(scope, {...include, when: []});
	const failed = new Set<HostRun>();
	const byFile = new Map<string, HostRun[]>();
	for (const host of hosts) {
		const vars = taskVars(run, host, scope, include, effectiveCheckMode(scope, include, run.options.check));
		try {
			if (!run.holds([...scope.chain.flatMap(block => block.when), ...include.when], vars)) {
				continue;
			}

			const file = resolve(include.dir, String(renderValue(include.file, vars, include.where)));
			byFile.set(file, [...byFile.get(file) ?? [], host]);
		} catch (error) {
			host.recap.failed++;
			run.emit({kind: 'host-result', host: host.name, task: `include_tasks ${include.file}`, status: 'failed', msg: formatError(error), durationMs: 0});
			failed.add(host);
		}
	}

	for (const [file, group] of byFile) {
		let tasks: Task[];
		try {
			const doc = loadYamlFile(file);
			tasks = parseTaskList(new ParseContext(doc, run.options.registry), doc.value, doc.where(doc.value));
		} catch (error) {
			for (const host of group) {
				host.recap.failed++;
				run.emit({kind: 'host-result', host: host.name, task: `include_tasks ${include.file}`, status: 'failed', msg: formatError(error), durationMs: 0});
				failed.add(host);
			}

			continue;
		}

		for (const host of await runTasks(run, tasks, includeScope, group)) {
			failed.add(host);
		}
	}

	return failed;
}

/** Runs the list on the hosts; returns those that failed in it (and so left it). */
export async function runTasks(run: RunContext, tasks: readonly Task[], scope: Scope, hosts: readonly HostRun[]): Promise<Set<HostRun>> {
	const failed = new Set<HostRun>();
	let active = hosts.filter(host => !host.unreachable && !host.ended);
	for (const task of tasks) {
		if (active.length === 0) {
			break;
		}

		let failedHere: Set<HostRun>;
		if (task.kind === 'module') {
			if (!selectedByTags(effectiveTags(scope, task), run.options.tags, run.options.skipTags)) {
				continue;
			}

			failedHere = await runModuleTask(run, task, scope, active, false);
		} else if (task.kind === 'block') {
			failedHere = await runBlock(run, task, scope, active);
		} else {
			failedHere = await runInclude(run, task, scope, active);
		}

		for (const host of failedHere) {
			failed.add(host);
		}

		stopIfTooManyFailed(scope, failed);
		active = active.filter(host => !failedHere.has(host) && !host.unreachable && !host.ended);
	}

	return failed;
}
