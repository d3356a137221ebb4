import type {Become} from '../connection/connection.js';
import type {ConnectionDefaults} from '../inventory/connection-settings.js';
import type {ConditionSource, ModuleTask, Play, TaskCommon} from '../playbook/types.js';
import type {RoleInstance} from '../roles/role.js';
import type {HostRun} from './host-run.js';

/** What the play's batches share as it runs. */
export interface PlayState {
	/** Set by any_errors_fatal, max_fail_percentage, meta end_play. */
	aborted: boolean;
	/** The play's max_fail_percentage, rendered when it started. */
	readonly maxFailPercentage: number | undefined;
	/** --start-at-task's pattern while the run has not reached its task; the hosts that have, in this play. */
	readonly startAt: string | undefined;
	readonly started: Set<HostRun>;
	/** Roles the play sees from now on besides its own: include_role's with public, import_role's in included files. */
	readonly roles: RoleInstance[];
	/** Handlers of roles read during the run, after the play's own. */
	readonly handlers: ModuleTask[];
	/** The hosts that ran each role, by its block's onceKey. */
	readonly ranRoles: Map<string, Set<HostRun>>;
}

export function playState(maxFailPercentage?: number, startAt?: string): PlayState {
	return {aborted: false, maxFailPercentage, startAt, started: new Set(), roles: [], handlers: [], ranRoles: new Map()};
}

/** Of `hosts`, those that have not run the role yet; they count as having run it from now. */
export function firstRuns(state: PlayState, key: string, hosts: readonly HostRun[]): HostRun[] {
	const ran = state.ranRoles.get(key) ?? new Set<HostRun>();
	state.ranRoles.set(key, ran);
	const first = hosts.filter(host => !ran.has(host));
	for (const host of first) {
		ran.add(host);
	}

	return first;
}

/** Roles and handlers read during the run join the play, each once. */
export function joinPlay(state: PlayState, roles: readonly RoleInstance[], handlers: readonly ModuleTask[]): void {
	for (const role of roles) {
		if (!state.roles.includes(role)) {
			state.roles.push(role);
		}
	}

	for (const handler of handlers) {
		if (!state.handlers.includes(handler)) {
			state.handlers.push(handler);
		}
	}
}

/**
 * What a task inherits from its play and the blocks around it (innermost last): conditions,
 * tags, variables, become and environment, resolved as Ansible does.
 */
export interface Scope {
	readonly play: Play;
	/** Play vars with vars_files read: the play's own layer of variables. */
	readonly playVars: Readonly<Record<string, unknown>>;
	/** The hosts of the play's current serial batch (ansible_play_batch). */
	readonly playHosts: readonly HostRun[];
	/** Every host of the play, all batches (ansible_play_hosts_all). */
	readonly playHostsAll: readonly HostRun[];
	readonly chain: readonly TaskCommon[];
	readonly state: PlayState;
}

export function inner(scope: Scope, block: TaskCommon): Scope {
	return {...scope, chain: [...scope.chain, block]};
}

export function inheritedConditions(scope: Scope, task: TaskCommon): ConditionSource[] {
	return [...scope.chain.flatMap(block => block.when), ...task.when];
}

export function effectiveTags(scope: Scope, task: TaskCommon): Set<string> {
	return new Set([...scope.play.tags, ...scope.chain.flatMap(block => block.tags), ...task.tags]);
}

export function scopedVars(scope: Scope, task: TaskCommon): Record<string, unknown> {
	return Object.assign({}, ...scope.chain.map(block => block.vars), task.vars) as Record<string, unknown>;
}

/** include_role's vars and loop item around the task: above set_fact, as Ansible's include params. */
export function includeParams(scope: Scope): Record<string, unknown> {
	return Object.assign({}, ...scope.chain.map(block => block.includeParams ?? {})) as Record<string, unknown>;
}

export function effectiveEnvironment(scope: Scope, task: TaskCommon): Record<string, unknown> | undefined {
	const layers = [scope.play.environment, ...scope.chain.map(block => block.environment), task.environment].filter(layer => layer !== undefined);
	return layers.length === 0 ? undefined : Object.assign({}, ...layers) as Record<string, unknown>;
}

function lastDefined<T>(values: Array<T | undefined>): T | undefined {
	return values.findLast(value => value !== undefined);
}

/** no_log, ignore_errors and run_once on a block hold for every task in it. */
export function hidesOutput(scope: Scope, task: TaskCommon): boolean {
	return task.noLog || scope.chain.some(block => block.noLog);
}

export function ignoresErrors(scope: Scope, task: TaskCommon): boolean {
	return task.ignoreErrors || scope.chain.some(block => block.ignoreErrors);
}

export function runsOnce(scope: Scope, task: TaskCommon): boolean {
	return task.runOnce || scope.chain.some(block => block.runOnce);
}

export function effectiveDelegate(scope: Scope, task: TaskCommon): string | undefined {
	return lastDefined([...scope.chain.map(block => block.delegateTo), task.delegateTo]);
}

export function effectiveCheckMode(scope: Scope, task: TaskCommon, runCheck: boolean): boolean {
	return lastDefined([scope.play.checkMode, ...scope.chain.map(block => block.checkMode), task.checkMode]) ?? runCheck;
}

/** Task, block and play keywords win over the inventory's ansible_become*, which wins over the command line's -b. */
export function effectiveBecome(scope: Scope, task: TaskCommon, vars: Readonly<Record<string, unknown>>, defaults: ConnectionDefaults = {}): Become | undefined {
	const asBool = (value: unknown) => value === true || (typeof value === 'string' && ['yes', 'true', '1'].includes(value.toLowerCase()));
	const become = lastDefined([defaults.become, asBool(vars.ansible_become) ? true : undefined, scope.play.become, ...scope.chain.map(block => block.become), task.become]);
	if (!become) {
		return undefined;
	}

	const user = lastDefined([defaults.becomeUser, vars.ansible_become_user as string | undefined, scope.play.becomeUser, ...scope.chain.map(block => block.becomeUser), task.becomeUser]) ?? 'root';
	const password = (vars.ansible_become_password ?? vars.ansible_become_pass ?? defaults.becomePassword) as string | undefined;
	return {method: 'sudo', user, password: password === undefined ? undefined : String(password)};
}

