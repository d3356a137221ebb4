import {HostUnreachable, type Connection} from '../connection/connection.js';
import {LocalConnection} from '../connection/local.js';
import {formatError, PbError} from '../errors.js';
import type {ApplyResult, EngineEffects, HostContext, Plan} from '../module.js';
import {checkParams} from '../playbook/params.js';
import type {ModuleTask} from '../playbook/types.js';
import {conditionFalse, type HostStatus} from '../report/events.js';
import {renderValue} from '../vars/template.js';
import type {HostRun} from './host-run.js';
import type {RunContext} from './run-context.js';
import {effectiveBecome, effectiveCheckMode, effectiveEnvironment, inheritedConditions, type Scope} from './scope.js';
import {omit, taskVars} from './variables.js';

const hidden = 'the output has been hidden due to the fact that \'no_log: true\' was specified for this result';

/** One module run (one loop item) on one host, as registered and reported. */
interface ItemResult {
	status: HostStatus;
	result: Record<string, unknown>;
	msg: string;
	plan?: Plan<unknown>;
	effects?: EngineEffects;
}

export interface TaskOutcome {
	readonly status: HostStatus;
	/** A failure that ignore_errors did not cover: the host leaves the play. */
	readonly fatal: boolean;
	readonly meta: EngineEffects['meta'];
	/** The registered value and set_fact variables, for run_once to hand to the other hosts. */
	readonly setVars: Record<string, unknown>;
}

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

function dropOmitted(args: Record<string, unknown>): Record<string, unknown> {
	return Object.fromEntries(Object.entries(args).filter(([, value]) => value !== omit));
}

function labelOf(value: unknown): string {
	return typeof value === 'string' ? value : JSON.stringify(value);
}

async function connectionFor(run: RunContext, task: ModuleTask, host: HostRun, vars: Record<string, unknown>): Promise<{connection: () => Promise<Connection>; delegatedTo?: string}> {
	if (task.delegateTo === undefined) {
		return {connection: host.connect};
	}

	const target = String(renderValue(task.delegateTo, vars, task.where));
	if (target === 'localhost' || target === '127.0.0.1') {
		return {connection: async () => localhost, delegatedTo: 'localhost'};
	}

	const other = run.hosts.get(target);
	if (!other) {
		throw new PbError(`delegate_to names '${target}', which is not in the inventory`, {kind: 'runtime', where: task.where});
	}

	return {connection: other.connect, delegatedTo: target};
}

/** Runs read, plan and (outside check mode) apply for one set of rendered parameters. */
async function runOnce(run: RunContext, task: ModuleTask, scope: Scope, host: HostRun, vars: Record<string, unknown>, check: boolean): Promise<ItemResult> {
	// Each parameter rendered with its own position, so a template error points at its line.
	const rendered = dropOmitted(Object.fromEntries(Object.entries(task.args).map(([key, value]) => [key, renderValue(value, vars, task.argWhere[key] ?? task.where)])));
	const params = checkParams(task.module, rendered, key => (key === undefined ? task.where : task.argWhere[key] ?? task.where), 'run');
	const {connection, delegatedTo} = await connectionFor(run, task, host, vars);
	const wanted = effectiveBecome(scope, task, vars);
	// Becoming the user one already is needs no sudo (which a minimal host may not even have).
	const become = wanted?.user === host.loginUser && !delegatedTo ? undefined : wanted;
	const environment = effectiveEnvironment(scope, task);
	const env = environment === undefined ? undefined : Object.fromEntries(Object.entries(renderValue(environment, vars, task.where) as Record<string, unknown>).map(([key, value]) => [key, String(value)]));
	const conn = task.module.controlOnly ? localhost : await connection();
	const ctx: HostContext = {
		host: delegatedTo ?? host.name,
		check,
		diff: run.options.diff,
		vars,
		playbookDir: task.dir,
		where: task.where,
		connection: conn,
		...(check && !delegatedTo ? {predictedPath: (path: string) => host.predicted.get(path)} : {}),
		run: async (command, options = {}) => conn.exec(command, {...options, become, env: env || options.env ? {...env, ...options.env} : undefined}),
		warn: msg => run.emit({kind: 'warning', host: host.name, msg}),
		progress: throttledProgress(run, host.name),
	};
	const state: unknown = await task.module.read(ctx, params);
	const plan = task.module.plan(state, params) as Plan<unknown>;
	const base = {...plan.result, changed: plan.changed, msg: plan.msg, ...(plan.diff ? {diff: plan.diff} : {})};
	if (plan.failed !== undefined) {
		return {status: 'failed', result: {...base, changed: false, failed: true, msg: plan.failed}, msg: plan.failed, plan};
	}

	if (check && !delegatedTo) {
		for (const predicted of plan.changed ? plan.predicts ?? [] : []) {
			host.predicted.set(predicted.path, predicted);
		}
	}

	if (check && plan.unpredictable !== undefined) {
		return {status: 'skipped', result: {...base, changed: false, skipped: true, msg: plan.unpredictable}, msg: plan.unpredictable, plan};
	}

	let applied: ApplyResult = {};
	if (!check && (plan.changed || task.module.alwaysApply)) {
		applied = await task.module.apply(ctx, params, plan);
	}

	const changed = applied.changed ?? plan.changed;
	const msg = applied.failed ?? applied.msg ?? plan.msg;
	const result = {...base, ...applied.result, changed, msg, failed: applied.failed !== undefined};
	const effects = {...plan.effects, ...applied.effects};
	return {status: applied.failed === undefined ? (changed ? 'changed' : 'ok') : 'failed', result, msg, plan, effects};
}

