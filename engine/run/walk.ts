import {resolve} from 'node:path';
import {formatError} from '../errors.js';
import {loadYamlFile} from '../load/yaml.js';
import {ParseContext} from '../playbook/context.js';
import {parseTaskList} from '../playbook/parse-task.js';
import {type BlockTask, type IncludeTask, type ModuleTask, type Task, whereOf} from '../playbook/types.js';
import {renderValue} from '../vars/template.js';
import {executeModuleTask, type TaskOutcome} from './execute-task.js';
import {failureVars} from './failed-task.js';
import {loopItemVars} from './loop-vars.js';
import type {HostRun} from './host-run.js';
import {requestsAhead} from './read-ahead.js';
import type {RunContext} from './run-context.js';
import {effectiveCheckMode, effectiveTags, inheritedConditions, inner, runsOnce, selectedByTags, type Scope} from './scope.js';
import {extendVars, taskVars} from './variables.js';

/*
 * Walks a task list over a group of hosts. With the linear strategy the group is the play's
 * batch, and each task runs on all of it (up to --forks at once) before the next one starts;
 * with the free strategy each host walks the list as a group of one.
 *
 * A host that fails a task leaves the list. Inside a block with a rescue, that failure is the
 * rescue's to handle; outside one, the host has failed the play, and any_errors_fatal and
 * max_fail_percentage count it at once.
 */

/** The name shown for a task: its own (templates rendered where they can be) or the module's. */
export function displayName(run: RunContext, task: ModuleTask, scope: Scope, host: HostRun | undefined): string {
	if (task.name === undefined) {
		return task.module.name;
	}

	if (!task.name.includes('{{') || !host) {
		return task.name;
	}

	try {
		return String(renderValue(task.name, taskVars(run, host, scope, task, run.options.check), whereOf(task, 'name')));
	} catch {
		return task.name;
	}
}

/** Ends the play for every host of the batch, and the batches after it. */
function abortPlay(scope: Scope): void {
	scope.state.aborted = true;
	for (const host of scope.playHosts) {
		host.ended = true;
	}
}

/** any_errors_fatal and max_fail_percentage, over the failures no rescue can still catch. */
function stopIfTooManyFailed(scope: Scope): void {
	const {play, playHosts} = scope;
	const down = playHosts.filter(host => host.failed || host.unreachable).length;
	const tooMany = play.maxFailPercentage !== undefined && down * 100 / playHosts.length > play.maxFailPercentage;
	if ((play.anyErrorsFatal && down > 0) || tooMany) {
		abortPlay(scope);
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
			for (const host of await runModuleTask(run, handler, handlerScope, targets, true)) {
				host.failed = true;
			}

			stopIfTooManyFailed(scope);
		}
	}

	for (const [host, handler] of ran) {
		for (const topic of topicsOf(handler)) {
			host.notified.delete(topic);
		}
	}
}

/** `following`: the tasks after this one in its list, whose reads may be done with its own. */
async function runModuleTask(run: RunContext, task: ModuleTask, scope: Scope, hosts: readonly HostRun[], handler: boolean, following: readonly Task[] = []): Promise<Set<HostRun>> {
	const startedAt = Date.now();
	const name = displayName(run, task, scope, hosts[0]);
	run.emit({kind: 'task-start', name, module: task.module.name, where: `${task.where.file}:${task.where.line}`, handler});
	const once = runsOnce(scope, task);
	const targets = once ? hosts.slice(0, 1) : hosts;
	const outcomes = await Promise.all(targets.map(async host => run.queue.add(async () => {
		host.readAhead.begin(() => requestsAhead(run, task, following, scope, host));
		return executeModuleTask(run, task, scope, host, name);
	})));
	run.emit({kind: 'task-end', name, durationMs: Date.now() - startedAt});
	const failed = new Set<HostRun>();
	const first = outcomes[0];
	if (once && first) {
		// run_once: the one result stands for every host: its registered value, set_facts, failure.
		for (const host of hosts.slice(1)) {
			Object.assign(host.setVars, first.setVars);
			if (first.fatal && first.status !== 'unreachable') {
				host.recap.failed++;
				host.lastFailure = targets[0]!.lastFailure;
				failed.add(host);
			}
		}
	}

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
		abortPlay(scope);
	} else if (outcome.meta === 'flush_handlers' && host === hosts[0]) {
		await flushHandlers(run, scope, hosts);
	}
}

