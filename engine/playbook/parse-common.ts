import type {SourcePosition} from '../errors.js';
import {lookupNames} from '../vars/jinja/template.js';
import type {ParseContext} from './context.js';
import type {ConditionSource, ModuleTask, TaskCommon} from './types.js';

/* What every kind of task reads the same way: its common keywords, conditions and loop. */

/** Keywords any task or block may carry. */
export const commonKeywords = [
	'name', 'when', 'tags', 'vars', 'become', 'become_user', 'environment', 'check_mode', 'no_log',
	'ignore_errors', 'delegate_to', 'run_once',
];

/** The actions written as task keywords, which answer to their FQCN too. */
export const actionKeywords = ['import_tasks', 'include_tasks', 'import_role', 'include_role'] as const;
export type ActionKeyword = typeof actionKeywords[number];

/** The key `action` is written under in the task: plain, ansible.builtin.X or ansible.legacy.X. */
export function actionKey(raw: Record<string, unknown>, action: ActionKeyword): string | undefined {
	return [action, `ansible.builtin.${action}`, `ansible.legacy.${action}`].find(key => raw[key] !== undefined);
}

/** `when:` and friends: a string, a bool, or a list of them (all must hold). */
export function conditions(ctx: ParseContext, node: Record<string, unknown>, key: string): ConditionSource[] | undefined {
	const value = node[key];
	if (value === undefined || value === null) {
		return undefined;
	}

	const where = ctx.at(node, key);
	const items = Array.isArray(value) ? value : [value];
	return items.map((item, index) => {
		if (typeof item !== 'string' && typeof item !== 'boolean' && typeof item !== 'number') {
			ctx.fail(`${key} must be an expression or a list of them, got ${JSON.stringify(item)}`, where);
		}

		return {text: String(item), where: Array.isArray(value) ? ctx.at(value, index) : where};
	});
}

export function parseCommon(ctx: ParseContext, raw: Record<string, unknown>, where: SourcePosition): TaskCommon {
	const environment = raw.environment === undefined ? undefined : ctx.mapping(raw.environment, 'environment', ctx.at(raw, 'environment'));
	return {
		name: raw.name === undefined ? undefined : ctx.string(raw.name, 'name', ctx.at(raw, 'name')),
		where,
		when: conditions(ctx, raw, 'when') ?? [],
		tags: ctx.strings(raw.tags, 'tags', ctx.at(raw, 'tags')),
		vars: raw.vars === undefined ? {} : ctx.mapping(raw.vars, 'vars', ctx.at(raw, 'vars')),
		become: ctx.bool(raw.become, 'become', ctx.at(raw, 'become')),
		becomeUser: raw.become_user === undefined ? undefined : ctx.string(raw.become_user, 'become_user', ctx.at(raw, 'become_user')),
		environment,
		checkMode: ctx.bool(raw.check_mode, 'check_mode', ctx.at(raw, 'check_mode')),
		noLog: ctx.bool(raw.no_log, 'no_log', ctx.at(raw, 'no_log')) ?? false,
		ignoreErrors: ctx.bool(raw.ignore_errors, 'ignore_errors', ctx.at(raw, 'ignore_errors')) ?? false,
		delegateTo: raw.delegate_to === undefined ? undefined : ctx.string(raw.delegate_to, 'delegate_to', ctx.at(raw, 'delegate_to')),
		runOnce: ctx.bool(raw.run_once, 'run_once', ctx.at(raw, 'run_once')) ?? false,
		dir: ctx.dir,
		keyWhere: keyPositions(ctx, raw),
		...(ctx.role === undefined ? {} : {role: ctx.role}),
	};
}

/** `loop`, and Ansible's older `with_<lookup>` for every lookup pb has (`with_items`, `with_dict`...). */
export const loopKeys: readonly string[] = ['loop', ...lookupNames.map(name => `with_${name}`)];

/** The keywords of a loop: its loop keys and loop_control. */
export const loopKeywords: readonly string[] = [...loopKeys, 'loop_control'];

/** Where each templated keyword's value is: loop for with_items too, label inside loop_control. */
function keyPositions(ctx: ParseContext, raw: Record<string, unknown>): Record<string, SourcePosition> {
	const positions: Record<string, SourcePosition> = {};
	for (const key of ['name', 'vars', 'environment', 'delegate_to']) {
		if (raw[key] !== undefined) {
			positions[key] = ctx.at(raw, key);
		}
	}

	const include = actionKey(raw, 'include_tasks');
	if (include !== undefined) {
		positions['include_tasks'] = ctx.at(raw, include);
	}

	const loopKey = loopKeys.find(key => raw[key] !== undefined);
	if (loopKey !== undefined) {
		positions['loop'] = ctx.at(raw, loopKey);
	}

	const control = raw.loop_control;
	if (control !== null && typeof control === 'object' && 'label' in control) {
		positions['label'] = ctx.at(control, 'label');
	}

	return positions;
}

type LoopKeywords = Pick<ModuleTask, 'loop' | 'loopWith' | 'loopVar' | 'loopLabel' | 'loopIndexVar' | 'loopPause' | 'loopExtended' | 'loopExtendedAllitems'>;

/** An include's loop: of loop_control, loop_var, index_var, extended and extended_allitems apply to it. */
export function includeLoop(ctx: ParseContext, raw: Record<string, unknown>, action: string): Omit<LoopKeywords, 'loopLabel' | 'loopPause'> {
	const {loopLabel, loopPause, ...loop} = loopOf(ctx, raw);
	if (loopLabel !== undefined || loopPause > 0) {
		ctx.fail(`${action} takes loop_control.loop_var, index_var, extended and extended_allitems only`, ctx.at(raw, 'loop_control', 'key'));
	}

	return loop;
}

export function loopOf(ctx: ParseContext, raw: Record<string, unknown>): LoopKeywords {
	const [key, other] = loopKeys.filter(candidate => raw[candidate] !== undefined);
	if (other !== undefined) {
		ctx.fail(`use one of ${key} and ${other}, not both`, ctx.at(raw, other, 'key'));
	}

	const control = raw.loop_control === undefined ? {} : ctx.mapping(raw.loop_control, 'loop_control', ctx.at(raw, 'loop_control'));
	ctx.onlyKeys(control, ['loop_var', 'label', 'index_var', 'pause', 'extended', 'extended_allitems'], 'loop_control');
	return {
		loop: key === undefined ? undefined : raw[key],
		loopWith: key === undefined || key === 'loop' ? undefined : key.slice('with_'.length),
		loopVar: control.loop_var === undefined ? 'item' : ctx.string(control.loop_var, 'loop_var', ctx.at(control, 'loop_var')),
		loopLabel: control.label === undefined ? undefined : ctx.string(control.label, 'label', ctx.at(control, 'label')),
		loopIndexVar: control.index_var === undefined ? undefined : ctx.string(control.index_var, 'index_var', ctx.at(control, 'index_var')),
		loopPause: ctx.int(control.pause, 'pause', ctx.at(control, 'pause'), 0),
		loopExtended: ctx.bool(control.extended, 'extended', ctx.at(control, 'extended')) ?? false,
		loopExtendedAllitems: ctx.bool(control.extended_allitems, 'extended_allitems', ctx.at(control, 'extended_allitems')) ?? true,
	};
}

