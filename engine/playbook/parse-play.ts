import {dirname, resolve} from 'node:path';
import {readAnsibleCfg, rolesPath} from '../config/ansible-cfg.js';
import {loadYamlFile} from '../load/yaml.js';
import type {AnyModule} from '../module.js';
import {ParseContext, roleReading} from './context.js';
import {checkParams, hasTemplate} from './params.js';
import {conditions} from './parse-common.js';
import {parseRoles} from './parse-role.js';
import {parseHandlerList, parseTaskList} from './parse-task.js';
import {parseVarsPrompt} from './vars-prompt.js';
import {batchSizes, failPercentage, maxFailRule, serialRule, type Templated} from './play-limits.js';
import type {SourcePosition} from '../errors.js';
import {type ConditionSource, handlerTopics, type ModuleTask, type Play, type Playbook, type Strategy, type Task, type VarsFile} from './types.js';

const playKeywords = [
	'name', 'hosts', 'vars', 'vars_files', 'defaults_files', 'gather_facts', 'gather_subset', 'become', 'become_user', 'strategy', 'serial',
	'max_fail_percentage', 'any_errors_fatal', 'pre_tasks', 'tasks', 'post_tasks', 'handlers', 'tags',
	'environment', 'check_mode', 'roles', 'collections', 'vars_prompt',
];

function varsFiles(ctx: ParseContext, raw: Record<string, unknown>): VarsFile[] {
	const list = ctx.list(raw.vars_files, 'vars_files', ctx.at(raw, 'vars_files'));
	return list.map((item, index) => {
		const where = ctx.at(list, index);
		const path = ctx.string(item, 'a vars_files entry', where);
		if (hasTemplate(path)) {
			return {path, where, vars: undefined};
		}

		const doc = loadYamlFile(resolve(ctx.dir, path), {keyword: 'vars_files', path, where});
		const vars = doc.value === null || doc.value === undefined ? {} : ctx.mapping(doc.value, `${path}`, doc.where(doc.value));
		return {path, where, vars};
	});
}

/** The play's gather_subset, checked now as the setup module checks its own parameter. */
function gatherSubsetOf(ctx: ParseContext, raw: Record<string, unknown>): unknown {
	const setup = ctx.registry.get('setup');
	if (raw.gather_subset === undefined || !setup) {
		return undefined;
	}

	checkParams(setup, {gather_subset: raw.gather_subset}, () => ctx.at(raw, 'gather_subset'), 'load');
	return raw.gather_subset;
}

function defaultsFiles(ctx: ParseContext, raw: Record<string, unknown>): Record<string, unknown> {
	const list = ctx.list(raw.defaults_files, 'defaults_files', ctx.at(raw, 'defaults_files'));
	const defaults: Record<string, unknown> = {};
	for (const [index, item] of list.entries()) {
		const path = ctx.string(item, 'a defaults_files entry', ctx.at(list, index));
		if (hasTemplate(path)) {
			ctx.fail('defaults_files are read before any host is known: name them without templates', ctx.at(list, index));
		}

		const doc = loadYamlFile(resolve(ctx.dir, path), {keyword: 'defaults_files', path, where: ctx.at(list, index)});
		Object.assign(defaults, doc.value === null || doc.value === undefined ? {} : ctx.mapping(doc.value, path, doc.where(doc.value)));
	}

	return defaults;
}

/** serial or max_fail_percentage: checked now, or when the play starts if it is a template. */
function playLimit<T>(ctx: ParseContext, raw: Record<string, unknown>, key: string, check: (value: unknown) => T | undefined, rule: string): T | Templated | undefined {
	const value = raw[key];
	if (value === undefined) {
		return undefined;
	}

	const where = ctx.at(raw, key);
	if (hasTemplate(value)) {
		return {template: value, where};
	}

	return check(value) ?? ctx.fail(`${rule}; got ${JSON.stringify(value)}`, where);
}

/**
 * Every notify names a handler of the play (by name, `listen` topic, or `role : name`). Not
 * checked when an include_role names its role by a template: its handlers are known only then.
 */
