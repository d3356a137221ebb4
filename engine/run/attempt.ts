import {posix} from 'node:path';
import {type Connection, HostUnreachable} from '../connection/connection.js';
import {LocalConnection} from '../connection/local.js';
import {PbError} from '../errors.js';
import type {ReadAfter} from '../host/read-ahead.js';
import type {ApplyResult, EngineEffects, HostContext, Plan} from '../module.js';
import {checkParams} from '../playbook/params.js';
import {type ModuleTask, whereOf} from '../playbook/types.js';
import type {HostStatus} from '../report/events.js';
import {renderValue} from '../vars/template.js';
import type {Connector, HostRun} from './host-run.js';
import type {RunContext} from './run-context.js';
import {effectiveBecome, effectiveEnvironment, type Scope} from './scope.js';
import {omit} from './variables.js';

/** One module run (one loop item, one attempt) on one host, as registered and reported. */
export interface ItemResult {
	status: HostStatus;
	result: Record<string, unknown>;
	msg: string;
	plan?: Plan<unknown>;
	effects?: EngineEffects;
	/** The engine could not run the module (a template, a parameter, a connection): failed_when does not apply. */
	error?: boolean;
}

/** Control-only modules (debug, set_fact...) need no host: they get this machine, unused. */
const localhost = new LocalConnection('localhost');

/** Progress events at most every 200 ms, and always the last one, so a fast link does not flood the reporters. */
function throttledProgress(run: RunContext, host: string): HostContext['progress'] {
	let last = 0;
	return (label, done, total) => {
		const now = Date.now();
		if (now - last >= 200 || done === total) {
			last = now;
			run.emit({kind: 'progress', host, label, done, total});
		}
	};
}

/** `/etc/x/`, `/etc//x` and `/etc/x` are one path to predictions. */
function normalPath(path: string): string {
	const normal = posix.normalize(path);
	return normal.length > 1 && normal.endsWith('/') ? normal.slice(0, -1) : normal;
}

/**
 * The task's parameters for this host: each rendered with its own position (so a template error
 * points at its line), `omit` ones left out, then checked against the module's schema.
 */
export function renderParams(task: ModuleTask, vars: Record<string, unknown>): Record<string, unknown> {
	const rendered = Object.fromEntries(Object.entries(task.args)
		.map(([key, value]) => [key, renderValue(value, vars, task.argWhere[key] ?? task.where)])
		.filter(([, value]) => value !== omit));
	return checkParams(task.module, rendered, key => (key === undefined ? task.where : task.argWhere[key] ?? task.where), 'run');
}

interface Target {
	readonly connector: Connector;
	readonly loginUser: string;
	readonly delegatedTo: string | undefined;
	/** The host the task acts on: whose predictions check mode reads and records. */
	readonly acting: HostRun;
}

/** Where the task runs: its host, or the inventory host (localhost included) named by delegate_to. */
function targetOf(run: RunContext, task: ModuleTask, host: HostRun, delegateTo: string | undefined, vars: Record<string, unknown>): Target {
	if (delegateTo === undefined) {
		return {connector: host.connector, loginUser: host.loginUser, delegatedTo: undefined, acting: host};
	}

	const name = String(renderValue(delegateTo, vars, whereOf(task, 'delegate_to')));
	const other = run.hosts.get(name);
	if (!other) {
		throw new PbError(`delegate_to names '${name}', which is not in the inventory`, {kind: 'runtime', where: whereOf(task, 'delegate_to')});
	}

	return {connector: other.connector, loginUser: other.loginUser, delegatedTo: name, acting: other};
}

function notConnected(host: string): never {
	throw new HostUnreachable(host, `${host}: not connected: the last reconnect failed`);
}

