import type {FileRequest, FileState, HostRunner, ReadAheadCache} from './file-state.js';
import {readableAhead, readMany, requestKey} from './read-many.js';

/*
 * Reading ahead: when a task reads file states on a host that the tasks just before it left
 * unchanged, the states the next tasks will read are read with it, in one round trip and one
 * `stat` (read-many.ts). They stay good until a command that may change the host runs
 * there: any apply, any command not one of pb's own reads. A re-run of a playbook of file tasks
 * then costs a round trip per batch, not per task. On a first run every task changes something,
 * so nothing is read ahead after the first.
 */

/** One host's states read ahead; the engine tells it when a task begins and when the host may have changed. */
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

	/** The next item of the task's loop begins: as after a task, it reads ahead only if the item before changed nothing. */
	nextItem(): void {
		this.changedBefore = this.changed;
		this.changed = false;
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