/** changed_when / failed_when see the result as the registered name, as in Ansible. */
function applyOverrides(run: RunContext, task: ModuleTask, vars: Record<string, unknown>, item: ItemResult): void {
	if (item.status === 'skipped') {
		return;
	}

	const view = task.register ? {...vars, [task.register]: item.result} : {...vars, ...item.result};
	if (task.changedWhen) {
		const changed = run.holds(task.changedWhen, view);
		item.result.changed = changed;
		if (item.status !== 'failed') {
			item.status = changed ? 'changed' : 'ok';
		}
	}

	if (task.failedWhen) {
		const failed = run.holds(task.failedWhen, view);
		item.result.failed = failed;
		item.result.failed_when_result = failed;
		item.status = failed ? 'failed' : item.result.changed ? 'changed' : 'ok';
		if (!failed && item.msg === item.result.msg) {
			item.msg = String(item.result.msg ?? '');
		}
	}
}

/**
 * In check mode a command is skipped, so what it registered has no stdout: a later template
 * that reads it fails. Say so, and how to let a read-only command run in check mode.
 */
function explainCheckModeGap(error: unknown, vars: Record<string, unknown>, check: boolean): unknown {
	const root = error instanceof PbError ? /^undefined variable "([^".]+)\./.exec(error.message)?.[1] : undefined;
	const registered = root === undefined ? undefined : vars[root];
	if (!check || !(error instanceof PbError) || registered === null || typeof registered !== 'object' || (registered as {skipped?: unknown}).skipped !== true) {
		return error;
	}

	return new PbError(error.message, {
		kind: error.kind,
		where: error.where,
		hint: `${root} was registered by a task that check mode skipped. If that task only reads (it changes nothing), give it \`check_mode: false\` so it runs in --check too.`,
		cause: error,
	});
}

async function runItem(run: RunContext, task: ModuleTask, scope: Scope, host: HostRun, vars: Record<string, unknown>, check: boolean): Promise<ItemResult> {
	const attempts = task.until ? task.retries + 1 : 1;
	let item: ItemResult | undefined;
	for (let attempt = 1; attempt <= attempts; attempt++) {
		if (attempt > 1) {
			await new Promise(resolve => setTimeout(resolve, task.delay * 1000));
		}

		try {
			item = await runOnce(run, task, scope, host, vars, check);
		} catch (error) {
			if (error instanceof HostUnreachable) {
				throw error;
			}

			const msg = formatError(explainCheckModeGap(error, vars, check));
			item = {status: 'failed', result: {failed: true, changed: false, msg}, msg};
		}

		applyOverrides(run, task, vars, item);
		if (!task.until || item.status === 'skipped') {
			break;
		}

		item.result.attempts = attempt;
		const view = task.register ? {...vars, [task.register]: item.result} : {...vars, ...item.result};
		if (run.holds(task.until, view)) {
			break;
		}

		if (attempt === attempts) {
			item.status = 'failed';
			item.result.failed = true;
			item.msg = `retried ${attempts} times, and until (${task.until.map(condition => condition.text).join(' and ')}) never held`;
		}
	}

	return item!;
}

function report(run: RunContext, task: ModuleTask, host: HostRun, item: ItemResult, startedAt: number, label: string | undefined, name: string, delegatedTo: string | undefined): void {
	const showDiff = run.options.diff && !task.noLog && item.plan?.diff && item.plan.diff.length > 0 && item.status !== 'skipped';
	run.emit({
		kind: 'host-result',
		host: host.name,
		task: name,
		status: item.status,
		msg: task.noLog ? hidden : item.msg,
		...(showDiff ? {diff: item.plan!.diff!} : {}),
		...(label === undefined ? {} : {item: task.noLog ? '(hidden)' : label}),
		...(task.noLog ? {} : {result: item.result}),
		...(item.status === 'failed' && task.ignoreErrors ? {ignored: true} : {}),
		...(delegatedTo === undefined ? {} : {delegatedTo}),
		durationMs: Date.now() - startedAt,
	});
	if (item.effects?.print !== undefined && run.options.verbosity >= (item.effects.verbosity ?? 0) && !task.noLog) {
		run.emit({kind: 'debug', host: host.name, msg: item.effects.print});
	}
}

