import type {ModuleTask, Task} from '../playbook/types.js';
import type {EventSink, RunEvent} from '../report/events.js';
import {ownVars, roleDefaults, roleParams, roleVars, type RoleInstance} from '../roles/role.js';
import type {HostRun} from './host-run.js';
import type {RunContext} from './run-context.js';
import {effectiveDelegate, runsOnce, type Scope} from './scope.js';
import {queuedTask} from './queued-task.js';
import {displayName, taskStart} from './task-name.js';
import {templatedVarsFilesRead} from './vars-files.js';

/*
 * The linear strategy makes every host wait, after each task, for the slowest host. Where the
 * tasks keep to their own host, that wait changes nothing a host can see: so each host starts its
 * next task as soon as its own result is in, and the output still shows each task whole, in
 * order, as the linear strategy shows it.
 *
 * A task keeps to its host when nothing in it reads what other hosts have done (hostvars,
 * ansible_play_hosts, ansible_play_batch, play_hosts, in its words or in any variable it may
 * read), it runs on each host itself (no run_once, delegate_to), and its module does not reach
 * past the host (ModuleDefinition.lockstep). Around any other task, and in a play where a
 * failure may end the play for all (any_errors_fatal, max_fail_percentage), hosts keep in step.
 */

const otherHosts = /\b(?:hostvars|play_hosts|ansible_play_hosts|ansible_play_batch)\b|\b(?:lookup|query|q)\(\s*["']template/;
const scanned = new WeakMap<object, boolean>();

/** Whether any string in the value (a variable, a parameter, a condition) may read other hosts' state. */
function readsOtherHosts(value: unknown, cache = true): boolean {
	if (typeof value === 'string') {
		return otherHosts.test(value);
	}

	if (value === null || typeof value !== 'object') {
		return false;
	}

	let found = cache ? scanned.get(value) : undefined;
	if (found === undefined) {
		found = Object.values(value).some(each => readsOtherHosts(each));
		if (cache) {
			scanned.set(value, found);
		}
	}

	return found;
}

/**
 * Whether the hosts may run ahead in this play, now: every variable they may read keeps to its host
 * and no failure can end the play for the others. Variables set at run time from files
 * (include_vars, vars files named by templates) are looked at as read so far.
 */
export function mayRunAhead(run: RunContext, scope: Scope, hosts: readonly HostRun[]): boolean {
	const {play, state} = scope;
	if (hosts.length < 2 || play.anyErrorsFatal || state.maxFailPercentage !== undefined || run.stepping || state.startAt !== undefined) {
		return false;
	}

	const roles = [...play.roles, ...state.roles];
	const playWide = [scope.playVars, play.defaults, run.options.extraVars, ...roles.map(role => role.defaults), ...roles.map(role => ownVars(role))];
	return !playWide.some(vars => readsOtherHosts(vars)) && hosts.every(host => {
		const varsFiles = templatedVarsFilesRead(play, host);
		return varsFiles !== undefined && !readsOtherHosts(varsFiles) && !readsOtherHosts(host.inventoryVars) && !readsOtherHosts(host.includedVars, false);
	});
}

/** Whether the task keeps to its own host (see above); the play's variables are mayRunAhead's to look at. */
function keepsToItsHost(scope: Scope, task: Task): task is ModuleTask {
	// A templated name is shown as the first host renders it when the task starts: that host must be there.
	if (task.kind !== 'module' || task.module.lockstep || task.module.bypassHostLoop || runsOnce(scope, task) || effectiveDelegate(scope, task) !== undefined || task.name?.includes('{{')) {
		return false;
	}

	const words = [task.args, task.when, task.changedWhen, task.failedWhen, task.until, task.loop, task.loopLabel, task.vars, task.environment, task.becomeUser, task.retries, task.delay];
	const around = scope.chain.flatMap(block => [block.vars, block.when, block.environment, block.includeParams, block.becomeUser]);
	return !(task.role && roleReadsOtherHosts(task.role)) && ![...words, ...around].some(value => readsOtherHosts(value));
}

const rolesScanned = new WeakMap<RoleInstance, boolean>();

/** Whether the variables a role's tasks see as its own (defaults, vars, params, with those of its chain) may read other hosts. */
function roleReadsOtherHosts(role: RoleInstance): boolean {
	let found = rolesScanned.get(role);
	if (found === undefined) {
		found = [roleDefaults(role), roleVars(role), roleParams(role)].some(vars => readsOtherHosts(vars, false));
		rolesScanned.set(role, found);
	}

	return found;
}

/** A task of a stretch, with the tasks after it in its list (whose reads may be done with its own). */
export interface Step {
	readonly task: ModuleTask;
	readonly following: readonly Task[];
}

/**
 * The tasks from `start` on that the hosts may run ahead through, with where the walk goes on
 * after them. `runs` passes over a task the walk would not run (its tags not selected).
 */
export function stretchAt(scope: Scope, tasks: readonly Task[], start: number, runs: (task: Task) => boolean): {steps: Step[]; end: number} {
	const steps: Step[] = [];
	let end = start;
	for (; end < tasks.length; end++) {
		const task = tasks[end]!;
		if (!runs(task)) {
			continue;
		}

		if (!keepsToItsHost(scope, task)) {
			break;
		}

		steps.push({task, following: tasks.slice(end + 1)});
	}

	return {steps, end};
}

interface Shown {
	readonly task: ModuleTask;
	readonly name: string;
	/** Events of hosts that ran ahead into the task before it was shown. */
	readonly held: RunEvent[];
	/** Where its hosts' events go: out while it is shown, into `held` before. */
	readonly sink: EventSink;
	/** How many hosts go into the task: known once every host has ended the one before. */
	expected: number | undefined;
	ended: number;
	/** Of those that ended it, how many go on to the next. */
	goingOn: number;
	startedAt: number | undefined;
}

/**
 * Shows the tasks of a stretch in order: a task's banner, then its hosts' events, then the next
 * task once every host has ended this one. Events of a task not shown yet wait.
 */
class InOrder {
	private readonly tasks: Shown[];
	private shown = 0;
	private readonly emit: EventSink;

	constructor(emit: EventSink, tasks: ReadonlyArray<{task: ModuleTask; name: string}>, hosts: number) {
		this.emit = emit;
		this.tasks = tasks.map(({task, name}, index) => {
			const held: RunEvent[] = [];
			const sink: EventSink = event => (index === this.shown ? emit(event) : held.push(event));
			return {task, name, held, sink, expected: undefined, ended: 0, goingOn: 0, startedAt: undefined};
		});
		this.open(0, hosts);
	}

	/** A host starts task `index`: where its events go. */
	enter(index: number): EventSink {
		const task = this.tasks[index]!;
		task.startedAt ??= Date.now();
		return task.sink;
	}

	/** A host ended task `index`; `goesOn`: it runs the next one. */
	end(index: number, goesOn: boolean): void {
		const task = this.tasks[index]!;
		task.ended++;
		if (goesOn) {
			task.goingOn++;
		}

		while (this.shown < this.tasks.length && this.tasks[this.shown]!.ended === this.tasks[this.shown]!.expected) {
			const done = this.tasks[this.shown]!;
			this.emit({kind: 'task-end', name: done.name, durationMs: Date.now() - (done.startedAt ?? Date.now())});
			this.shown++;
			if (this.shown < this.tasks.length) {
				this.open(this.shown, done.goingOn);
			}
		}
	}

	/** Shows the task's banner and what its hosts held; with no host going into it, nothing is shown from here on. */
	private open(index: number, hosts: number): void {
		if (hosts === 0) {
			this.shown = this.tasks.length;
			return;
		}

		const task = this.tasks[index]!;
		task.expected = hosts;
		this.emit(taskStart(task.task, task.name, false));
		for (const event of task.held.splice(0)) {
			this.emit(event);
		}
	}
}

/**
 * Runs the stretch on the hosts, each host going from one task to the next on its own result;
 * returns the hosts that failed in it, as the walk's runModuleTask returns them for one task.
 */
export async function runAhead(run: RunContext, steps: readonly Step[], scope: Scope, hosts: readonly HostRun[]): Promise<Set<HostRun>> {
	const failed = new Set<HostRun>();
	// No name in a stretch is templated: any host renders it alike.
	const names = steps.map(({task}) => displayName(run, task, scope, undefined));
	const shown = new InOrder(run.emit, steps.map(({task}, index) => ({task, name: names[index]!})), hosts.length);
	await Promise.all(hosts.map(async host => {
		for (const [index, {task, following}] of steps.entries()) {
			const outcome = await queuedTask(run, task, following, scope, host, names[index]!, () => shown.enter(index));
			if (outcome?.fatal && outcome.status !== 'unreachable') {
				failed.add(host);
			}

			// After an interrupt the task running ends, and none starts: none is shown either.
			const goesOn = outcome !== undefined && !outcome.fatal && !host.unreachable && !host.ended && !run.interrupted;
			shown.end(index, goesOn);
			if (!goesOn) {
				return;
			}
		}
	}));
	return failed;
}
