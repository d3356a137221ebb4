import PQueue from 'p-queue';
import type {AnyModule} from '../module.js';
import type {EventSink} from '../report/events.js';
import type {Redactor} from '../report/redact.js';
import {compileCondition, evaluateCondition, type CompiledCondition} from '../vars/condition.js';
import type {ConditionSource} from '../playbook/types.js';
import type {HostRun} from './host-run.js';

export interface RunOptions {
	readonly check: boolean;
	readonly diff: boolean;
	readonly forks: number;
	readonly tags: readonly string[];
	readonly skipTags: readonly string[];
	readonly extraVars: Readonly<Record<string, unknown>>;
	readonly verbosity: number;
	/** --limit: a host pattern narrowing every play's hosts. */
	readonly limit: string | undefined;
	readonly registry: ReadonlyMap<string, AnyModule>;
}

/** What every part of one run shares: options, the fork queue, the event sink, every host. */
export class RunContext {
	readonly options: RunOptions;
	readonly emit: EventSink;
	/** At most --forks host-tasks at once, across hosts and (with strategy free) across tasks. */
	readonly queue: PQueue;
	readonly hosts: ReadonlyMap<string, HostRun>;
	readonly groups: Readonly<Record<string, readonly string[]>>;
	/** Secrets met during the run (become passwords from play vars) are added here. */
	readonly redactor: Redactor;
	private readonly conditions = new WeakMap<ConditionSource, CompiledCondition>();

	constructor(options: RunOptions, redactor: Redactor, output: EventSink, hosts: ReadonlyMap<string, HostRun>, groups: Readonly<Record<string, readonly string[]>>) {
		this.options = options;
		this.redactor = redactor;
		this.emit = redactor.sink(output);
		this.queue = new PQueue({concurrency: options.forks});
		this.hosts = hosts;
		this.groups = groups;
	}

	/** All of them must hold; each is compiled once per run, however many hosts evaluate it. */
	holds(sources: readonly ConditionSource[], vars: Readonly<Record<string, unknown>>): boolean {
		return sources.every(source => {
			let compiled = this.conditions.get(source);
			if (!compiled) {
				compiled = compileCondition(source.text, source.where);
				this.conditions.set(source, compiled);
			}

			return evaluateCondition(compiled, vars);
		});
	}
}
