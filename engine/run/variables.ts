import {PbError, type SourcePosition} from '../errors.js';
import {hasTemplate} from '../playbook/params.js';
import type {Play, TaskCommon} from '../playbook/types.js';
import {ownVars, roleDefaults, roleParams, roleVars, type RoleInstance} from '../roles/role.js';
import {renderValue} from '../vars/template.js';
import type {HostRun} from './host-run.js';
import type {RunContext} from './run-context.js';
import {hostMagicVars, magicVars} from './magic-vars.js';
import {includeParams, scopedVars, type Scope} from './scope.js';
import {templatedVarsFiles} from './vars-files.js';

/** Ansible's marker for "leave this parameter out": `{{default x omit}}`. */
export const omit = '__omit_place_holder__pb';

/** Facts are visible as ansible_facts.NAME and, as in Ansible, as ansible_NAME. */
function factVars(facts: Readonly<Record<string, unknown>>): Record<string, unknown> {
	const vars: Record<string, unknown> = {ansible_facts: facts};
	for (const [name, value] of Object.entries(facts)) {
		vars[`ansible_${name}`] = value;
	}

	return vars;
}

/**
 * A layer of variables. Those the user wrote (inventory, play, vars files, block and task
 * vars, -e) may hold templates, rendered when used, as Ansible does: `url: "{{ mirror }}/x"`.
 * What hosts said (facts, registered output) is never rendered again: a `{{` in a command's
 * output is text, not a template that could read a secret.
 */
interface Layer {
	readonly vars: Readonly<Record<string, unknown>>;
	readonly written: boolean;
}

const cache = new WeakMap<object, Map<string, unknown>>();
const inProgress = new WeakMap<object, Set<string>>();

/** A getter that renders the variable's template against the object it is read from, once. */
function lazy(name: string, value: unknown, where: SourcePosition): PropertyDescriptor {
	return {
		enumerable: true,
		configurable: true,
		get(this: Record<string, unknown>) {
			const rendered = cache.get(this) ?? new Map<string, unknown>();
			cache.set(this, rendered);
			if (rendered.has(name)) {
				return rendered.get(name);
			}

			const active = inProgress.get(this) ?? new Set<string>();
			inProgress.set(this, active);
			if (active.has(name)) {
				throw new PbError(`variable '${name}' refers to itself (through ${[...active].join(' -> ')})`, {kind: 'runtime', where});
			}

			active.add(name);
			try {
				// A variable's value may come from an inventory, -e or a merge of files: its own text says its language.
				const result = renderValue(value, this, where, 'text');
				rendered.set(name, result);
				return result;
			} finally {
				active.delete(name);
			}
		},
	};
}

function layered(layers: readonly Layer[], where: SourcePosition): Record<string, unknown> {
	const winners = new Map<string, Layer>();
	for (const layer of layers) {
		for (const name of Object.keys(layer.vars)) {
			winners.set(name, layer);
		}
	}

	const vars: Record<string, unknown> = {};
	for (const [name, layer] of winners) {
		const computed = layer.written ? undefined : Object.getOwnPropertyDescriptor(layer.vars, name)?.get;
		if (computed !== undefined) {
			// A magic variable computed when read (magic-vars.ts) stays so.
			Object.defineProperty(vars, name, {get: computed, enumerable: true, configurable: true});
			continue;
		}

		const value = layer.vars[name];
		if (layer.written && hasTemplate(value)) {
			Object.defineProperty(vars, name, lazy(name, value, where));
		} else {
			vars[name] = value;
		}
	}

	return vars;
}

/** A host's inventory variables with -e over them, templates rendered when read: for connecting. */
export function inventoryView(name: string, inventoryVars: Readonly<Record<string, unknown>>, extraVars: Readonly<Record<string, unknown>>): Record<string, unknown> {
	return layered([{vars: inventoryVars, written: true}, {vars: extraVars, written: true}], {file: `(inventory variables of ${name})`, line: 1, column: 1});
}

