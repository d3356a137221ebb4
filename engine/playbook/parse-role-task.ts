import type {SourcePosition} from '../errors.js';
import type {ParseContext} from './context.js';
import {commonKeywords, includeLoop, loopKeywords, parseCommon} from './parse-common.js';
import {importRole, readIncludedRole, type TaskReaders} from './parse-role.js';
import {hasTemplate} from './params.js';
import type {BlockTask, IncludeRoleTask, RoleSpec} from './types.js';

/* import_role and include_role tasks: what they name, and the keywords they take. */

const sharedArgs = ['name', 'tasks_from', 'vars_from', 'defaults_from', 'handlers_from', 'public', 'allow_duplicates', 'rolespec_validate'];

interface RoleTaskArgs {
	readonly spec: RoleSpec;
	readonly args: Record<string, unknown>;
	readonly nameWhere: SourcePosition;
	readonly public: boolean | undefined;
	readonly allowDuplicates: boolean | undefined;
}

function roleTaskArgs(ctx: ParseContext, raw: Record<string, unknown>, key: string, allowed: readonly string[]): RoleTaskArgs {
	const args = ctx.mapping(raw[key], `${key}'s parameters`, ctx.at(raw, key));
	ctx.onlyKeys(args, allowed, key);
	if (args.name === undefined) {
		ctx.fail(`${key} needs the role's name`, ctx.at(raw, key), `Write e.g.\n  ${key}:\n    name: common`);
	}

	const text = (name: string) => (args[name] === undefined ? undefined : ctx.string(args[name], name, ctx.at(args, name)));
	return {
		spec: {name: text('name')!, tasksFrom: text('tasks_from'), varsFrom: text('vars_from'), defaultsFrom: text('defaults_from'), handlersFrom: text('handlers_from')},
		args,
		nameWhere: ctx.at(args, 'name'),
		public: ctx.bool(args.public, 'public', ctx.at(args, 'public')),
		allowDuplicates: ctx.bool(args.allow_duplicates, 'allow_duplicates', ctx.at(args, 'allow_duplicates')),
	};
}

/** import_role: the role read now; the import's keywords hold for all its tasks; public unless told otherwise. */
export function parseImportRole(ctx: ParseContext, raw: Record<string, unknown>, key: string, where: SourcePosition, readers: TaskReaders): BlockTask {
	ctx.onlyKeys(raw, [...commonKeywords, key], key);
	const {spec, nameWhere, public: visible, allowDuplicates} = roleTaskArgs(ctx, raw, key, sharedArgs);
	if (hasTemplate(spec)) {
		ctx.fail('import_role reads its role before the run: name it (and its files) without templates, or use include_role, read when reached', nameWhere);
	}

	const common = parseCommon(ctx, raw, where);
	return importRole(ctx, spec, {where: nameWhere, visible: visible ?? true, allowDuplicates, common, identity: {when: raw.when, tags: raw.tags, vars: raw.vars}}, readers);
}

/** include_role: read up front when nothing in it is templated, so its errors stop the run before it starts. */
export function parseIncludeRole(ctx: ParseContext, raw: Record<string, unknown>, key: string, where: SourcePosition, readers: TaskReaders): IncludeRoleTask {
	ctx.onlyKeys(raw, [...commonKeywords, key, ...loopKeywords], key);
	const {spec, args, nameWhere, public: visible} = roleTaskArgs(ctx, raw, key, [...sharedArgs, 'apply']);
	const {loop, loopWith, loopVar, loopIndexVar, loopExtended} = includeLoop(ctx, raw, key);
	if (loopIndexVar !== undefined || loopExtended) {
		ctx.fail(`${key} takes loop_control.loop_var only`, ctx.at(raw, 'loop_control', 'key'));
	}

	let apply;
	if (args.apply !== undefined) {
		const keywords = ctx.mapping(args.apply, 'apply', ctx.at(args, 'apply'));
		ctx.onlyKeys(keywords, commonKeywords.filter(keyword => keyword !== 'name'), 'apply');
		apply = parseCommon(ctx, keywords, ctx.at(args, 'apply'));
	}

	const common = parseCommon(ctx, raw, where);
	return {
		...common,
		// A role named by a template is found during the run: an error then points at its name.
		keyWhere: {...common.keyWhere, include_role: nameWhere},
		kind: 'include_role',
		spec,
		loaded: hasTemplate(spec) ? undefined : readIncludedRole(ctx, spec, nameWhere, readers),
		loop,
		loopWith,
		loopVar,
		apply,
		public: visible ?? false,
	};
}
