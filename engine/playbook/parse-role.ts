import {dirname} from 'node:path';
import type {SourcePosition} from '../errors.js';
import {loadYamlFile} from '../load/yaml.js';
import {findRole, roleSearchDirs} from '../roles/find-role.js';
import {roleFile, type RoleFolder, roleVariableFiles} from '../roles/role-files.js';
import {type RoleInstance, withDependencies} from '../roles/role.js';
import {type ParseContext, roleReading} from './context.js';
import {commonKeywords, parseCommon} from './parse-common.js';
import type {BlockTask, IncludedRole, LoadedRole, ModuleTask, RoleSpec, Task, TaskCommon} from './types.js';

/*
 * Reading roles into ordinary tasks: a role becomes a block of its dependencies' tasks and its
 * own, each task pointing at the role's instance (for its variables and its folders), so the
 * run, --check and the read-ahead treat them as any other task.
 */

/** parse-task's readers, passed in: a role's files hold tasks, and tasks name roles. */
export interface TaskReaders {
	readonly tasks: (ctx: ParseContext, node: unknown, where: SourcePosition) => Task[];
	readonly handlers: (ctx: ParseContext, node: unknown, where: SourcePosition) => ModuleTask[];
}

/** One place a role is named, and with what. */
interface RoleUse {
	readonly spec: RoleSpec;
	readonly where: SourcePosition;
	readonly params: Readonly<Record<string, unknown>>;
	readonly invocationVars: Readonly<Record<string, unknown>>;
	/** What else tells two uses apart (when, tags, vars), as Ansible hashes them with the params. */
	readonly identity: unknown;
	/** For a dependency: the role depending on it (whose folder is searched too). */
	readonly parent: RoleInstance | undefined;
}

type MutableRole = RoleInstance & {dependencies: RoleInstance[]};

function plainSpec(name: string): RoleSpec {
	return {name, tasksFrom: undefined, varsFrom: undefined, defaultsFrom: undefined, handlersFrom: undefined};
}

/** A *_from file the role lacks is an error; a main file it lacks is not. */
function checkFound(ctx: ParseContext, found: boolean, role: {name: string; path: string}, folder: RoleFolder, from: string | undefined, use: RoleUse): void {
	if (!found && from !== undefined) {
		ctx.fail(`role '${role.name}' has no ${folder} file '${from}' in ${role.path}/${folder}`, use.where);
	}
}

/** defaults/ or vars/ of the role: a mapping of variables (from every file, in order), or nothing. */
function readVariables(ctx: ParseContext, role: {name: string; path: string}, folder: 'vars' | 'defaults', from: string | undefined, use: RoleUse): Record<string, unknown> {
	const files = roleVariableFiles(role.path, folder, from);
	checkFound(ctx, files.length > 0, role, folder, from, use);
	const vars: Record<string, unknown> = {};
	for (const doc of files.map(file => loadYamlFile(file))) {
		Object.assign(vars, doc.value === null || doc.value === undefined ? {} : ctx.forFile(doc).mapping(doc.value, doc.file, doc.where(doc.value)));
	}

	return vars;
}

/** The role's tasks or handlers file, as a context to parse it in (the role's own), or undefined when it has none. */
function roleListFile(ctx: ParseContext, role: RoleInstance, folder: 'tasks' | 'handlers', from: string | undefined, use: RoleUse): ParseContext | undefined {
	const file = roleFile(role.path, folder, from);
	checkFound(ctx, file !== undefined, role, folder, from, use);
	return file === undefined ? undefined : ctx.forFile(loadYamlFile(file), role);
}

function wrap(common: TaskCommon, tasks: readonly Task[]): BlockTask {
	return {...common, kind: 'block', block: tasks, rescue: [], always: []};
}

/**
 * A role's block where the role was named: none when the play has it already (read with the
 * same values), one that runs once per host, or, when duplicates are allowed, every time.
 */
function roleBlock(common: TaskCommon, {loaded, fresh, key}: {loaded: LoadedRole; fresh: boolean; key: string}, allowDuplicates = loaded.role.allowDuplicates): BlockTask[] {
	if (allowDuplicates) {
		return [wrap(common, loaded.tasks)];
	}

	return fresh ? [{...wrap(common, loaded.tasks), onceKey: key}] : [];
}

