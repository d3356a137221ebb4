import type {CachedArtifact} from './artifacts/cache.js';
import type {Connection} from './connection/connection.js';
import type {SourcePosition} from './errors.js';
import type {FileRequest, HostRunner, PredictedPath} from './host/file-state.js';
import type {InventoryChange} from './inventory/changes.js';

/**
 * The module contract. A module is one file in modules/ exporting one `defineModule(...)`:
 * a typed parameter schema (checked for every task before any host is contacted), `read`
 * (the host's current state, in as few round trips as possible), `plan` (pure: current vs
 * desired), and `apply` (does it; never called in check mode).
 */

export type ParamType = 'str' | 'int' | 'bool' | 'path' | 'list' | 'dict' | 'raw';

export interface ParamSpec {
	readonly type: ParamType;
	readonly description: string;
	readonly required?: boolean;
	readonly default?: unknown;
	readonly choices?: readonly string[];
	/** For lists: the type of each element. */
	readonly elements?: ParamType;
	readonly aliases?: readonly string[];
	/** Kept out of every output (passwords, tokens). */
	readonly secret?: boolean;
	/** For ints: the smallest value allowed. */
	readonly minimum?: number;
}

/**
 * Rules between parameters, named as Ansible's argument specs name them, checked before any host
 * is contacted. A parameter counts as given when the task sets it (defaults do not count), except
 * in required_if, which compares values with defaults applied, as Ansible does.
 */
export interface ParamRules {
	/** At most one of each group. */
	readonly mutually_exclusive?: ReadonlyArray<readonly string[]>;
	/** At least one of each group. */
	readonly required_one_of?: ReadonlyArray<readonly string[]>;
	/** All of each group, or none. */
	readonly required_together?: ReadonlyArray<readonly string[]>;
	/** When `param` has `value`: all of `needs` (or, with `anyOf`, one of them). */
	readonly required_if?: ReadonlyArray<{readonly param: string; readonly value: unknown; readonly needs: readonly string[]; readonly anyOf?: boolean}>;
}

export type ParamSchema = Readonly<Record<string, ParamSpec>>;

type ValueOf<T extends ParamType> = T extends 'str' | 'path'
	? string
	: T extends 'int'
		? number
		: T extends 'bool'
			? boolean
			: T extends 'list'
				? unknown[]
				: T extends 'dict'
					? Record<string, unknown>
					: unknown;

type ParamValue<P extends ParamSpec> = P['choices'] extends readonly string[]
	? P['choices'][number]
	: P['type'] extends 'list'
		? P['elements'] extends ParamType
			? Array<ValueOf<P['elements']>>
			: unknown[]
		: ValueOf<P['type']>;

/** The parameters a module receives: required or defaulted keys are present, the others optional. */
export type Params<S extends ParamSchema> = {
	readonly [K in keyof S as S[K]['required'] extends true ? K : S[K] extends {default: unknown} ? K : never]: ParamValue<S[K]>;
} & {
	readonly [K in keyof S as S[K]['required'] extends true ? never : S[K] extends {default: unknown} ? never : K]?: ParamValue<S[K]>;
};

/** A before/after pair shown by --diff; `header` names what it is (a path, a unit, a key). */
export interface Diff {
	readonly header: string;
	readonly before: string;
	readonly after: string;
}

/** What the host reports about itself, gathered once per host in one round trip. */
export interface Facts {
	readonly [key: string]: unknown;
}

