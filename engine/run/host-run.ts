import type {Connection} from '../connection/connection.js';
import {FileSums} from '../host/file-sums.js';
import type {PredictedPath} from '../host/file-state.js';

import type {Recap} from '../report/events.js';
import type {Failure} from './failed-task.js';
import {ReadAhead} from '../host/read-ahead.js';

/** The host's one connection: opened on first use, and opened anew after the host went away on purpose (a reboot). */
export interface Connector {
	connect(): Promise<Connection>;
	/** Leaves the current connection and opens a new one; later tasks use the new one. */
	reconnect(connectTimeoutMs?: number): Promise<Connection>;
}

/** One host's state through a play: its variables, its fate, its counts. */
export class HostRun {
	readonly name: string;
	/** Inventory variables, group vars below host vars; read again when add_host or group_by change the host's groups. */
	inventoryVars: Readonly<Record<string, unknown>>;
	facts: Record<string, unknown> = {};
	/** The gather_subset of the play that last gathered them (undefined: all). */
	factsSubset: unknown;
	/** include_vars' variables: above task vars, below set_fact. */
	readonly includedVars: Record<string, unknown> = {};
	/** set_fact and registered results: above play vars, below -e. */
	readonly setVars: Record<string, unknown> = {};
	failed = false;
	/** The last task that failed here, for a rescue's ansible_failed_task and ansible_failed_result. */
	lastFailure: Failure | undefined;
	unreachable = false;
	/** meta: end_host, or the play was ended for every host. */
	ended = false;
	readonly notified = new Set<string>();
	/** Check mode: paths earlier tasks would have changed, by path. */
	readonly predicted = new Map<string, PredictedPath>();
	/** Check mode: other things on the host earlier tasks would have changed, by their module's key. */
	readonly predictedStates = new Map<string, unknown>();
	readonly fileSums: FileSums;
	/** File states read ahead for the coming tasks, until something may change the host. */
	readonly readAhead = new ReadAhead();
	readonly recap: Recap = {ok: 0, changed: 0, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0};
	readonly connector: Connector;
	/** Who commands run as without become: becoming that same user needs no sudo. */
	readonly loginUser: string;

	/** The inventory file that lists the host (Ansible's inventory_file); none for the implicit localhost. */
	readonly inventoryFile: string | undefined;

	constructor(name: string, inventoryVars: Readonly<Record<string, unknown>>, loginUser: string, connector: Connector, warn: (msg: string) => void, inventoryFile?: string) {
		this.name = name;
		this.inventoryFile = inventoryFile;
		this.inventoryVars = inventoryVars;
		this.loginUser = loginUser;
		this.connector = connector;
		this.fileSums = new FileSums({name, loginUser, connect: async () => connector.connect(), warn});
	}

	async connect(): Promise<Connection> {
		return this.connector.connect();
	}

	get active(): boolean {
		return !this.failed && !this.unreachable && !this.ended;
	}
}
