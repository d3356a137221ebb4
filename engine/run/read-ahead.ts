import {readableAhead, readMany, requestKey} from '../files-ahead.js';
import type {FileRequest, FileState, HostRunner, ReadAheadCache} from '../host-files.js';
import type {ModuleTask, Task} from '../playbook/types.js';
import {renderParams} from './attempt.js';
import type {HostRun} from './host-run.js';
import type {RunContext} from './run-context.js';
import {effectiveBecome, effectiveCheckMode, effectiveDelegate, effectiveEnvironment, type Scope} from './scope.js';
import {taskVars} from './variables.js';

/*
 * Reading ahead: when a task reads file states on a host that the tasks just before it left
 * unchanged, the states the next tasks will read are read with it, in one round trip and one
 * `stat` (engine/files-ahead.ts). They stay good until a command that may change the host runs
 * there: any apply, any command not one of pb's own reads. A re-run of a playbook of file tasks
 * then costs a round trip per batch, not per task. On a first run every task changes something,
 * so nothing is read ahead after the first.
 */

/** How many tasks one batch reads for. */
const tasksAhead = 32;

export class ReadAhead implements ReadAheadCache {
	private readonly states = new Map<string, FileState>();
	/** Bumped by every possible change, so a batch read across one is not kept. */
	private generation = 0;
	/** Whether the host may have changed since the current task began, and when the one before began. */
	private changed = false;
	private changedBefore = false;
	private upcoming: () => FileRequest[] = () => [];

	/** A task begins on this host; `upcoming` gives what the tasks right after it will read. */
	begin(upcoming: () => FileRequest[]): void {
		this.changedBefore = this.changed;
		this.changed = false;
		this.upcoming = upcoming;
	}

	/** Something may change the host now: nothing read before is known any more. */
	invalidate(): void {
		this.states.clear();
		this.generation++;
		this.changed = true;
	}

	async statesFor(ctx: HostRunner, requests: readonly FileRequest[]): Promise<FileState[] | undefined> {
		if (!requests.every(request => readableAhead(ctx, request))) {
			return undefined;
		}

		if (!requests.every(request => this.states.has(requestKey(request)))) {
			// After a change the next tasks likely change things too: what is read ahead would be read again.
			if (this.changedBefore) {
				return undefined;
			}

			const wanted = new Map([...requests, ...this.upcoming()].filter(request => readableAhead(ctx, request)).map(request => [requestKey(request), request]));
			if (wanted.size === new Set(requests.map(request => requestKey(request))).size) {
				return undefined;
			}

			const generation = this.generation;
			const read = await readMany(ctx, [...wanted.values()]);
			if (read === undefined || generation !== this.generation) {
				return undefined;
			}

			for (const [key, state] of read) {
				this.states.set(key, state);
			}
		}

		return requests.map(request => this.states.get(requestKey(request))!);
	}
}

/** A task whose read can be done ahead: plain, on its own host, without environment (the user it reads as is checked apart). */
function aheadable(task: Task, scope: Scope): task is ModuleTask {
	return task.kind === 'module' && task.module.readsAhead !== undefined && task.loop === undefined && effectiveDelegate(scope, task) === undefined && effectiveEnvironment(scope, task) === undefined;
}

/** The task's variables on the host, and the user its commands run as, compared as text. */
function varsAndBecome(run: RunContext, task: ModuleTask, scope: Scope, host: HostRun): {vars: Record<string, unknown>; become: string} {
	const vars = taskVars(run, host, scope, task, effectiveCheckMode(scope, task, run.options.check));
	return {vars, become: JSON.stringify(effectiveBecome(scope, task, vars) ?? null)};
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
