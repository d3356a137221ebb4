import {loadYamlFile} from '../load/yaml.js';
import type {SourcePosition} from '../errors.js';
import type {AnyModule} from '../module.js';
import {taskFilePath} from '../roles/role-files.js';
import type {RoleInstance} from '../roles/role.js';
import {ParseContext, type RoleReading} from './context.js';
import {parseKeyValues} from './free-form.js';
import {checkParams, hasTemplate} from './params.js';
import {actionKey, actionKeywords, commonKeywords, conditions, includeLoop, loopKeywords, loopOf, parseCommon} from './parse-common.js';
import {readIncludedRole, type TaskReaders} from './parse-role.js';
import {parseImportRole, parseIncludeRole} from './parse-role-task.js';
import type {Templated} from './play-limits.js';
import {didYouMean} from '../did-you-mean.js';
import type {IncludedRole, ModuleTask, RoleSpec, Task} from './types.js';

const moduleKeywords = [
	'args', 'register', 'notify', ...loopKeywords, 'changed_when', 'failed_when',
	'until', 'retries', 'delay', 'listen', 'verify',
];
const blockKeywords = ['block', 'rescue', 'always'];
const allKeywords = [
	...commonKeywords, ...moduleKeywords, ...blockKeywords,
	...actionKeywords.flatMap(action => [action, `ansible.builtin.${action}`, `ansible.legacy.${action}`]),
];

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
		retries: countOrTemplate(ctx, raw, 'retries', until ? 3 : 0),
		delay: countOrTemplate(ctx, raw, 'delay', 5),
		listen: ctx.strings(raw.listen, 'listen', ctx.at(raw, 'listen')),
		...verifyOf(ctx, raw),
	};
}

/** pb's own `verify: content`: the task hashes every file it reads in full, trusting no sum taken before. */
function verifyOf(ctx: ParseContext, raw: Record<string, unknown>): {verify?: 'content'} {
	if (raw.verify === undefined) {
		return {};
	}

	if (raw.verify !== 'content') {
		ctx.fail(`verify must be 'content' (hash every file the task reads in full, trusting no sum pb kept), got ${JSON.stringify(raw.verify)}`, ctx.at(raw, 'verify'));
	}

	return {verify: 'content'};
}

/** retries or delay: a count checked now, or a template rendered when the task runs. */
function countOrTemplate(ctx: ParseContext, raw: Record<string, unknown>, key: 'retries' | 'delay', fallback: number): number | Templated {
	return hasTemplate(raw[key]) ? {template: raw[key], where: ctx.at(raw, key)} : ctx.int(raw[key], key, ctx.at(raw, key), fallback);
}

/** import_tasks: read now, so its tasks are validated with the rest, and wrapped as a block. */
function importTasks(ctx: ParseContext, raw: Record<string, unknown>, key: string, where: SourcePosition): Task {
	const path = ctx.string(raw[key], 'import_tasks', ctx.at(raw, key));
	if (hasTemplate(path)) {
		ctx.fail('import_tasks needs a fixed file name; a templated one is read when reached: use include_tasks', ctx.at(raw, key));
	}

	const file = taskFilePath(path, ctx.dir, ctx.role?.path);
	if (ctx.importing.includes(file)) {
		ctx.fail(`import_tasks of ${path} imports itself (through ${ctx.importing.join(' -> ')})`, ctx.at(raw, key));
	}

	const inner = ctx.forFile(loadYamlFile(file, {keyword: 'import_tasks', path, where: ctx.at(raw, key)}));
	const tasks = parseTaskList(inner, inner.doc.value, inner.at(inner.doc.value));
	return {...parseCommon(ctx, raw, where), kind: 'block', block: tasks, rescue: [], always: []};
}

const readers: TaskReaders = {tasks: parseTaskList, handlers: parseHandlerList};

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

	const importKey = actionKey(raw, 'import_tasks');
	if (importKey !== undefined) {
		ctx.onlyKeys(raw, [...commonKeywords, importKey], 'import_tasks');
		return importTasks(ctx, raw, importKey, where);
	}

	const includeKey = actionKey(raw, 'include_tasks');
	if (includeKey !== undefined) {
		ctx.onlyKeys(raw, [...commonKeywords, ...loopKeywords, includeKey], 'include_tasks');
		const loop = includeLoop(ctx, raw, 'include_tasks');
		return {...parseCommon(ctx, raw, where), kind: 'include', file: ctx.string(raw[includeKey], 'include_tasks', ctx.at(raw, includeKey)), ...loop};
	}

	const importRoleKey = actionKey(raw, 'import_role');
	if (importRoleKey !== undefined) {
		return parseImportRole(ctx, raw, importRoleKey, where, readers);
	}

	const includeRoleKey = actionKey(raw, 'include_role');
	if (includeRoleKey !== undefined) {
		return parseIncludeRole(ctx, raw, includeRoleKey, where, readers);
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

/** A list of handlers: each one module task (blocks and includes are not handlers). */
export function parseHandlerList(ctx: ParseContext, node: unknown, where: SourcePosition): ModuleTask[] {
	const items = ctx.list(node, 'handlers', where);
	return items.map((item, index) => {
		const task = parseTask(ctx, item, ctx.at(items, index));
		if (task.kind !== 'module') {
			ctx.fail('a handler is one module task (blocks and includes are not handlers)', task.where);
		}

		return task;
	});
}

/** A task file read during the run (include_tasks), in the play's roles and, inside a role, as one of its files. */
export function parseTaskFile(file: string, registry: ReadonlyMap<string, AnyModule>, roles: RoleReading, role: RoleInstance | undefined): Task[] {
	const doc = loadYamlFile(file);
	const ctx = new ParseContext(doc, registry, roles, [], role);
	return parseTaskList(ctx, doc.value, ctx.at(doc.value));
}

/** include_role's role named by a template, read during the run as if from the file the include is in. */
export function parseIncludedRole(file: string, registry: ReadonlyMap<string, AnyModule>, roles: RoleReading, role: RoleInstance | undefined, spec: RoleSpec, where: SourcePosition): IncludedRole {
	const ctx = new ParseContext(loadYamlFile(file), registry, roles, [], role);
	return readIncludedRole(ctx, spec, where, readers);
}
