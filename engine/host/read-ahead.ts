import type {ExecResult} from '../connection/connection.js';
import type {FileRequest, FileState, HostRunner, ReadAheadCache} from './file-state.js';
import {batchRead, readableAhead, readMany, requestKey} from './read-many.js';

/*
 * Reading ahead: when a task reads file states on a host that the tasks just before it left
 * unchanged, the states the next tasks will read are read with it, in one round trip and one
 * `stat` (read-many.ts). They stay good until a command that may change the host runs
 * there: any apply, any command not one of pb's own reads. A re-run of a playbook of file tasks
 * then costs a round trip per batch, not per task. On a first run every task changes something:
 * what the next task will read is then read right after each command of an apply, in that
 * command's round trip (ExecOptions.after), so a task that changes something costs one.
 */

/** A read run right after a command that may change the host, and what to do with its output. */
export interface ReadAfter {
	readonly script: string;
	keep(result: ExecResult): void;
}

/** How many tasks one batch reads for. */
const tasksAhead = 32;

/**
 * At most this many requests are read after a change: a loop's items all come with the next
 * item's read, so a long loop's items read alone rather than all of them after every item.
 */
const requestsAfterChange = 16;

/** The requests a batch can read, each once, by requestKey. */
function readableByKey(ctx: HostRunner, requests: readonly FileRequest[]): Map<string, FileRequest> {
	return new Map(requests.filter(request => readableAhead(ctx, request)).map(request => [requestKey(request), request]));
}

/** One host's states read ahead; the engine tells it when a task begins and when the host may have changed. */
export class ReadAhead implements ReadAheadCache {
	private readonly states = new Map<string, FileState>();
	/** Bumped by every possible change, so a batch read across one is not kept. */
	private generation = 0;
	/** Whether the host may have changed since the current task began, and when the one before began. */
	private changed = false;
	private changedBefore = false;
	/** The item of the task's loop running now (0 without a loop). */
	private item = 0;
	private upcoming: (tasks: number, fromItem: number) => FileRequest[] = () => [];

	/**
	 * A task begins on this host; `upcoming` gives what the next `tasks` tasks will read, the
	 * task's own loop items from `fromItem` on counting as the first while any are left.
	 */
	begin(upcoming: (tasks: number, fromItem: number) => FileRequest[]): void {
		this.changedBefore = this.changed;
		this.changed = false;
		this.item = 0;
		this.upcoming = upcoming;
	}

	/** The next item of the task's loop begins: as after a task, it reads ahead only if the item before changed nothing. */
	nextItem(): void {
		this.changedBefore = this.changed;
		this.changed = false;
		this.item++;
	}

	/** Something may change the host now: nothing read before is known any more. */
	invalidate(): void {
		this.states.clear();
		this.generation++;
		this.changed = true;
	}

	/**
	 * A command of an apply is about to run: as invalidate, and the read the next task (or the
	 * task's next loop item) will ask for, to run after that command, or undefined.
	 */
	change(ctx: HostRunner): ReadAfter | undefined {
		this.invalidate();
		// The loop's items after this one, or once they are done the next task's.
		const requests = readableByKey(ctx, this.upcoming(1, this.item + 1));
		if (requests.size === 0 || requests.size > requestsAfterChange) {
			return undefined;
		}

		const read = batchRead(ctx, [...requests.values()]);
		const generation = this.generation;
		return {
			script: read.script,
			keep: result => {
				const states = result.after === undefined || generation !== this.generation ? undefined : read.states(result.after);
				for (const [key, state] of states ?? []) {
					this.states.set(key, state);
				}
			},
		};
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

			const wanted = readableByKey(ctx, [...requests, ...this.upcoming(tasksAhead, this.item)]);
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
