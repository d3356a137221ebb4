import PQueue from 'p-queue';
import type {InventoryChange} from '../inventory/changes.js';
import {localhostNames, type Inventory} from '../inventory/inventory.js';
import type {ConnectionDefaults} from '../inventory/connection-settings.js';
import type {AnyModule} from '../module.js';
import type {EventSink} from '../report/events.js';
import type {Redactor} from '../report/redact.js';
import {compileCondition, evaluateCondition, type CompiledCondition} from '../vars/condition.js';
import type {ConditionSource} from '../playbook/types.js';
import type {VarsPrompt} from '../playbook/vars-prompt.js';
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
	/** --slice: the hosts of this slice; every play targets only these. */
	readonly slice?: ReadonlySet<string> | undefined;
	readonly registry: ReadonlyMap<string, AnyModule>;
	/** -c, -u, --private-key, -b, --become-user and the passwords -k and -K asked for. */
	readonly connectionDefaults: ConnectionDefaults;
	/** ansible.cfg's gathering: implicit (facts unless a play says gather_facts: false), explicit (only when it says true), or smart (as implicit: pb gathers a host's facts once a run anyway). */
	readonly gathering: 'implicit' | 'explicit' | 'smart';
	/** --start-at-task: tasks before the first one it matches are not run. */
	readonly startAtTask: string | undefined;
	/** --step: asked before each task whether to run it; 'continue' runs it and every later one unasked. */
	readonly step?: ((task: string) => Promise<'yes' | 'no' | 'continue'>) | undefined;
	/** vars_prompt: asks for one variable when its play starts (-e's are not asked for). */
	readonly ask?: ((prompt: VarsPrompt) => Promise<string>) | undefined;
	/** --verify-content: every file read is hashed in full, trusting no sum pb kept of it. */
	readonly verifyContent?: boolean | undefined;
	/** Aborted by SIGINT or SIGTERM (its reason the signal's name): no task starts after it. */
	readonly interrupt?: AbortSignal | undefined;
}

/** A host of the inventory, ready to run tasks on (its connection opened on first use). */
export type HostMaker = (name: string, inventory: Inventory) => HostRun;

function groupsOf(inventory: Inventory): Record<string, readonly string[]> {
	return Object.fromEntries([...inventory.groups.keys()].map(name => [name, inventory.groupHosts(name)]));
}

/** What every part of one run shares: options, the fork queue, the event sink, the inventory and every host. */
export class RunContext {
	readonly options: RunOptions;
	readonly emit: EventSink;
	/** At most --forks host-tasks at once, across hosts and (with strategy free) across tasks. */
	readonly queue: PQueue;
	/** Secrets met during the run (become passwords from play vars) are added here. */
	readonly redactor: Redactor;
	/** --start-at-task's pattern until a play reaches a task it matches; then undefined. */
	awaitingStart: string | undefined;
	/** The task each host is running now, for the message an interrupt prints. */
	readonly running = new Map<HostRun, string>();
	/** Whether --step still asks: until it is answered 'continue'. */
	stepping: boolean;
	private readonly conditions = new WeakMap<ConditionSource, CompiledCondition>();
	/** Hosts running a task ahead of the one shown (run-ahead.ts): where their events wait. */
	private readonly waiting = new Map<HostRun, EventSink>();
	private current: Inventory;
	private hostRuns: ReadonlyMap<string, HostRun>;
	private groupMembers: Readonly<Record<string, readonly string[]>>;
	private readonly makeHost: HostMaker;

	get interrupted(): boolean {
		return this.options.interrupt?.aborted ?? false;
	}

	constructor(options: RunOptions, redactor: Redactor, output: EventSink, inventory: Inventory, makeHost: HostMaker) {
		this.options = options;
		this.awaitingStart = options.startAtTask;
		this.stepping = options.step !== undefined;
		options.interrupt?.addEventListener('abort', () => {
			const running = [...this.running].map(([host, task]) => ({host: host.name, task}));
			this.emit({kind: 'interrupted', signal: String(options.interrupt?.reason), running});
		}, {once: true});
		this.redactor = redactor;
		this.emit = redactor.sink(output);
		this.queue = new PQueue({concurrency: options.forks});
		this.current = inventory;
		this.makeHost = makeHost;
		const names = [...inventory.hosts.keys(), ...localhostNames.filter(name => !inventory.hosts.has(name))];
		this.hostRuns = new Map(names.map(name => [name, makeHost(name, inventory)]));
		this.groupMembers = groupsOf(inventory);
	}

	/** Where a host's results, prints and warnings go: the output, or where they wait while the host runs ahead. */
	hostEvents(host: HostRun): EventSink {
		return this.waiting.get(host) ?? this.emit;
	}

	/** Sends a host's events to `sink`, or (undefined) back to the output. */
	holdHostEvents(host: HostRun, sink: EventSink | undefined): void {
		if (sink) {
			this.waiting.set(host, sink);
		} else {
			this.waiting.delete(host);
		}
	}

	/** The inventory as add_host and group_by have left it so far. */
	get inventory(): Inventory {
		return this.current;
	}

	/** Every host, by name; a new map (never an edited one) once add_host adds one. */
	get hosts(): ReadonlyMap<string, HostRun> {
		return this.hostRuns;
	}

	/** Each group's hosts (the `groups` magic variable). */
	get groups(): Readonly<Record<string, readonly string[]>> {
		return this.groupMembers;
	}

	/** Makes add_host's or group_by's change for the tasks and plays after; whether it changed the inventory. */
	changeInventory(change: InventoryChange): boolean {
		const {inventory, changed, touched} = this.current.withChange(change);
		this.current = inventory;
		if (!changed) {
			return false;
		}

		const hosts = new Map(this.hostRuns);
		for (const name of touched) {
			const host = hosts.get(name);
			if (host) {
				host.inventoryVars = inventory.hostVars(name);
			} else {
				hosts.set(name, this.makeHost(name, inventory));
			}
		}

		this.hostRuns = hosts;
		this.groupMembers = groupsOf(inventory);
		return true;
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
