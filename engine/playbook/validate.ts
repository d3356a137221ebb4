import {readFileSync, statSync} from 'node:fs';
import {sourceCandidates} from '../controller-source.js';
import {PbError, type SourcePosition} from '../errors.js';
import type {Inventory} from '../inventory/inventory.js';
import {compileCondition} from '../vars/condition.js';
import {parseTemplate, parseTemplateFile, referencedVariables, type LanguageBy} from '../vars/template.js';
import {hasTemplate} from './params.js';
import {didYouMean} from '../did-you-mean.js';
import {type ConditionSource, type ModuleTask, type Play, type Playbook, type Task, whereOf} from './types.js';

/*
 * The checks that need the template and expression languages, run on the whole playbook before
 * any host is contacted: every template parses, every condition compiles, and every variable a
 * template names is defined somewhere it could come from.
 */

/** Variables the engine itself provides; facts are every `ansible_*` name. */
const magicVariables = [
	'inventory_hostname', 'inventory_hostname_short', 'group_names', 'groups', 'hostvars', 'playbook_dir',
	'ansible_check_mode', 'ansible_play_hosts', 'omit', 'ansible_facts', 'play_hosts', 'role_name', 'role_path', 'inventory_file', 'inventory_dir',
];

function strings(value: unknown, visit: (text: string) => void): void {
	if (typeof value === 'string') {
		visit(value);
	} else if (Array.isArray(value)) {
		for (const item of value) {
			strings(item, visit);
		}
	} else if (value !== null && typeof value === 'object') {
		for (const item of Object.values(value)) {
			strings(item, visit);
		}
	}
}

function* walk(tasks: readonly Task[]): Generator<Task> {
	for (const task of tasks) {
		yield task;
		if (task.kind === 'block') {
			yield* walk(task.block);
			yield* walk(task.rescue);
			yield* walk(task.always);
		} else if (task.kind === 'include_role') {
			yield* walk(task.loaded?.tasks ?? []);
			yield* walk(task.loaded?.handlers ?? []);
		}
	}
}

/** Variables the play's roles define: defaults, vars, and the values given where they are named. */
function namesFromRoles(play: Play): Set<string> {
	const roles = new Set([...play.roles, ...playTasks(play).flatMap(task => (task.role ? [task.role] : []))]);
	return new Set([...roles].flatMap(role => [role.defaults, role.vars, role.invocationVars, role.params].flatMap(vars => Object.keys(vars))));
}

function playTasks(play: Play): Task[] {
	return [...walk([...play.preTasks, ...play.tasks, ...play.postTasks, ...play.handlers])];
}

/**
 * Every template file a task names without a template in its src is compiled now, as the template
 * module will find it: a syntax error stops the run before any host is contacted. One not there
 * yet (made by an earlier task) is left to the task.
 */
function checkTemplateFiles(play: Play): void {
	for (const task of playTasks(play)) {
		const src = task.kind === 'module' && task.module.name === 'template' ? task.args.src : undefined;
		if (typeof src !== 'string' || hasTemplate(src)) {
			continue;
		}

		const file = sourceCandidates({roleDir: task.role?.path, playbookDir: task.dir, playDir: play.dir}, 'templates', src)
			.find(candidate => statSync(candidate, {throwIfNoEntry: false})?.isFile());
		if (file !== undefined) {
			parseTemplateFile(readFileSync(file, 'utf8'), file);
		}
	}
}

/** Names any task of the playbook may define at run time: registers, set_facts, vars, loop variables. */
function namesDefinedByTasks(playbook: Playbook): Set<string> {
	const names = new Set<string>();
	for (const play of playbook.plays) {
		for (const task of playTasks(play)) {
			for (const name of Object.keys(task.vars)) {
				names.add(name);
			}

			if (task.kind === 'module') {
				if (task.register) {
					names.add(task.register);
				}

				if (task.loopIndexVar) {
					names.add(task.loopIndexVar);
				}

				if (task.module.freeParams) {
					for (const name of Object.keys(task.args)) {
						names.add(name);
					}
				}
			}

			if (task.kind !== 'block') {
				names.add(task.loopVar);
			}

			if (task.kind === 'include_role') {
				for (const name of Object.keys(task.apply?.vars ?? {})) {
					names.add(name);
				}
			}
		}
	}

	return names;
}