/** Runs read, plan and (outside check mode) apply once, for one set of rendered parameters. */
export async function attempt(run: RunContext, task: ModuleTask, scope: Scope, host: HostRun, vars: Record<string, unknown>, check: boolean, delegateTo: string | undefined): Promise<ItemResult> {
	const params = renderParams(task, vars);
	const {connector, loginUser, delegatedTo, acting} = targetOf(run, task, host, delegateTo, vars);
	// A password set in play or task vars is a secret too, once met; so is a secret parameter's
	// value, unless it is too short to be one ('!' and '*' lock accounts: masking them everywhere hides nothing).
	run.redactor.addFrom(vars);
	for (const [name, spec] of Object.entries(task.module.params)) {
		if (spec.secret && String(params[name] ?? '').length >= 4) {
			run.redactor.add(params[name]);
		}
	}

	const wanted = effectiveBecome(scope, task, vars, run.options.connectionDefaults);
	// Becoming the user one already is needs no sudo (which a minimal host may not even have).
	const become = wanted?.user === loginUser ? undefined : wanted;
	const environment = effectiveEnvironment(scope, task);
	const env = environment === undefined ? undefined : Object.fromEntries(Object.entries(renderValue(environment, vars, whereOf(task, 'environment')) as Record<string, unknown>).map(([key, value]) => [key, String(value)]));
	// A module that connects itself (wait_for_connection) may find no connection until it has made one.
	let conn: Connection | undefined = task.module.controlOnly ? localhost : task.module.connectsItself ? undefined : await connector.connect();
	const connection = () => conn ?? notConnected(host.name);
	// Read ahead on the task's own host only: a delegated task's host walks another list.
	const readsAhead = delegatedTo === undefined && !task.module.controlOnly && env === undefined;
	let applying = false;
	const ctx: HostContext = {
		host: delegatedTo ?? host.name,
		check,
		diff: run.options.diff,
		vars,
		roleDir: task.role?.path,
		playbookDir: task.dir,
		playDir: scope.play.dir,
		where: task.where,
		get connection() {
			return connection();
		},
		async reconnect(connectTimeoutMs) {
			acting.readAhead.invalidate();
			conn = undefined;
			conn = await connector.reconnect(connectTimeoutMs);
		},
		fileSums: acting.fileSums,
		verifyContent: run.options.verifyContent || task.verify === 'content',
		...(readsAhead ? {readAhead: acting.readAhead} : {}),
		...(check ? {
			predictedPath: (path: string) => acting.predicted.get(normalPath(path)),
			predictedBelow: (directory: string) => [...acting.predicted.values()].filter(predicted => normalPath(predicted.path).startsWith(`${normalPath(directory)}/`)),
			predictedState: (key: string) => acting.predictedStates.get(key),
		} : {}),
		async run(command, options = {}) {
			let readAfter: ReadAfter | undefined;
			if (applying && readsAhead) {
				// Any command of an apply may change the host: what the next task will read is read
				// right after it, in its round trip.
				readAfter = acting.readAhead.change(ctx);
			} else if (applying || options.inline !== true) {
				// Outside apply, what runs inline is pb's own reads, which leave the host as it was.
				acting.readAhead.invalidate();
			}

			const result = await connection().exec(command, {...options, ...(readAfter ? {after: readAfter.script} : {}), become, env: env || options.env ? {...env, ...options.env} : undefined});
			readAfter?.keep(result);
			return result;
		},
		warn: msg => run.hostEvents(host)({kind: 'warning', host: host.name, msg}),
		progress: throttledProgress(run, host.name),
	};
	const state: unknown = await task.module.read(ctx, params);
	const plan = task.module.plan(state, params) as Plan<unknown>;
	const base = {...plan.result, changed: plan.changed, msg: plan.msg, ...(plan.diff ? {diff: plan.diff} : {})};
	if (plan.failed !== undefined) {
		return {status: 'failed', result: {...base, changed: false, failed: true, msg: plan.failed}, msg: plan.failed, plan};
	}

	if (plan.skipped !== undefined) {
		return {status: 'skipped', result: {...base, changed: false, skipped: true, msg: plan.skipped}, msg: plan.skipped, plan};
	}

	if (check) {
		for (const predicted of plan.changed ? plan.predicts ?? [] : []) {
			acting.predicted.set(normalPath(predicted.path), predicted);
		}

		for (const [key, predicted] of Object.entries(plan.changed ? plan.predictsStates ?? {} : {})) {
			acting.predictedStates.set(key, predicted);
		}
	}

	if (check && plan.unpredictable !== undefined) {
		return {status: 'skipped', result: {...base, changed: false, skipped: true, msg: plan.unpredictable}, msg: plan.unpredictable, plan};
	}

	let applied: ApplyResult = {};
	if (!check && (plan.changed || task.module.alwaysApply)) {
		// Even an apply that changes things without ctx.run (through ctx.connection).
		acting.readAhead.invalidate();
		applying = true;
		try {
			applied = await task.module.apply(ctx, params, plan);
		} finally {
			applying = false;
		}
	}

	const effects = {...plan.effects, ...applied.effects};
	// As Ansible's strategy does for add_host and group_by: the engine makes the change, in check mode too, and says whether it changed anything.
	const changed = effects.inventory ? run.changeInventory(effects.inventory) : applied.changed ?? plan.changed;
	const msg = applied.failed ?? applied.msg ?? plan.msg;
	// A module's own result msg is what register gives (Ansible's words); `msg` is what pb shows.
	const result = {...base, ...applied.result, changed, msg: applied.result?.['msg'] ?? msg, failed: applied.failed !== undefined};
	return {status: applied.failed === undefined ? (changed ? 'changed' : 'ok') : 'failed', result, msg, plan, effects};
}