/** Handlers under the keywords of where their role was named, as its tasks are under them. */
function enclose(common: TaskCommon, handlers: readonly ModuleTask[]): ModuleTask[] {
	return handlers.map(handler => ({...handler, enclosing: [common, ...handler.enclosing ?? []]}));
}

/** A `roles:` entry or a meta dependency: a name, or a mapping with role (or name), keywords, vars and params. */
function roleEntry(ctx: ParseContext, node: unknown, where: SourcePosition, parent: RoleInstance | undefined): {use: RoleUse; common: TaskCommon} {
	if (typeof node === 'string') {
		const use = {spec: plainSpec(node), where, params: {}, invocationVars: {}, identity: {}, parent};
		return {use, common: {...parseCommon(ctx, {}, where), role: undefined}};
	}

	const raw = ctx.mapping(node, 'a role (its name, or a mapping with role:)', where);
	const nameKey = raw.role === undefined ? 'name' : 'role';
	if (raw[nameKey] === undefined) {
		ctx.fail('this role entry names no role', where, 'Write `- role: NAME` (or just `- NAME`).');
	}

	const keywords = new Set([...commonKeywords, 'role']);
	const params = Object.fromEntries(Object.entries(raw).filter(([key]) => !keywords.has(key)));
	const use = {
		spec: plainSpec(ctx.string(raw[nameKey], 'role', ctx.at(raw, nameKey))),
		where: ctx.at(raw, nameKey),
		params,
		invocationVars: raw.vars === undefined ? {} : ctx.mapping(raw.vars, 'vars', ctx.at(raw, 'vars')),
		identity: {when: raw.when, tags: raw.tags},
		parent,
	};
	// The role's vars: sit with its vars/main.yml, not with block vars; its name is the role's, not a task's.
	return {use, common: {...parseCommon(ctx, raw, where), name: undefined, vars: {}, role: undefined}};
}

/**
 * Reads the role a use names, with its dependencies. `fresh` is false when the play already
 * read it with the same values: its tasks are in the play already (Ansible runs a role once,
 * unless its meta allows duplicates).
 */
function loadRole(ctx: ParseContext, use: RoleUse, readers: TaskReaders): {loaded: LoadedRole; fresh: boolean; key: string} {
	const dirs = roleSearchDirs(ctx.roles.playDir, ctx.roles.rolesPath, use.parent === undefined ? undefined : dirname(use.parent.path));
	const found = findRole(use.spec.name, dirs);
	if (!found) {
		ctx.fail(`the role '${use.spec.name}' was not found in ${dirs.join(':')}`, use.where, 'Put it in roles/ beside the playbook, or add the folder holding it to roles_path in ansible.cfg (or to ANSIBLE_ROLES_PATH).');
	}

	const key = JSON.stringify([found.path, {...use.spec, name: undefined}, use.params, use.invocationVars, use.identity]);
	const known = ctx.roles.read.get(key);
	if (known) {
		return {loaded: known, fresh: false, key};
	}

	// Named again while its own files are read (through dependencies, import_role, include_role): a cycle, not a hang.
	const cycle = ctx.importing.find(file => file.startsWith(`${found.path}/`));
	if (cycle !== undefined) {
		ctx.fail(`role '${found.name}' names itself: ${cycle} is being read already`, use.where, 'Remove the dependency or import that leads back to it.');
	}

	const metaFile = roleFile(found.path, 'meta');

	const metaCtx = metaFile === undefined ? undefined : ctx.forFile(loadYamlFile(metaFile));
	const meta = metaCtx === undefined || metaCtx.doc.value === null || metaCtx.doc.value === undefined ? {} : metaCtx.mapping(metaCtx.doc.value, metaFile!, metaCtx.at(metaCtx.doc.value));
	const role: MutableRole = {
		name: found.name,
		path: found.path,
		defaults: readVariables(ctx, found, 'defaults', use.spec.defaultsFrom, use),
		vars: readVariables(ctx, found, 'vars', use.spec.varsFrom, use),
		invocationVars: use.invocationVars,
		params: use.params,
		dependencies: [],
		parent: use.parent,
		allowDuplicates: metaCtx?.bool(meta.allow_duplicates, 'allow_duplicates', metaCtx.at(meta, 'allow_duplicates')) ?? false,
	};
	const tasks: Task[] = [];
	const handlers: ModuleTask[] = [];
	if (metaCtx) {
		const list = metaCtx.list(meta.dependencies, 'dependencies', metaCtx.at(meta, 'dependencies'));
		for (const [index, node] of list.entries()) {
			const entry = roleEntry(metaCtx, node, metaCtx.at(list, index), role);
			const dependency = loadRole(metaCtx, entry.use, readers);
			role.dependencies.push(dependency.loaded.role);
			tasks.push(...roleBlock(entry.common, dependency));

			if (dependency.fresh) {
				handlers.push(...enclose(entry.common, dependency.loaded.handlers));
			}
		}
	}

	const tasksCtx = roleListFile(ctx, role, 'tasks', use.spec.tasksFrom, use);
	tasks.push(...tasksCtx ? readers.tasks(tasksCtx, tasksCtx.doc.value, tasksCtx.at(tasksCtx.doc.value)) : []);
	const handlersCtx = roleListFile(ctx, role, 'handlers', use.spec.handlersFrom, use);
	handlers.push(...handlersCtx ? readers.handlers(handlersCtx, handlersCtx.doc.value, handlersCtx.at(handlersCtx.doc.value)) : []);
	const loaded = {role, tasks, handlers};
	ctx.roles.read.set(key, loaded);

	return {loaded, fresh: true, key};
}

