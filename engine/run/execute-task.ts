import {setTimeout as sleep} from 'node:timers/promises';
import {HostUnreachable} from '../connection/connection.js';
import {formatError, PbError} from '../errors.js';
import type {EngineEffects} from '../module.js';
import {isTemplated, type Templated} from '../playbook/play-limits.js';
import {type ModuleTask, whereOf} from '../playbook/types.js';
import {conditionFalse, type HostStatus} from '../report/events.js';
import {extendVars} from '../vars/extend-vars.js';
import {renderValue} from '../vars/template.js';
import {attempt, type ItemResult} from './attempt.js';
import type {HostRun} from './host-run.js';
import type {RunContext} from './run-context.js';
import {effectiveCheckMode, effectiveDelegate, hidesOutput, ignoresErrors, inheritedConditions, type Scope} from './scope.js';
import {loopItems, loopItemVars} from './loop-vars.js';
import {taskVars} from './variables.js';

const hidden = 'the output has been hidden due to the fact that \'no_log: true\' was specified for this result';

export interface TaskOutcome {
	readonly status: HostStatus;
	/** A failure that ignore_errors did not cover: the host leaves the list. */
	readonly fatal: boolean;
	readonly meta: EngineEffects['meta'];
	/** The registered value and set_fact variables, for run_once to hand to the other hosts. */
	readonly setVars: Record<string, unknown>;
	/** include_vars' variables, for run_once likewise. */
	readonly includedVars: Record<string, unknown>;
}

/** How this task behaves on this host: its keywords, with what it inherits from its blocks. */
interface TaskRun {
	readonly run: RunContext;
	readonly task: ModuleTask;
	readonly scope: Scope;
	readonly host: HostRun;
	readonly name: string;
	readonly check: boolean;
	readonly noLog: boolean;
	readonly ignoreErrors: boolean;
	readonly delegateTo: string | undefined;
}

function labelOf(value: unknown): string {
	return typeof value === 'string' ? value : JSON.stringify(value);
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

/** What changed_when, failed_when and until see: the result under its registered name, as in Ansible. */
function resultView(task: ModuleTask, vars: Record<string, unknown>, item: ItemResult): Record<string, unknown> {
	return extendVars(vars, task.register ? {[task.register]: item.result} : item.result);
}

function applyOverrides(current: TaskRun, vars: Record<string, unknown>, item: ItemResult): void {
	const {run, task} = current;
	if (item.status === 'skipped' || item.error) {
		return;
	}

	if (task.changedWhen) {
		const changed = run.holds(task.changedWhen, resultView(task, vars, item));
		item.result.changed = changed;
		if (item.status !== 'failed') {
			item.status = changed ? 'changed' : 'ok';
		}
	}

	if (task.failedWhen) {
		const failed = run.holds(task.failedWhen, resultView(task, vars, item));
		item.result.failed = failed;
		item.result.failed_when_result = failed;
		item.status = failed ? 'failed' : item.result.changed ? 'changed' : 'ok';
	}
}

/** retries or delay as the task has it for these variables: a whole number, 0 and up. */
function countFor(value: number | Templated, key: 'retries' | 'delay', vars: Record<string, unknown>): number {
	if (!isTemplated(value)) {
		return value;
	}

	const rendered = renderValue(value.template, vars, value.where);
	const count = typeof rendered === 'string' && /^\s*\d+\s*$/.test(rendered) ? Number(rendered) : rendered;
	if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) {
		throw new PbError(`${key} must be a whole number, 0 or more; ${JSON.stringify(value.template)} gave ${JSON.stringify(rendered)}`, {
			where: value.where,
			hint: 'Set the variable it reads to a number (in vars, group_vars or with -e).',
		});
	}

	return count;
}