/** The task's items: its rendered loop, or one pass without a loop variable. */
function itemsOf(task: ModuleTask, vars: Record<string, unknown>): unknown[] | undefined {
	if (task.loop === undefined) {
		return undefined;
	}

	const items = renderValue(task.loop, vars, task.where);
	if (!Array.isArray(items)) {
		throw new PbError(`loop must give a list, got ${JSON.stringify(items)}`, {kind: 'runtime', where: task.where, hint: 'Write a YAML list, or a template naming a list variable: loop: "{{ packages }}".'});
	}

	return items;
}

/** Runs a module task on one host: conditions, loop, retries, register, notify, events, recap. */
export async function executeModuleTask(run: RunContext, task: ModuleTask, scope: Scope, host: HostRun, name: string): Promise<TaskOutcome> {
	const startedAt = Date.now();
	const check = effectiveCheckMode(scope, task, run.options.check);
	const vars = taskVars(run, host, scope, task, check);
	const conditions = inheritedConditions(scope, task);
	const results: ItemResult[] = [];
	let delegatedTo: string | undefined;
	let reported = 0;
	try {
		const items = itemsOf(task, vars);
		delegatedTo = task.delegateTo === undefined ? undefined : String(renderValue(task.delegateTo, vars, task.where));
		for (const value of items ?? [undefined]) {
			const itemVars = items ? {...vars, [task.loopVar]: value} : vars;
			const label = items ? (task.loopLabel === undefined ? labelOf(value) : String(renderValue(task.loopLabel, itemVars, task.where))) : undefined;
			const itemStart = Date.now();
			const item: ItemResult = run.holds(conditions, itemVars)
				? await runItem(run, task, scope, host, itemVars, check)
				: {status: 'skipped', result: {changed: false, skipped: true, skip_reason: conditionFalse}, msg: conditionFalse};
			if (items) {
				item.result[task.loopVar] = value;
				report(run, task, host, item, itemStart, label, name, delegatedTo);
				reported++;
			}

			results.push(item);
		}
	} catch (error) {
		if (error instanceof HostUnreachable) {
			host.unreachable = true;
			host.recap.unreachable++;
			run.emit({kind: 'host-result', host: host.name, task: name, status: 'unreachable', msg: error.message, durationMs: Date.now() - startedAt});
			return {status: 'unreachable', fatal: true, meta: undefined, setVars: {}};
		}

		const msg = formatError(error);
		results.push({status: 'failed', result: {failed: true, changed: false, msg}, msg});
	}

	const failed = results.some(item => item.status === 'failed');
	const changed = results.some(item => item.result.changed === true);
	const allSkipped = results.length > 0 && results.every(item => item.status === 'skipped');
	const status: HostStatus = failed ? 'failed' : allSkipped ? 'skipped' : changed ? 'changed' : 'ok';
	const single = task.loop === undefined ? results[0] : undefined;
	if (results.length === 0) {
		run.emit({kind: 'host-result', host: host.name, task: name, status: 'skipped', msg: 'No items in the list', durationMs: Date.now() - startedAt});
	} else if (single !== undefined || results.length > reported) {
		// Without a loop, or when the loop itself failed before any item ran.
		report(run, task, host, results.at(-1)!, startedAt, undefined, name, delegatedTo);
	}

	const registered = single ? single.result : {changed, failed, msg: failed ? 'One or more items failed' : 'All items completed', results: results.map(item => item.result), ...(allSkipped ? {skipped: true} : {})};
	const setVars: Record<string, unknown> = {};
	for (const item of results) {
		if (item.status !== 'failed') {
			Object.assign(host.facts, item.effects?.facts);
			Object.assign(setVars, item.effects?.setVars);
		}
	}

	if (task.register) {
		setVars[task.register] = registered;
	}

	Object.assign(host.setVars, setVars);
	if (failed) {
		if (task.ignoreErrors) {
			host.recap.ignored++;
		} else {
			host.recap.failed++;
		}
	} else if (status === 'skipped') {
		host.recap.skipped++;
	} else {
		host.recap.ok++;
		if (changed) {
			host.recap.changed++;
			for (const topic of task.notify) {
				host.notified.add(topic);
			}
		}
	}

	const meta = results.find(item => item.effects?.meta)?.effects?.meta;
	return {status, fatal: failed && !task.ignoreErrors, meta, setVars};
}