function checkNotifies(ctx: ParseContext, tasks: readonly Task[], handlers: readonly ModuleTask[]): void {
	const topics = new Set(handlers.flatMap(handler => handlerTopics(handler)));
	const notifying: ModuleTask[] = [];
	let complete = true;
	const visit = (list: readonly Task[]) => {
		for (const task of list) {
			if (task.kind === 'block') {
				visit(task.block);
				visit(task.rescue);
				visit(task.always);
			} else if (task.kind === 'module') {
				notifying.push(task);
			} else if (task.kind === 'include_role') {
				complete &&= task.loaded !== undefined;
				visit(task.loaded?.tasks ?? []);
				visit(task.loaded?.handlers ?? []);
				for (const handler of task.loaded?.handlers ?? []) {
					for (const topic of handlerTopics(handler)) {
						topics.add(topic);
					}
				}
			}
		}
	};

	visit(tasks);
	visit(handlers);
	for (const task of complete ? notifying : []) {
		for (const name of task.notify) {
			if (!topics.has(name)) {
				ctx.fail(`notify names '${name}', but no handler of this play has that name or listens to it`, task.where, topics.size > 0 ? `Handlers: ${[...topics].join(', ')}.` : 'Add it under the play\'s handlers:.');
			}
		}
	}
}

/** collections: accepted as Ansible's (pb's modules answer to their FQCN anyway), but only as a list of names. */
function checkCollections(ctx: ParseContext, raw: Record<string, unknown>): void {
	const list = ctx.list(raw.collections, 'collections', ctx.at(raw, 'collections'));
	for (const [index, item] of list.entries()) {
		if (typeof item !== 'string') {
			ctx.fail(`collections lists collection names (like ansible.posix), got ${JSON.stringify(item)}`, ctx.at(list, index));
		}
	}
}

function parsePlay(fileCtx: ParseContext, node: unknown, index: number, list: unknown[]): Play {
	const ctx = fileCtx.forRoles(roleReading(fileCtx.dir, fileCtx.roles.rolesPath));
	const where = ctx.at(list, index);
	const raw = ctx.mapping(node, 'a play', where);
	ctx.onlyKeys(raw, playKeywords, 'play');
	if (raw.hosts === undefined) {
		ctx.fail('this play has no hosts: line', where, 'Add e.g. `hosts: all`.');
	}

	const strategy = raw.strategy === undefined ? 'linear' : ctx.string(raw.strategy, 'strategy', ctx.at(raw, 'strategy'));
	if (strategy !== 'linear' && strategy !== 'free') {
		ctx.fail(`strategy must be linear or free, got '${strategy}'`, ctx.at(raw, 'strategy'));
	}

	checkCollections(ctx, raw);
	const tasks = (key: string) => parseTaskList(ctx, raw[key], ctx.at(raw, key));
	// In the order they run: a role named again later in the play is the one read first.
	const preTasks = tasks('pre_tasks');
	const roleTasks = parseRoles(ctx, raw.roles, ctx.at(raw, 'roles'), {tasks: parseTaskList, handlers: parseHandlerList});
	const mainTasks = tasks('tasks');
	const postTasks = tasks('post_tasks');
	// Roles' handlers come before the play's own, as in Ansible.
	const handlers = [...ctx.roles.handlers, ...parseHandlerList(ctx, raw.handlers, ctx.at(raw, 'handlers'))];
	const hosts = Array.isArray(raw.hosts) ? raw.hosts.map(String).join(':') : ctx.string(raw.hosts, 'hosts', ctx.at(raw, 'hosts'));
	const play: Play = {
		name: raw.name === undefined ? hosts : ctx.string(raw.name, 'name', ctx.at(raw, 'name')),
		where,
		hosts,
		vars: raw.vars === undefined ? {} : ctx.mapping(raw.vars, 'vars', ctx.at(raw, 'vars')),
		varsFiles: varsFiles(ctx, raw),
		varsPrompt: parseVarsPrompt(ctx, raw.vars_prompt, ctx.at(raw, 'vars_prompt')),
		defaults: defaultsFiles(ctx, raw),
		gatherFacts: ctx.bool(raw.gather_facts, 'gather_facts', ctx.at(raw, 'gather_facts')),
		gatherSubset: gatherSubsetOf(ctx, raw),
		become: ctx.bool(raw.become, 'become', ctx.at(raw, 'become')),
		becomeUser: raw.become_user === undefined ? undefined : ctx.string(raw.become_user, 'become_user', ctx.at(raw, 'become_user')),
		strategy: strategy as Strategy,
		serial: playLimit(ctx, raw, 'serial', batchSizes, serialRule) ?? [],
		maxFailPercentage: playLimit(ctx, raw, 'max_fail_percentage', failPercentage, maxFailRule),
		anyErrorsFatal: ctx.bool(raw.any_errors_fatal, 'any_errors_fatal', ctx.at(raw, 'any_errors_fatal')) ?? false,
		preTasks,
		// Roles run after pre_tasks and their handlers, before tasks, with no handler flush between.
		tasks: [...roleTasks, ...mainTasks],
		postTasks,
		handlers,
		roles: ctx.roles.shared,
		rolesPath: ctx.roles.rolesPath,
		tags: ctx.strings(raw.tags, 'tags', ctx.at(raw, 'tags')),
		environment: raw.environment === undefined ? undefined : ctx.mapping(raw.environment, 'environment', ctx.at(raw, 'environment')),
		checkMode: ctx.bool(raw.check_mode, 'check_mode', ctx.at(raw, 'check_mode')),
		dir: ctx.dir,
	};
	checkNotifies(ctx, [...play.preTasks, ...play.tasks, ...play.postTasks], play.handlers);
	return play;
}