/** One item: attempts until `until` holds (or once), with changed_when/failed_when applied. */
async function runItem(current: TaskRun, vars: Record<string, unknown>): Promise<ItemResult> {
	const {run, task, scope, host, check, delegateTo} = current;
	const attempts = task.until ? countFor(task.retries, 'retries', vars) + 1 : 1;
	const delay = task.until ? countFor(task.delay, 'delay', vars) : 0;
	let item: ItemResult | undefined;
	for (let count = 1; count <= attempts; count++) {
		if (count > 1) {
			await sleep(delay * 1000);
		}

		try {
			item = await attempt(run, task, scope, host, vars, check, delegateTo);
		} catch (error) {
			if (error instanceof HostUnreachable) {
				throw error;
			}

			const msg = formatError(explainCheckModeGap(error, vars, check));
			item = {status: 'failed', result: {failed: true, changed: false, msg}, msg, error: true};
		}

		applyOverrides(current, vars, item);
		if (!task.until || item.status === 'skipped' || item.error) {
			break;
		}

		item.result.attempts = count;
		if (run.holds(task.until, resultView(task, vars, item))) {
			break;
		}

		if (count === attempts) {
			item.status = 'failed';
			item.result.failed = true;
			item.msg = `retried ${attempts} times, and until (${task.until.map(condition => condition.text).join(' and ')}) never held`;
		}
	}

	return item!;
}

function report(current: TaskRun, item: ItemResult, startedAt: number, label: string | undefined, delegatedTo: string | undefined): void {
	const {run, host, name, noLog, ignoreErrors} = current;
	const showDiff = run.options.diff && !noLog && item.plan?.diff && item.plan.diff.length > 0 && item.status !== 'skipped';
	run.hostEvents(host)({
		kind: 'host-result',
		host: host.name,
		task: name,
		status: item.status,
		msg: noLog ? hidden : item.msg,
		...(showDiff ? {diff: item.plan!.diff!} : {}),
		...(label === undefined ? {} : {item: noLog ? '(hidden)' : label}),
		...(noLog ? {} : {result: item.result}),
		...(item.status === 'failed' && ignoreErrors ? {ignored: true} : {}),
		...(delegatedTo === undefined ? {} : {delegatedTo}),
		durationMs: Date.now() - startedAt,
	});
	if (item.effects?.print !== undefined && run.options.verbosity >= (item.effects.verbosity ?? 0) && !noLog) {
		run.hostEvents(host)({kind: 'debug', host: host.name, msg: item.effects.print});
	}
}

/** The task's items: its rendered loop, or one pass without a loop variable. */
function itemsOf(task: ModuleTask, vars: Record<string, unknown>): unknown[] | undefined {
	if (task.loop === undefined) {
		return undefined;
	}

	return loopItems(task, vars, whereOf(task, 'loop'));
}

/** Runs every item, reporting each as it ends; without a loop, one item reported by the caller. */
async function runItems(current: TaskRun, vars: Record<string, unknown>): Promise<{results: ItemResult[]; reported: number}> {
	const {run, task, scope} = current;
	const results: ItemResult[] = [];
	let reported = 0;
	try {
		const items = itemsOf(task, vars);
		for (const [index, value] of (items ?? [undefined]).entries()) {
			if (index > 0) {
				current.host.readAhead.nextItem();
				if (task.loopPause > 0) {
					await sleep(task.loopPause * 1000);
				}
			}

			const added = items ? loopItemVars(task, items, index) : {};
			const itemVars = items ? extendVars(vars, added) : vars;
			const itemStart = Date.now();
			const item: ItemResult = run.holds(inheritedConditions(scope, task), itemVars)
				? await runItem(current, itemVars)
				: {status: 'skipped', result: {changed: false, skipped: true, skip_reason: conditionFalse}, msg: conditionFalse};
			if (items) {
				Object.assign(item.result, added);
				const label = task.loopLabel === undefined ? labelOf(value) : String(renderValue(task.loopLabel, itemVars, whereOf(task, 'label')));
				const delegatedTo = current.delegateTo === undefined ? undefined : String(renderValue(current.delegateTo, itemVars, whereOf(task, 'delegate_to')));
				report(current, item, itemStart, label, delegatedTo);
				reported++;
			}

			results.push(item);
		}
	} catch (error) {
		if (error instanceof HostUnreachable) {
			throw error;
		}

		const msg = formatError(error);
		results.push({status: 'failed', result: {failed: true, changed: false, msg}, msg, error: true});
	}

	return {results, reported};
}