/** Roles of `roles:` and import_role: the whole play sees their variables, and their handlers join the play's. */
function share(ctx: ParseContext, loaded: LoadedRole, fresh: boolean, visible: boolean, common: TaskCommon): void {
	if (visible) {
		for (const role of withDependencies(loaded.role)) {
			if (!ctx.roles.shared.includes(role)) {
				ctx.roles.shared.push(role);
			}
		}
	}

	if (fresh) {
		ctx.roles.handlers.push(...enclose(common, loaded.handlers));
	}
}

/** A play's `roles:`: each a block of the role's tasks, with the entry's keywords (when, tags, become...). */
export function parseRoles(ctx: ParseContext, node: unknown, where: SourcePosition, readers: TaskReaders): Task[] {
	const list = ctx.list(node, 'roles', where);
	return list.flatMap((item, index) => {
		const {use, common} = roleEntry(ctx, item, ctx.at(list, index), undefined);
		const read = loadRole(ctx, use, readers);
		share(ctx, read.loaded, read.fresh, true, common);
		return roleBlock(common, read);
	});
}

/** import_role: read now, as a block of the role's tasks under the import's keywords (empty when the play has them already). */
export function importRole(ctx: ParseContext, spec: RoleSpec, options: {where: SourcePosition; visible: boolean; allowDuplicates: boolean | undefined; common: TaskCommon; identity: unknown}, readers: TaskReaders): BlockTask {
	const use = {spec, where: options.where, params: {}, invocationVars: {}, identity: options.identity, parent: undefined};
	const read = loadRole(ctx, use, readers);
	share(ctx, read.loaded, read.fresh, options.visible, options.common);
	return roleBlock(options.common, read, options.allowDuplicates ?? read.loaded.role.allowDuplicates)[0] ?? wrap(options.common, []);
}

/**
 * include_role's role: a new instance each time. Ansible reads it when the include runs, so
 * dependencies that ran before it do not run again, while what it reads does not count as run
 * for the roles after it: it reads with a copy of what the play read so far. Roles it imports
 * and their handlers join the play when it runs.
 */
export function readIncludedRole(ctx: ParseContext, spec: RoleSpec, where: SourcePosition, readers: TaskReaders): IncludedRole {
	const reading = {...roleReading(ctx.roles.playDir, ctx.roles.rolesPath), read: new Map(ctx.roles.read)};
	const {loaded} = loadRole(ctx.forRoles(reading), {spec, where, params: {}, invocationVars: {}, identity: undefined, parent: undefined}, readers);
	return {...loaded, handlers: [...loaded.handlers, ...reading.handlers], imported: reading.shared};
}
