import {formatError} from '../errors.js';
import type {IncludeRoleTask, IncludeTask} from '../playbook/types.js';
import {extendVars} from '../vars/extend-vars.js';
import type {HostRun} from './host-run.js';
import {loopItems, loopItemVars} from './loop-vars.js';
import type {RunContext} from './run-context.js';
import {effectiveCheckMode, inheritedConditions, type Scope} from './scope.js';
import {taskVars} from './variables.js';

/*
 * include_tasks and include_role decide per host what to include, when reached: the include's
 * own `when` (its tags were checked by the walk), its loop, its templated file or role name.
 */

/** One walk through what an include names, by the hosts that include the same thing. */
export interface IncludePass<T> {
	readonly target: T;
	readonly hosts: HostRun[];
	/** The loop variable, in a pass of a looped include. */
	readonly itemVars: Record<string, unknown>;
}

type Include = IncludeTask | IncludeRoleTask;

/** The include fails on the host: counted and reported as its own result. */
const taskName = (include: Include) => (include.kind === 'include' ? `include_tasks ${include.file}` : `include_role ${include.spec.name}`);

function includeFailed(run: RunContext, include: Include, host: HostRun, error: unknown): void {
	host.recap.failed++;
	const msg = formatError(error);
	host.lastFailure = {task: include, result: {failed: true, changed: false, msg}};
	run.emit({kind: 'host-result', host: host.name, task: taskName(include), status: 'failed', msg, durationMs: 0});
}

/**
 * The passes of an include over `hosts`. With a loop, each item is a pass of its own with the
 * loop variable set; without one, hosts including the same target walk it together (as the
 * linear strategy has them do). Hosts on which it cannot be decided are added to `failed`.
 */
export function includePasses<T>(run: RunContext, include: Include, scope: Scope, hosts: readonly HostRun[], targetOf: (vars: Record<string, unknown>) => T, failed: Set<HostRun>): Array<IncludePass<T>> {
	const passes: Array<IncludePass<T> & {key: string}> = [];
	for (const host of hosts) {
		const vars = taskVars(run, host, scope, include, effectiveCheckMode(scope, include, run.options.check));
		try {
			if (!run.holds(inheritedConditions(scope, include), vars)) {
				// ansible-playbook counts an include its condition skips as skipped on the host.
				host.recap.skipped++;
				run.emit({kind: 'host-result', host: host.name, task: taskName(include), status: 'skipped', msg: 'Conditional result was False', durationMs: 0});
				continue;
			}

			const items = include.loop === undefined ? [undefined] : loopItems(include, vars, include.where);

			for (const index of items.keys()) {
				const itemVars = include.loop === undefined ? {} : loopItemVars(include.kind === 'include' ? include : {...include, loopIndexVar: undefined, loopExtended: false, loopExtendedAllitems: true}, items, index);
				const target = targetOf(extendVars(vars, itemVars));
				const key = JSON.stringify(target);
				const pass = include.loop === undefined ? passes.find(candidate => candidate.key === key) : undefined;
				if (pass) {
					pass.hosts.push(host);
				} else {
					passes.push({key, target, hosts: [host], itemVars});
				}
			}
		} catch (error) {
			includeFailed(run, include, host, error);
			failed.add(host);
		}
	}

	return passes;
}

/** What a pass includes, read; undefined (its hosts failed) when it cannot be. */
export function readPass<R>(run: RunContext, include: Include, hosts: readonly HostRun[], failed: Set<HostRun>, read: () => R): R | undefined {
	try {
		return read();
	} catch (error) {
		for (const host of hosts) {
			includeFailed(run, include, host, error);
			failed.add(host);
		}

		return undefined;
	}
}