/** Ansible's recap: an ignored failure counts as ok and ignored (and changed if it changed). */
function count(host: HostRun, status: HostStatus, changed: boolean, ignored: boolean): void {
	if (status === 'failed' && !ignored) {
		host.recap.failed++;
		return;
	}

	if (status === 'skipped') {
		host.recap.skipped++;
		return;
	}

	host.recap.ok++;
	if (status === 'failed') {
		host.recap.ignored++;
	}

	if (changed) {
		host.recap.changed++;
	}
}

/** Runs a module task on one host: conditions, loop, retries, register, notify, events, recap. */
export async function executeModuleTask(run: RunContext, task: ModuleTask, scope: Scope, host: HostRun, name: string): Promise<TaskOutcome> {
	const startedAt = Date.now();
	const check = effectiveCheckMode(scope, task, run.options.check);
	const current: TaskRun = {
		run, task, scope, host, name, check,
		noLog: hidesOutput(scope, task),
		ignoreErrors: ignoresErrors(scope, task),
		delegateTo: effectiveDelegate(scope, task),
	};
	const vars = taskVars(run, host, scope, task, check);
	let outcome: {results: ItemResult[]; reported: number};
	try {
		outcome = await runItems(current, vars);
	} catch (error) {
		if (!(error instanceof HostUnreachable)) {
			throw error;
		}

		host.unreachable = true;
		host.recap.unreachable++;
		run.hostEvents(host)({kind: 'host-result', host: host.name, task: name, status: 'unreachable', msg: error.message, durationMs: Date.now() - startedAt});
		return {status: 'unreachable', fatal: true, meta: undefined, setVars: {}, includedVars: {}};
	}

	const {results, reported} = outcome;
	const failed = results.some(item => item.status === 'failed');
	const changed = results.some(item => item.result.changed === true);
	const allSkipped = results.length > 0 && results.every(item => item.status === 'skipped');
	const status: HostStatus = failed ? 'failed' : allSkipped ? 'skipped' : changed ? 'changed' : 'ok';
	const single = task.loop === undefined ? results[0] : undefined;
	if (results.length === 0) {
		run.hostEvents(host)({kind: 'host-result', host: host.name, task: name, status: 'skipped', msg: 'No items in the list', durationMs: Date.now() - startedAt});
	} else if (single !== undefined || results.length > reported) {
		// Without a loop, or when the loop itself failed before any item ran.
		const delegatedTo = current.delegateTo === undefined || results.at(-1)!.error ? undefined : String(renderValue(current.delegateTo, vars, whereOf(task, 'delegate_to')));
		report(current, results.at(-1)!, startedAt, undefined, delegatedTo);
	}

	const registered = single ? single.result : {changed, failed, msg: failed ? 'One or more items failed' : 'All items completed', results: results.map(item => item.result), ...(allSkipped || results.length === 0 ? {skipped: true} : {})};
	const setVars: Record<string, unknown> = {};
	const includedVars: Record<string, unknown> = {};
	for (const item of results) {
		if (item.status !== 'failed') {
			Object.assign(host.facts, item.effects?.facts);
			Object.assign(setVars, item.effects?.setVars);
			Object.assign(includedVars, item.effects?.includedVars);
		}
	}

	if (task.register) {
		setVars[task.register] = registered;
	}

	if (failed) {
		host.lastFailure = {task, result: registered};
	}

	Object.assign(host.setVars, setVars);
	Object.assign(host.includedVars, includedVars);
	if (!task.module.outOfRecap) {
		count(host, results.length === 0 ? 'skipped' : status, changed, current.ignoreErrors);
	}

	if (changed && !failed) {
		for (const topic of task.notify) {
			host.notified.add(topic);
		}
	}

	const meta = results.find(item => item.effects?.meta)?.effects?.meta;
	return {status, fatal: failed && !current.ignoreErrors, meta, setVars, includedVars};
}