function checkConditions(sources: readonly ConditionSource[] | undefined): void {
	for (const source of sources ?? []) {
		compileCondition(source.text, source.where);
	}
}

/** assert's `that` are conditions: compiled up front like `when` (unless a template builds them). */
function checkAssertions(task: ModuleTask): void {
	const that = task.module.name === 'assert' ? task.args.that : undefined;
	if (that === undefined || hasTemplate(that)) {
		return;
	}

	for (const condition of Array.isArray(that) ? that : [that]) {
		compileCondition(String(condition), task.argWhere.that ?? task.where);
	}
}

export function validatePlaybook(playbook: Playbook, inventory: Inventory, extraVars: Readonly<Record<string, unknown>>): void {
	const fromTasks = namesDefinedByTasks(playbook);
	const fromInventory = new Set<string>(Object.keys(extraVars));
	for (const host of inventory.hosts.keys()) {
		for (const name of Object.keys(inventory.hostVars(host))) {
			fromInventory.add(name);
		}
	}

	// An include_tasks file is read at run time, and may define anything, as may include_vars: then only syntax is checked here.
	const hasIncludes = playbook.plays.some(play => playTasks(play).some(task => task.kind === 'include' || task.kind === 'include_role' || (task.kind === 'module' && task.module.definesVariables)));
	for (const play of playbook.plays) {
		checkTemplateFiles(play);
		const known = new Set([...magicVariables, ...fromInventory, ...fromTasks, ...namesFromRoles(play), ...Object.keys(play.vars), ...Object.keys(play.defaults), ...play.varsPrompt.map(prompt => prompt.name)]);
		let complete = !hasIncludes;
		for (const file of play.varsFiles) {
			if (file.vars === undefined) {
				complete = false;
			}

			for (const name of Object.keys(file.vars ?? {})) {
				known.add(name);
			}
		}

		// Variables are read in their own text's language, parameters in their file's (template.ts).
		const check = (value: unknown, where: SourcePosition, by: LanguageBy = 'file') => {
			strings(value, text => {
				if (!hasTemplate(text)) {
					return;
				}

				parseTemplate(text, where, by);
				if (!complete) {
					return;
				}

				for (const name of referencedVariables(text, where, by)) {
					if (!known.has(name) && !name.startsWith('ansible_')) {
						throw new PbError(`undefined variable '${name}' in "${text}"${didYouMean(name, known)}`, {
							where,
							hint: `Define ${name} in the play's vars, a vars file, the inventory, with -e ${name}=..., or register it in an earlier task.`,
						});
					}
				}
			});
		};

		check(play.vars, play.where, 'text');
		for (const task of playTasks(play)) {
			checkConditions(task.when);
			check(task.name, whereOf(task, 'name'));
			check(task.vars, whereOf(task, 'vars'), 'text');
			check(task.environment, whereOf(task, 'environment'));
			check(task.delegateTo, whereOf(task, 'delegate_to'));
			if (task.kind === 'module') {
				for (const [name, value] of Object.entries(task.args)) {
					check(value, task.argWhere[name] ?? task.where);
				}

				check(task.loop, whereOf(task, 'loop'));
				check(task.loopLabel, whereOf(task, 'label'));
				checkAssertions(task);
				checkConditions(task.changedWhen);
				checkConditions(task.failedWhen);
				checkConditions(task.until);
			} else if (task.kind === 'include') {
				check(task.file, whereOf(task, 'include_tasks'));
				check(task.loop, whereOf(task, 'loop'));
			} else if (task.kind === 'include_role') {
				check(task.spec, whereOf(task, 'include_role'));
				check(task.loop, whereOf(task, 'loop'));
				checkConditions(task.apply?.when);
			}
		}
	}
}