/** `when` on import_playbook holds for every task of the imported plays, as in Ansible. */
function onlyWhen(play: Play, when: ConditionSource[], where: SourcePosition): Play {
	const wrap = (tasks: readonly Task[]): Task[] => (tasks.length === 0 ? [] : [{
		kind: 'block', name: undefined, where, when, tags: [], vars: {}, become: undefined, becomeUser: undefined,
		environment: undefined, checkMode: undefined, noLog: false, ignoreErrors: false, delegateTo: undefined,
		runOnce: false, dir: play.dir, keyWhere: {}, block: tasks, rescue: [], always: [],
	}]);
	return {...play, preTasks: wrap(play.preTasks), tasks: wrap(play.tasks), postTasks: wrap(play.postTasks)};
}

function parsePlays(ctx: ParseContext): Play[] {
	const list = ctx.list(ctx.doc.value, 'a playbook', ctx.at(ctx.doc.value));
	if (list.length === 0) {
		ctx.fail('this playbook has no plays', {file: ctx.doc.file, line: 1, column: 1}, 'A playbook is a list of plays, each with hosts: and tasks:.');
	}

	return list.flatMap((node, index) => {
		const raw = ctx.mapping(node, 'a play', ctx.at(list, index));
		if (raw.import_playbook === undefined) {
			return [parsePlay(ctx, node, index, list)];
		}

		ctx.onlyKeys(raw, ['import_playbook', 'name', 'when'], 'import_playbook');
		const named = ctx.string(raw.import_playbook, 'import_playbook', ctx.at(raw, 'import_playbook'));
		const file = resolve(ctx.dir, named);
		if (ctx.importing.includes(file)) {
			ctx.fail(`import_playbook of ${file} imports itself`, ctx.at(raw, 'import_playbook'));
		}

		const plays = parsePlays(ctx.forFile(loadYamlFile(file, {keyword: 'import_playbook', path: named, where: ctx.at(raw, 'import_playbook')})));
		const when = conditions(ctx, raw, 'when');
		return when ? plays.map(play => onlyWhen(play, when, ctx.at(list, index))) : plays;
	});
}

/**
 * Reads a playbook and everything it imports (roles too); every structural error is found here.
 * Roles are looked for in roles/ beside the playbook, then `rolesPath` (ansible.cfg's by default).
 */
export function loadPlaybook(file: string, registry: ReadonlyMap<string, AnyModule>, searchPath: readonly string[] = rolesPath(readAnsibleCfg())): Playbook {
	const path = resolve(file);
	const doc = loadYamlFile(path);
	return {file: path, plays: parsePlays(new ParseContext(doc, registry, roleReading(dirname(path), searchPath)))};
}