/** What read and apply may touch: the host, through the task's become and environment. */
export interface HostContext extends HostRunner {
	readonly check: boolean;
	readonly diff: boolean;
	/** The host's variables as the task sees them (facts included), read-only. */
	readonly vars: Readonly<Record<string, unknown>>;
	/** The folder of the role the task is in, whose templates/ and files/ are looked in first. */
	readonly roleDir?: string | undefined;
	/** Directory of the file the task was written in (a playbook, or a task file it imports): where relative `src` paths start. */
	readonly playbookDir: string;
	/** The playbook's own directory, looked in next when the task came from a task file elsewhere. */
	readonly playDir?: string | undefined;
	/** Where the task was written, for errors a module raises. */
	readonly where: SourcePosition;
	/** In check mode: every path below `directory` that earlier tasks would have written (e.g. .repo files). */
	predictedBelow?(directory: string): PredictedPath[];
	/**
	 * In check mode: what an earlier task of this run predicted for `key`, a module's own name for
	 * something on the host other than a path (a systemd unit's state). Undefined when none did.
	 */
	predictedState?(key: string): unknown;
	/** The raw connection, for modules that need their own become handling. */
	readonly connection: Connection;
	/**
	 * Leaves the host's connection and opens a new one (with this connect timeout, else the
	 * inventory's), which `run`, `connection` and every later task then use: for a module after
	 * which the host went away on purpose and comes back (reboot, wait_for_connection). Rejects
	 * with HostUnreachable while the host cannot be reached; a module may try again.
	 */
	reconnect(connectTimeoutMs?: number): Promise<void>;
	warn(message: string): void;
	/** A long transfer's progress (bytes; total when known): a bar on a terminal. */
	progress(label: string, done: number, total: number | undefined): void;
}

/** The outcome of `plan`: what a real run would do. Pure data; check mode reports it as is. */
export interface Plan<Steps = undefined> {
	readonly changed: boolean;
	/** One line for a person: what would be done, or why nothing needs doing. */
	readonly msg: string;
	readonly diff?: readonly Diff[];
	/** Module-private: what apply will carry out. */
	readonly steps: Steps;
	/** Set when check mode cannot predict the result (e.g. a command): reported as skipped there. */
	readonly unpredictable?: string;
	/** Values to register alongside changed/msg (e.g. stat's `stat`). */
	readonly result?: Readonly<Record<string, unknown>>;
	/** The task fails without apply (e.g. `fail`, a failed `assert`). */
	readonly failed?: string;
	/** The task is skipped, for this reason, as Ansible skips unarchive's and script's `creates`. */
	readonly skipped?: string;
	/** Effects on the engine rather than the host; see EngineEffects. */
	readonly effects?: EngineEffects;
	/** The paths apply would create, replace or remove: in check mode, later tasks read these. */
	readonly predicts?: readonly PredictedPath[];
	/** What apply would leave of other things, by the module's own key (predictedState reads them). */
	readonly predictsStates?: Readonly<Record<string, unknown>>;
}

/** What control modules ask of the engine (set_fact, setup, debug, meta, include_vars, add_host, group_by). */
export interface EngineEffects {
	/** Merged into the host's facts (low precedence, like gathered facts). */
	readonly facts?: Readonly<Record<string, unknown>>;
	/** Set as host variables above play vars (set_fact). */
	readonly setVars?: Readonly<Record<string, unknown>>;
	/** Set as host variables above task vars and below set_fact, for the rest of the run (include_vars). */
	readonly includedVars?: Readonly<Record<string, unknown>>;
	/**
	 * A change to the run's inventory, seen by the tasks and plays after (add_host, group_by). The
	 * engine makes it, in check mode too, and the task is changed when it changed the inventory.
	 */
	readonly inventory?: InventoryChange;
	/** Shown on the terminal as is (debug), from the -v level `verbosity` up. */
	readonly print?: string;
	readonly verbosity?: number;
	readonly meta?: 'flush_handlers' | 'end_host' | 'end_play' | 'noop';
}

/** The outcome of `apply`; fields left out keep the plan's values. */
export interface ApplyResult {
	readonly changed?: boolean;
	readonly msg?: string;
	readonly failed?: string;
	readonly result?: Readonly<Record<string, unknown>>;
	readonly effects?: EngineEffects;
}

