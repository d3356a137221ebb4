import {resolve} from 'node:path';
import {loadYamlFile} from '../load/yaml.js';
import type {SourcePosition} from '../errors.js';
import {ParseContext} from './context.js';
import {parseKeyValues} from './free-form.js';
import {checkParams, hasTemplate} from './params.js';
import {didYouMean} from '../did-you-mean.js';
import type {ConditionSource, ModuleTask, Task, TaskCommon} from './types.js';

/** Keywords any task or block may carry. */
const commonKeywords = [
	'name', 'when', 'tags', 'vars', 'become', 'become_user', 'environment', 'check_mode', 'no_log',
	'ignore_errors', 'delegate_to', 'run_once',
];
const moduleKeywords = [
	'args', 'register', 'notify', 'loop', 'with_items', 'loop_control', 'changed_when', 'failed_when',
	'until', 'retries', 'delay', 'listen',
];
const blockKeywords = ['block', 'rescue', 'always'];
const includeKeywords = ['import_tasks', 'include_tasks', 'loop', 'with_items', 'loop_control'];
const allKeywords = [...commonKeywords, ...moduleKeywords, ...blockKeywords, ...includeKeywords];

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

function parseCommon(ctx: ParseContext, raw: Record<string, unknown>, where: SourcePosition): TaskCommon {
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
	};
}

/** Where each templated keyword's value is: loop for with_items too, label inside loop_control. */
function keyPositions(ctx: ParseContext, raw: Record<string, unknown>): Record<string, SourcePosition> {
	const positions: Record<string, SourcePosition> = {};
	for (const key of ['name', 'vars', 'environment', 'delegate_to', 'include_tasks']) {
		if (raw[key] !== undefined) {
			positions[key] = ctx.at(raw, key);
		}
	}

	const loopKey = raw.loop === undefined ? 'with_items' : 'loop';
	if (raw[loopKey] !== undefined) {
		positions['loop'] = ctx.at(raw, loopKey);
	}

	const control = raw.loop_control;
	if (control !== null && typeof control === 'object' && 'label' in control) {
		positions['label'] = ctx.at(control, 'label');
	}

	return positions;
}

type LoopKeywords = Pick<ModuleTask, 'loop' | 'loopVar' | 'loopLabel' | 'loopIndexVar' | 'loopPause' | 'loopExtended' | 'loopExtendedAllitems'>;

function loopOf(ctx: ParseContext, raw: Record<string, unknown>): LoopKeywords {
	if (raw.loop !== undefined && raw.with_items !== undefined) {
		ctx.fail('use either loop or with_items, not both', ctx.at(raw, 'with_items', 'key'));
	}

	const control = raw.loop_control === undefined ? {} : ctx.mapping(raw.loop_control, 'loop_control', ctx.at(raw, 'loop_control'));
	ctx.onlyKeys(control, ['loop_var', 'label', 'index_var', 'pause', 'extended', 'extended_allitems'], 'loop_control');
	return {
		loop: raw.loop ?? raw.with_items,
		loopVar: control.loop_var === undefined ? 'item' : ctx.string(control.loop_var, 'loop_var', ctx.at(control, 'loop_var')),
		loopLabel: control.label === undefined ? undefined : ctx.string(control.label, 'label', ctx.at(control, 'label')),
		loopIndexVar: control.index_var === undefined ? undefined : ctx.string(control.index_var, 'index_var', ctx.at(control, 'index_var')),
		loopPause: ctx.int(control.pause, 'pause', ctx.at(control, 'pause'), 0),
		loopExtended: ctx.bool(control.extended, 'extended', ctx.at(control, 'extended')) ?? false,
		loopExtendedAllitems: ctx.bool(control.extended_allitems, 'extended_allitems', ctx.at(control, 'extended_allitems')) ?? true,
	};
}

function parseModuleTask(ctx: ParseContext, raw: Record<string, unknown>, moduleName: string, where: SourcePosition): ModuleTask {
	const module = ctx.registry.get(moduleName)!;
	const written = raw[moduleName];
	const writtenWhere = ctx.at(raw, moduleName);
	let args: Record<string, unknown> = {};
	const argWhere: Record<string, SourcePosition> = {};
	if (typeof written === 'string' || typeof written === 'number') {
		const text = String(written);
		if (module.freeForm) {
			args[module.freeForm] = text;
		} else {
			const pairs = parseKeyValues(text);
			if (!pairs) {
				ctx.fail(`${moduleName} takes parameters as a mapping or as key=value pairs, got ${JSON.stringify(text)}`, writtenWhere, `Write e.g.\n  ${moduleName}:\n    ${Object.keys(module.params)[0] ?? 'name'}: ...`);
			}

			args = pairs;
		}

		for (const key of Object.keys(args)) {
			argWhere[key] = writtenWhere;
		}
	} else if (written !== null && written !== undefined) {
		args = {...ctx.mapping(written, `${moduleName}'s parameters`, writtenWhere)};
		for (const key of Object.keys(args)) {
			argWhere[key] = ctx.at(written, key, 'key');
		}
	}

	if (raw.args !== undefined) {
		const extra = ctx.mapping(raw.args, 'args', ctx.at(raw, 'args'));
		for (const [key, value] of Object.entries(extra)) {
			if (!(key in args)) {
				args[key] = value;
				argWhere[key] = ctx.at(extra, key, 'key');
			}
		}
	}

	checkParams(module, args, key => (key === undefined ? writtenWhere : argWhere[key] ?? writtenWhere), 'load');
	const until = conditions(ctx, raw, 'until');
	return {
		...parseCommon(ctx, raw, where),
		kind: 'module',
		module,
		args,
		argWhere,
		register: raw.register === undefined ? undefined : ctx.string(raw.register, 'register', ctx.at(raw, 'register')),
		notify: ctx.strings(raw.notify, 'notify', ctx.at(raw, 'notify')),
		...loopOf(ctx, raw),
		changedWhen: conditions(ctx, raw, 'changed_when'),
		failedWhen: conditions(ctx, raw, 'failed_when'),
		until,
		// Ansible retries 3 times by default once `until` is set.
		retries: ctx.int(raw.retries, 'retries', ctx.at(raw, 'retries'), until ? 3 : 0),
		delay: ctx.int(raw.delay, 'delay', ctx.at(raw, 'delay'), 5),
		listen: ctx.strings(raw.listen, 'listen', ctx.at(raw, 'listen')),
	};
}

