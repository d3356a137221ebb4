import {roleReading} from '../playbook/context.js';
import {parseIncludedRole, parseTaskFile} from '../playbook/parse-task.js';
import {type BlockTask, handlerTopics, type IncludedRole, type IncludeRoleTask, type IncludeTask, type ModuleTask, type RoleSpec, type Task, whereOf} from '../playbook/types.js';
import {taskFilePath} from '../roles/role-files.js';
import {type RoleInstance, withDependencies} from '../roles/role.js';
import {renderValue} from '../vars/template.js';
import type {TaskOutcome} from './execute-task.js';
import {failureVars} from './failed-task.js';
import type {HostRun} from './host-run.js';
import {includePasses, readPass} from './include-passes.js';
import {queuedTask} from './queued-task.js';
import {mayRunAhead, runAhead, stretchAt} from './run-ahead.js';
import type {RunContext} from './run-context.js';
import {startsHere} from '../playbook/start-at.js';
import {selectedByTags} from '../playbook/tags.js';
import {effectiveTags, firstRuns, inner, joinPlay, runsOnce, type PlayState, type Scope} from './scope.js';
import {displayName, taskStart} from './task-name.js';

/*
 * Walks a task list over a group of hosts. With the linear strategy the group is the play's
 * batch, and each task runs on all of it (up to --forks at once) before the next one starts,
 * except through tasks that keep to their own host, where each host goes on as soon as its own
 * result is in (run-ahead.ts); with the free strategy each host walks the list as a group of one.
 *
 * A host that fails a task leaves the list. Inside a block with a rescue, that failure is the
 * rescue's to handle; outside one, the host has failed the play, and any_errors_fatal and
 * max_fail_percentage count it at once.
 */

/** Ends the play for every host of the batch, and the batches after it. */
function abortPlay(scope: Scope): void {
	scope.state.aborted = true;
	for (const host of scope.playHosts) {
		host.ended = true;
	}
}

/**
 * --start-at-task: the tasks before the first it matches are passed over, on each host of the play;
 * facts are still gathered, as in Ansible.
 */
function beforeStart(state: PlayState, task: Task, hosts: readonly HostRun[]): boolean {
	if (state.startAt === undefined || hosts.every(host => state.started.has(host)) || (task.kind === 'module' && task.implicit)) {
		return false;
	}

	if (task.kind === 'module' && startsHere(task, state.startAt)) {
		for (const host of hosts) {
			state.started.add(host);
		}

		return false;
	}

	return true;
}

/** --step: the task runs when the user says yes, or continue (then no later task asks). */
async function stepAllows(run: RunContext, task: Task): Promise<boolean> {
	if (!run.stepping || !run.options.step) {
		return true;
	}

	const role = task.role ? `${task.role.name} : ` : '';
	const name = task.kind === 'module' ? task.name ?? task.module.name : task.kind === 'include' ? 'include_tasks' : 'include_role';
	const answer = await run.options.step(`${role}${name}`);
	run.stepping = answer !== 'continue';
	return answer !== 'no';
}

/** any_errors_fatal and max_fail_percentage, over the failures no rescue can still catch. */
function stopIfTooManyFailed(scope: Scope): void {
	const {play, playHosts, state: {maxFailPercentage}} = scope;
	const down = playHosts.filter(host => host.failed || host.unreachable).length;
	const tooMany = maxFailPercentage !== undefined && down * 100 / playHosts.length > maxFailPercentage;
	if ((play.anyErrorsFatal && down > 0) || tooMany) {
		abortPlay(scope);
	}
}