export interface ModuleDefinition<S extends ParamSchema = ParamSchema, State = unknown, Steps = unknown> {
	readonly name: string;
	/** One line, shown by `pb modules`. */
	readonly summary: string;
	readonly params: S;
	/**
	 * The parameter a plain string fills (`command: echo hi` fills `cmd`). Modules without one
	 * read a plain string as Ansible's `key=value key=value` form.
	 */
	readonly freeForm?: string;
	/** A YAML example task, shown by `pb doc`. */
	readonly example: string;
	/** Which parameters go together and which exclude each other (engine/playbook/param-rules.ts checks them). */
	readonly rules?: ParamRules;
	/** Other checks of the values; returns a message naming the parameters, or undefined. */
	validate?(params: Params<S>): string | undefined;
	read(ctx: HostContext, params: Params<S>): Promise<State>;
	plan(state: State, params: Params<S>): Plan<Steps>;
	/** Never called in check mode, nor when the plan is unchanged. */
	apply(ctx: HostContext, params: Params<S>, plan: Plan<Steps>): Promise<ApplyResult>;
	/**
	 * The engine opens no connection before read: the module reaches the host through
	 * ctx.reconnect, as wait_for_connection waits for a host that may not be up yet.
	 */
	readonly connectsItself?: boolean;
	/** Needs no connection to the host (debug, set_fact, assert, fail, meta): runs even for a host not yet connected. */
	readonly controlOnly?: boolean;
	/** Its results stay out of the recap, as ansible-playbook leaves meta tasks out of its own. */
	readonly outOfRecap?: boolean;
	/**
	 * Runs once per task, for the first of the hosts, as Ansible runs its BYPASS_HOST_LOOP actions
	 * (add_host, pause); unlike run_once, the other hosts get no result, no registered value.
	 */
	readonly bypassHostLoop?: boolean;
	/**
	 * It may reach past its own host: it changes the inventory (add_host, group_by) or the play
	 * (meta), writes files on the controller (fetch), or renders words only known when it runs,
	 * which may read other hosts' variables (template's files, include_vars' files). Hosts do not
	 * run ahead of one another across it (engine/run/run-ahead.ts).
	 */
	readonly lockstep?: boolean;
	/**
	 * What the task would fetch into the controller's artifact cache (download via controller),
	 * for `pb artifacts pull` and `pb run --offline`; undefined when it fetches nothing there.
	 */
	controllerArtifact?(params: Params<S>): ControllerArtifact | undefined;
	/**
	 * Sets variables whose names only the run knows (include_vars' files, add_host's and group_by's
	 * inventory variables): the playbook's templates are then checked for syntax, not for undefined names.
	 */
	readonly definesVariables?: boolean;
	/** Parameters are the user's own names (set_fact): no unknown-parameter check. */
	readonly freeParams?: boolean;
	/** Whether apply must run even when the plan says unchanged (e.g. command: changed is decided by running). */
	readonly alwaysApply?: boolean;
	/**
	 * The file states `read` will ask for, when that is all it asks of the host: the engine then
	 * reads them together with those of the tasks around it, in one round trip
	 * (engine/run/read-ahead.ts). Must name exactly what read passes to readFileStates; anything
	 * else only loses the batching.
	 */
	readsAhead?(params: Params<S>): readonly FileRequest[];
	/**
	 * Its apply runs what the user wrote (command, shell), which may change anything: what a later
	 * task, or its own next loop item, would read is not read ahead with its read.
	 */
	readonly endsReadAhead?: boolean;
}

export interface ControllerArtifact {
	/** Its file name, e.g. containerd-2.3.4-linux-amd64.tar.gz. */
	readonly name: string;
	/** Fetches it into the cache (nothing when it is there already). */
	fetch(onProgress: (done: number, total: number | undefined) => void): Promise<CachedArtifact>;
	/** Whether the cache holds it (and what its checksum needs), without the network. */
	cached(): Promise<boolean>;
}

/** Keeps the schema's literal types so Params<S> can be inferred. */
export function defineModule<const S extends ParamSchema, State, Steps>(definition: ModuleDefinition<S, State, Steps>): ModuleDefinition<S, State, Steps> {
	return definition;
}

/** Erases a module's own types for the registry in modules/index.ts. */
export type AnyModule = ModuleDefinition<ParamSchema, any, any>;
