import type {Diff} from '../module.js';

/** The message of a task skipped because its `when` did not hold (Ansible's words). */
export const conditionFalse = 'Conditional result was False';

export type HostStatus = 'ok' | 'changed' | 'failed' | 'skipped' | 'unreachable';

export interface Recap {
	ok: number;
	changed: number;
	unreachable: number;
	failed: number;
	skipped: number;
	rescued: number;
	ignored: number;
}

/**
 * Everything the engine has to say, as one union. Reporters are tables keyed by `kind`,
 * so a new kind does not compile until every reporter handles it. The engine never prints.
 */
export type RunEvent =
	| {readonly kind: 'playbook-start'; readonly file: string; readonly check: boolean}
	| {readonly kind: 'play-start'; readonly name: string; readonly hosts: readonly string[]}
	| {readonly kind: 'task-start'; readonly name: string; readonly module: string; readonly where: string; readonly handler: boolean}
	| {
		readonly kind: 'host-result';
		readonly host: string;
		readonly task: string;
		readonly status: HostStatus;
		readonly msg: string;
		readonly diff?: readonly Diff[];
		/** The loop item's label, when the task loops. */
		readonly item?: string;
		/** Registered values shown at -v (never for no_log tasks). */
		readonly result?: Readonly<Record<string, unknown>>;
		readonly ignored?: boolean;
		readonly delegatedTo?: string;
		readonly durationMs: number;
	}
	| {readonly kind: 'task-end'; readonly name: string; readonly durationMs: number}
	| {readonly kind: 'warning'; readonly host?: string; readonly msg: string}
	| {readonly kind: 'progress'; readonly host: string; readonly label: string; readonly done: number; readonly total: number | undefined}
	| {readonly kind: 'debug'; readonly host: string; readonly msg: string}
	/** SIGINT or SIGTERM: the hosts mid-task, and in which task; they finish it, nothing starts after. */
	| {readonly kind: 'interrupted'; readonly signal: string; readonly running: ReadonlyArray<{readonly host: string; readonly task: string}>}
	/** --slice K/N: every host of the run (the inventory after --limit) with its slice number; `pb report merge` reads it. */
	| {readonly kind: 'slice'; readonly slice: number; readonly of: number; readonly hosts: Readonly<Record<string, number>>}
	| {readonly kind: 'recap'; readonly hosts: Readonly<Record<string, Recap>>; readonly durationMs: number};

export type EventSink = (event: RunEvent) => void;