/** import_tasks: read now, so its tasks are validated with the rest, and wrapped as a block. */
function importTasks(ctx: ParseContext, raw: Record<string, unknown>, where: SourcePosition): Task {
	const path = ctx.string(raw.import_tasks, 'import_tasks', ctx.at(raw, 'import_tasks'));
	if (hasTemplate(path)) {
		ctx.fail('import_tasks needs a fixed file name; a templated one is read when reached: use include_tasks', ctx.at(raw, 'import_tasks'));
	}

	const file = resolve(ctx.dir, path);
	if (ctx.importing.includes(file)) {
		ctx.fail(`import_tasks of ${path} imports itself (through ${ctx.importing.join(' -> ')})`, ctx.at(raw, 'import_tasks'));
	}

	const doc = loadYamlFile(file);
	const inner = new ParseContext(doc, ctx.registry, ctx.importing);
	const tasks = parseTaskList(inner, doc.value, inner.at(doc.value));
	return {...parseCommon(ctx, raw, where), kind: 'block', block: tasks, rescue: [], always: []};
}

export function parseTask(ctx: ParseContext, node: unknown, where: SourcePosition): Task {
	const raw = ctx.mapping(node, 'a task', where);
	const moduleKeys = Object.keys(raw).filter(key => ctx.registry.has(key));
	const unknown = Object.keys(raw).filter(key => !ctx.registry.has(key) && !allKeywords.includes(key));
	if (unknown.length > 0) {
		const key = unknown[0]!;
		ctx.fail(`unknown module or task keyword '${key}'${didYouMean(key, [...ctx.registry.keys(), ...allKeywords])}`, ctx.at(raw, key, 'key'), 'Run `pb modules` to list the modules.');
	}

	if (raw.block !== undefined) {
		ctx.onlyKeys(raw, [...commonKeywords, ...blockKeywords], 'block');
		const list = (key: string) => parseTaskList(ctx, raw[key], ctx.at(raw, key));
		return {...parseCommon(ctx, raw, where), kind: 'block', block: list('block'), rescue: list('rescue'), always: list('always')};
	}

	if (raw.import_tasks !== undefined) {
		ctx.onlyKeys(raw, [...commonKeywords, 'import_tasks'], 'import_tasks');
		return importTasks(ctx, raw, where);
	}

	if (raw.include_tasks !== undefined) {
		ctx.onlyKeys(raw, [...commonKeywords, ...includeKeywords], 'include_tasks');
		const {loop, loopVar, loopLabel, loopIndexVar, loopPause, loopExtended, loopExtendedAllitems} = loopOf(ctx, raw);
		if (loopLabel !== undefined || loopPause > 0) {
			ctx.fail('include_tasks takes loop_control.loop_var, index_var, extended and extended_allitems only', ctx.at(raw, 'loop_control', 'key'));
		}

		const file = ctx.string(raw.include_tasks, 'include_tasks', ctx.at(raw, 'include_tasks'));
		return {...parseCommon(ctx, raw, where), kind: 'include', file, loop, loopVar, loopIndexVar, loopExtended, loopExtendedAllitems};
	}

	if (moduleKeys.length === 0) {
		ctx.fail('this task names no module', where, 'A task needs one module key, e.g. `command: echo hello`; run `pb modules` to list them.');
	}

	if (moduleKeys.length > 1) {
		ctx.fail(`a task runs one module, this one names ${moduleKeys.map(key => `'${key}'`).join(' and ')}`, ctx.at(raw, moduleKeys[1], 'key'), 'Split it into one task per module.');
	}

	ctx.onlyKeys(raw, [...commonKeywords, ...moduleKeywords, moduleKeys[0]!], 'task');
	return parseModuleTask(ctx, raw, moduleKeys[0]!, where);
}

export function parseTaskList(ctx: ParseContext, node: unknown, where: SourcePosition): Task[] {
	const items = ctx.list(node, 'a task list', where);
	return items.map((item, index) => parseTask(ctx, item, ctx.at(items, index)));
}