/** A host's variables as another host sees them through hostvars (no play or task layers). */
function persistentVars(run: RunContext, host: HostRun): Record<string, unknown> {
	return layered([
		{vars: host.inventoryVars, written: true},
		{vars: factVars(host.facts), written: false},
		{vars: host.includedVars, written: true},
		{vars: host.setVars, written: false},
		{vars: run.options.extraVars, written: true},
		{vars: hostMagicVars(run, host), written: false},
	], {file: '(hostvars)', line: 1, column: 1});
}

// By the run's map of hosts, which add_host replaces with a larger one.
const hostvarsCache = new WeakMap<ReadonlyMap<string, unknown>, Record<string, unknown>>();

/** hostvars.NAME, computed when read so it always shows the latest facts and set_facts. */
function hostvarsOf(run: RunContext): Record<string, unknown> {
	let hostvars = hostvarsCache.get(run.hosts);
	if (!hostvars) {
		hostvars = {};
		for (const host of run.hosts.values()) {
			Object.defineProperty(hostvars, host.name, {enumerable: true, get: () => persistentVars(run, host)});
		}

		hostvarsCache.set(run.hosts, hostvars);
	}

	return hostvars;
}

function merged(layers: ReadonlyArray<Readonly<Record<string, unknown>>>): Record<string, unknown> {
	return Object.assign({}, ...layers) as Record<string, unknown>;
}

/**
 * What a play's own keywords (serial, max_fail_percentage) are rendered with when it starts, as
 * Ansible's play-level variables: its roles' defaults, defaults_files, vars, vars_files, its roles'
 * vars and -e; no host's.
 */
export function playLevelVars(run: RunContext, play: Play, playVars: Readonly<Record<string, unknown>>): Record<string, unknown> {
	return layered([
		{vars: merged(play.roles.map(each => each.defaults)), written: true},
		{vars: play.defaults, written: true},
		{vars: playVars, written: true},
		{vars: merged(play.roles.map(each => ownVars(each))), written: true},
		{vars: run.options.extraVars, written: true},
	], play.where);
}

/**
 * The variables a task sees on a host, lowest precedence first (documented in README):
 * the play's roles' defaults < defaults_files < the task's own role's defaults < inventory (group,
 * then host) < facts < play vars < vars_files < the play's roles' vars < the task's role's vars
 * < block vars < task vars < include_vars < set_fact and registered results < role params < include_role params
 * < -e extra vars < magic variables (magic-vars.ts) and the loop item.
 */
export function taskVars(run: RunContext, host: HostRun, scope: Scope, task: TaskCommon | undefined, check: boolean): Record<string, unknown> {
	const playRoles: readonly RoleInstance[] = [...scope.play.roles, ...scope.state.roles];
	const role = task?.role;
	const below: Layer[] = [
		{vars: merged(playRoles.map(each => each.defaults)), written: true},
		{vars: scope.play.defaults, written: true},
		{vars: role ? roleDefaults(role) : {}, written: true},
		{vars: host.inventoryVars, written: true},
		{vars: factVars(host.facts), written: false},
		{vars: scope.playVars, written: true},
	];
	const magic: Layer = {vars: Object.assign(magicVars(run, host, scope, check), {hostvars: hostvarsOf(run), omit}, role ? {role_name: role.name, role_path: role.path} : {}), written: false};
	const where = task?.where ?? scope.play.where;
	return layered([
		...below,
		{vars: templatedVarsFiles(scope.play, host, () => layered([...below, {vars: run.options.extraVars, written: true}, magic], where)), written: true},
		{vars: merged(playRoles.map(each => ownVars(each))), written: true},
		{vars: role ? roleVars(role) : {}, written: true},
		{vars: task ? scopedVars(scope, task) : {}, written: true},
		{vars: host.includedVars, written: true},
		{vars: host.setVars, written: false},
		{vars: role ? roleParams(role) : {}, written: true},
		{vars: includeParams(scope), written: true},
		{vars: run.options.extraVars, written: true},
		magic,
	], where);
}