export async function flushHandlers(run: RunContext, scope: Scope, hosts: readonly HostRun[]): Promise<void> {
	// Notifications are cleared once every handler had its turn, so that several handlers can
	// listen to one topic, and a handler can notify one defined after it.
	const ran: Array<[HostRun, ModuleTask]> = [];
	for (const handler of [...scope.play.handlers, ...scope.state.handlers]) {
		if (run.interrupted) {
			break;
		}

		const topics = handlerTopics(handler);
		const targets = hosts.filter(host => host.active && topics.some(topic => host.notified.has(topic)));
		if (targets.length > 0) {
			ran.push(...targets.map((host): [HostRun, ModuleTask] => [host, handler]));
			for (const host of await runModuleTask(run, handler, {...scope, chain: handler.enclosing ?? []}, targets, true)) {
				host.failed = true;
			}

			stopIfTooManyFailed(scope);
		}
	}

	for (const [host, handler] of ran) {
		for (const topic of handlerTopics(handler)) {
			host.notified.delete(topic);
		}
	}
}

/** `following`: the tasks after this one in its list, whose reads may be done with its own. */
async function runModuleTask(run: RunContext, task: ModuleTask, scope: Scope, hosts: readonly HostRun[], handler: boolean, following: readonly Task[] = []): Promise<Set<HostRun>> {
	const startedAt = Date.now();
	const name = displayName(run, task, scope, hosts[0]);
	run.emit(taskStart(task, name, handler));
	const once = runsOnce(scope, task);
	const targets = once || task.module.bypassHostLoop ? hosts.slice(0, 1) : hosts;
	const outcomes = await Promise.all(targets.map(async host => queuedTask(run, task, following, scope, host, name)));
	run.emit({kind: 'task-end', name, durationMs: Date.now() - startedAt});
	const failed = new Set<HostRun>();
	const first = outcomes[0];
	if (once && first) {
		// run_once: the one result stands for every host: its registered value, set_facts, failure.
		for (const host of hosts.slice(1)) {
			Object.assign(host.setVars, first.setVars);
			Object.assign(host.includedVars, first.includedVars);
			if (first.fatal && first.status !== 'unreachable') {
				host.recap.failed++;
				host.lastFailure = targets[0]!.lastFailure;
				failed.add(host);
			}
		}
	}

	for (const [index, outcome] of outcomes.entries()) {
		const host = targets[index]!;
		if (!outcome) {
			continue;
		}

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

async function runBlock(run: RunContext, block: BlockTask, scope: Scope, allHosts: readonly HostRun[], rescuable: boolean): Promise<Set<HostRun>> {
	// A role runs once per host in the play (unless it allows duplicates), as with Ansible's has_run.
	const hosts = block.onceKey === undefined ? allHosts : firstRuns(scope.state, block.onceKey, allHosts);
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

/** A file read during the run: its import_role roles and their handlers join the play. */
function readTasks(run: RunContext, scope: Scope, file: string, role: RoleInstance | undefined): Task[] {
	const reading = roleReading(scope.play.dir, scope.play.rolesPath);
	const tasks = parseTaskFile(file, run.options.registry, reading, role);
	joinPlay(scope.state, reading.shared, reading.handlers);
	return tasks;
}

/**
 * include_tasks: the file is read when reached, per host (its name may be templated). Its own
 * `when` and tags decide whether to include; the included tasks do not inherit them. With a
 * loop, the file runs once per item with the loop variable set.
 */
async function runInclude(run: RunContext, include: IncludeTask, scope: Scope, hosts: readonly HostRun[], rescuable: boolean): Promise<Set<HostRun>> {
	const failed = new Set<HostRun>();
	const fileOf = (vars: Record<string, unknown>) => taskFilePath(String(renderValue(include.file, vars, include.where)), include.dir, include.role?.path);
	for (const pass of includePasses(run, include, scope, hosts, fileOf, failed)) {
		const group = pass.hosts.filter(host => !failed.has(host));
		const tasks = readPass(run, include, group, failed, () => readTasks(run, scope, pass.target, include.role));
		if (tasks) {
			// ansible-playbook counts each file a host includes as an ok result of the include.
			for (const host of group) {
				host.recap.ok++;
				run.emit({kind: 'host-result', host: host.name, task: `include_tasks ${include.file}`, status: 'ok', msg: `included: ${pass.target}`, durationMs: 0});
			}

			const includeScope = inner(scope, {...include, when: [], tags: [], vars: {...include.vars, ...pass.itemVars}});
			for (const host of await runTasks(run, tasks, includeScope, group, rescuable)) {
				failed.add(host);
			}
		}
	}

	return failed;
}

/** A role named by a template, read when reached. */
function readRole(run: RunContext, scope: Scope, include: IncludeRoleTask, spec: RoleSpec): IncludedRole {
	return parseIncludedRole(include.where.file, run.options.registry, roleReading(scope.play.dir, scope.play.rolesPath), include.role, spec, whereOf(include, 'include_role'));
}

function renderSpec(spec: RoleSpec, vars: Record<string, unknown>, include: IncludeRoleTask): RoleSpec {
	const render = (value: string | undefined) => (value === undefined ? undefined : String(renderValue(value, vars, whereOf(include, 'include_role'))));
	return {name: render(spec.name)!, tasksFrom: render(spec.tasksFrom), varsFrom: render(spec.varsFrom), defaultsFrom: render(spec.defaultsFrom), handlersFrom: render(spec.handlersFrom)};
}

/**
 * include_role: the role's tasks run when reached, per host and loop item, under the include's
 * vars (as include params) and its `apply` keywords. Its handlers join the play's; with public,
 * its defaults and vars stay visible to the play's later tasks.
 */
async function runIncludeRole(run: RunContext, include: IncludeRoleTask, scope: Scope, hosts: readonly HostRun[], rescuable: boolean): Promise<Set<HostRun>> {
	const failed = new Set<HostRun>();
	const specOf = (vars: Record<string, unknown>) => (include.loaded ? include.spec : renderSpec(include.spec, vars, include));
	for (const pass of includePasses(run, include, scope, hosts, specOf, failed)) {
		const group = pass.hosts.filter(host => !failed.has(host));
		const loaded = include.loaded ?? readPass(run, include, group, failed, () => readRole(run, scope, include, pass.target));
		if (!loaded) {
			continue;
		}

		joinPlay(scope.state, [...include.public ? withDependencies(loaded.role) : [], ...loaded.imported], loaded.handlers);
		const includeScope = inner(scope, {...include, when: [], tags: [], vars: {}, includeParams: {...include.vars, ...pass.itemVars}});
		const roleScope = include.apply ? inner(includeScope, include.apply) : includeScope;
		for (const host of await runTasks(run, loaded.tasks, roleScope, group, rescuable)) {
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
	const selected = (task: Task) => selectedByTags(effectiveTags(scope, task), run.options.tags, run.options.skipTags);
	// The tasks before this one run in step: they were found a stretch the hosts could not run ahead through then.
	let inStepUntil = 0;
	for (let index = 0; index < tasks.length; index++) {
		if (active.length === 0 || run.interrupted) {
			break;
		}

		const task = tasks[index]!;
		const stretch = index < inStepUntil ? undefined : stretchAt(scope, tasks, index, selected);
		const ahead = stretch !== undefined && stretch.steps.length > 1 && mayRunAhead(run, scope, active);
		if (stretch && !ahead) {
			inStepUntil = stretch.end;
		}

		let failedHere: Set<HostRun>;
		if (ahead) {
			failedHere = await runAhead(run, stretch.steps, scope, active);
			index = stretch.end - 1;
		} else if (task.kind === 'block') {
			failedHere = await runBlock(run, task, scope, active, rescuable);
		} else if (beforeStart(scope.state, task, active)) {
			continue;
		} else if (!selected(task)) {
			continue;
		} else if (!await stepAllows(run, task)) {
			continue;
		} else if (task.kind === 'module') {
			failedHere = await runModuleTask(run, task, scope, active, false, tasks.slice(index + 1));
		} else if (task.kind === 'include') {
			failedHere = await runInclude(run, task, scope, active, rescuable);
		} else {
			failedHere = await runIncludeRole(run, task, scope, active, rescuable);
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