async function runBlock(run: RunContext, block: BlockTask, scope: Scope, hosts: readonly HostRun[], rescuable: boolean): Promise<Set<HostRun>> {
	const blockScope = inner(scope, block);
	const failedInBlock = await runTasks(run, block.block, blockScope, hosts, rescuable || block.rescue.length > 0);
	let failed = failedInBlock;
	if (block.rescue.length > 0 && failedInBlock.size > 0) {
		const rescued = [...failedInBlock];
		for (const host of rescued) {
			// A failure caught by rescue counts as rescued, not failed, as in Ansible's recap.
			host.recap.failed--;
			host.recap.rescued++;
			if (host.lastFailure) {
				Object.assign(host.setVars, failureVars(host.lastFailure));
			}
		}

		failed = await runTasks(run, block.rescue, blockScope, rescued, rescuable);
	}

	// always runs on every host that entered the block, failed or not.
	const alwaysFailed = await runTasks(run, block.always, blockScope, hosts, rescuable);
	return new Set([...failed, ...alwaysFailed]);
}

function includeFailed(run: RunContext, include: IncludeTask, host: HostRun, error: unknown): void {
	host.recap.failed++;
	const msg = formatError(error);
	host.lastFailure = {task: include, result: {failed: true, changed: false, msg}};
	run.emit({kind: 'host-result', host: host.name, task: `include_tasks ${include.file}`, status: 'failed', msg, durationMs: 0});
}

function readTasks(run: RunContext, file: string): Task[] {
	const doc = loadYamlFile(file);
	return parseTaskList(new ParseContext(doc, run.options.registry), doc.value, doc.where(doc.value));
}

/**
 * include_tasks: the file is read when reached, per host (its name may be templated). Its own
 * `when` and tags decide whether to include; the included tasks do not inherit them. With a
 * loop, the file runs once per item with the loop variable set.
 */
async function runInclude(run: RunContext, include: IncludeTask, scope: Scope, hosts: readonly HostRun[], rescuable: boolean): Promise<Set<HostRun>> {
	const failed = new Set<HostRun>();
	const passes: Array<{file: string; hosts: HostRun[]; vars: Record<string, unknown>}> = [];
	for (const host of hosts) {
		const vars = taskVars(run, host, scope, include, effectiveCheckMode(scope, include, run.options.check));
		try {
			if (!run.holds(inheritedConditions(scope, include), vars)) {
				continue;
			}

			const items = include.loop === undefined ? [undefined] : renderValue(include.loop, vars, include.where);
			if (!Array.isArray(items)) {
				throw new Error(`loop must give a list, got ${JSON.stringify(items)}`);
			}

			for (const index of items.keys()) {
				const itemVars = include.loop === undefined ? {} : loopItemVars(include, items, index);
				const file = resolve(include.dir, String(renderValue(include.file, extendVars(vars, itemVars), include.where)));
				// Without a loop, hosts including the same file walk it together (linear strategy).
				const pass = include.loop === undefined ? passes.find(candidate => candidate.file === file) : undefined;
				if (pass) {
					pass.hosts.push(host);
				} else {
					passes.push({file, hosts: [host], vars: itemVars});
				}
			}
		} catch (error) {
			includeFailed(run, include, host, error);
			failed.add(host);
		}
	}

	for (const pass of passes) {
		const group = pass.hosts.filter(host => !failed.has(host));
		let tasks: Task[];
		try {
			tasks = readTasks(run, pass.file);
		} catch (error) {
			for (const host of group) {
				includeFailed(run, include, host, error);
				failed.add(host);
			}

			continue;
		}

		const includeScope = inner(scope, {...include, when: [], tags: [], vars: {...include.vars, ...pass.vars}});
		for (const host of await runTasks(run, tasks, includeScope, group, rescuable)) {
			failed.add(host);
		}
	}

	return failed;
}

/**
 * Runs the list on the hosts; returns those that failed in it (and so left it). `rescuable`:
 * an enclosing block has a rescue, which may yet catch a failure.
 */
export async function runTasks(run: RunContext, tasks: readonly Task[], scope: Scope, hosts: readonly HostRun[], rescuable = false): Promise<Set<HostRun>> {
	const failed = new Set<HostRun>();
	let active = hosts.filter(host => !host.unreachable && !host.ended);
	// A host that had failed before (it runs an `always`) stays; one that fails now, even in a handler, leaves.
	const failedBefore = new Set(active.filter(host => host.failed));
	for (const [index, task] of tasks.entries()) {
		if (active.length === 0) {
			break;
		}

		let failedHere: Set<HostRun>;
		if (task.kind === 'block') {
			failedHere = await runBlock(run, task, scope, active, rescuable);
		} else if (!selectedByTags(effectiveTags(scope, task), run.options.tags, run.options.skipTags)) {
			continue;
		} else if (task.kind === 'module') {
			failedHere = await runModuleTask(run, task, scope, active, false, tasks.slice(index + 1));
		} else {
			failedHere = await runInclude(run, task, scope, active, rescuable);
		}

		for (const host of failedHere) {
			failed.add(host);
			if (!rescuable) {
				host.failed = true;
			}
		}

		stopIfTooManyFailed(scope);
		active = active.filter(host => !failedHere.has(host) && !host.unreachable && !host.ended && (!host.failed || failedBefore.has(host)));
	}

	return failed;
}
