import {formatError, PbError} from '../errors.js';
import type {Inventory} from '../inventory/inventory.js';
import {inSlice} from '../inventory/slices.js';
import type {ControllerArtifact} from '../module.js';
import {roleReading} from '../playbook/context.js';
import {hasTemplate} from '../playbook/params.js';
import {parseTaskFile} from '../playbook/parse-task.js';
import {taskFilePath} from '../roles/role-files.js';
import {type Playbook, type Task, whereOf} from '../playbook/types.js';
import {extendVars} from '../vars/extend-vars.js';
import {renderValue} from '../vars/template.js';
import {attempt, renderParams} from './attempt.js';
import type {HostRun} from './host-run.js';
import {loopItems} from './loop-vars.js';
import {gatherFactsTask, playVars} from './prepare.js';
import type {RunContext} from './run-context.js';
import {inheritedConditions, inner, playState, type Scope} from './scope.js';
import {taskVars} from './variables.js';
import {displayName} from './task-name.js';

/*
 * Which files a run would fetch into the controller's cache, host by host, read from the
 * playbooks without running them: for `pb artifacts pull` (fetch them ahead) and for
 * `pb run --offline` (make sure they are all there before any host is changed).
 */

export interface NeededArtifact {
	readonly artifact: ControllerArtifact;
	readonly task: string;
	readonly host: string;
	readonly arch: string;
}

export interface ArtifactPlan {
	readonly needed: NeededArtifact[];
	/** Download tasks whose parameters depend on what only a run knows (a registered result). */
	readonly undecided: string[];
}

function collect(run: RunContext, tasks: readonly Task[], scope: Scope, host: HostRun, plan: ArtifactPlan): void {
	for (const task of tasks) {
		if (task.kind === 'block') {
			collect(run, [...task.block, ...task.rescue, ...task.always], inner(scope, task), host, plan);
			continue;
		}

		if (task.kind === 'include') {
			// A file named by a template is known only when the run reaches it.
			if (!hasTemplate(task.file)) {
				const file = taskFilePath(task.file, task.dir, task.role?.path);
				const tasks = parseTaskFile(file, run.options.registry, roleReading(scope.play.dir, scope.play.rolesPath), task.role);
				collect(run, tasks, inner(scope, {...task, when: []}), host, plan);
			}

			continue;
		}

		if (task.kind === 'include_role') {
			// A role named by a template is known only when the run reaches it.
			const included = inner(scope, {...task, when: [], vars: {}, includeParams: task.vars});
			collect(run, task.loaded?.tasks ?? [], task.apply ? inner(included, task.apply) : included, host, plan);
			continue;
		}

		if (!task.module.controllerArtifact) {
			continue;
		}

		const name = displayName(run, task, scope, host);
		try {
			const vars = taskVars(run, host, scope, task, false);
			const items = task.loop === undefined ? [undefined] : loopItems(task, vars, whereOf(task, 'loop'));
			for (const item of items) {
				const itemVars = task.loop === undefined ? vars : extendVars(vars, {[task.loopVar]: item});
				if (!run.holds(inheritedConditions(scope, task), itemVars)) {
					continue;
				}

				const artifact = task.module.controllerArtifact(renderParams(task, itemVars));
				if (artifact) {
					plan.needed.push({artifact, task: name, host: host.name, arch: String(host.facts.arch ?? '?')});
				}
			}
		} catch (error) {
			plan.undecided.push(`${host.name}: ${name}: ${formatError(error).split('\n')[0]!}`);
		}
	}
}

/** Facts for every host, in one round trip each (read only), where a play would gather them. */
export async function gatherFacts(run: RunContext, hosts: readonly HostRun[], playbook: Playbook): Promise<void> {
	const play = playbook.plays[0];
	if (!play) {
		return;
	}

	const task = gatherFactsTask(run, play);
	const scope: Scope = {play, playVars: {}, playHosts: hosts, playHostsAll: hosts, chain: [], state: playState()};
	await Promise.all(hosts.filter(host => Object.keys(host.facts).length === 0).map(async host => run.queue.add(async () => {
		const result = await attempt(run, task, scope, host, taskVars(run, host, scope, task, true), true, undefined);
		Object.assign(host.facts, result.effects?.facts);
	})));
}

/** The hosts each play of the playbooks runs on (after --limit). */
export function playHosts(run: RunContext, playbooks: readonly Playbook[], inventory: Inventory): HostRun[] {
	const hosts = new Set<HostRun>();
	for (const play of playbooks.flatMap(playbook => playbook.plays)) {
		const pattern = String(renderValue(play.hosts, {...run.options.extraVars}, play.where));
		for (const name of inSlice(inventory.selectHosts(pattern, run.options.limit).hosts, run.options.slice)) {
			hosts.add(run.hosts.get(name)!);
		}
	}

	return [...hosts];
}

/** Every controller download of the playbooks, for every host with the facts it has now. */
export function planArtifacts(run: RunContext, playbooks: readonly Playbook[], inventory: Inventory): ArtifactPlan {
	const plan: ArtifactPlan = {needed: [], undecided: []};
	for (const play of playbooks.flatMap(playbook => playbook.plays)) {
		const pattern = String(renderValue(play.hosts, {...run.options.extraVars}, play.where));
		const hosts = inSlice(inventory.selectHosts(pattern, run.options.limit).hosts, run.options.slice).map(name => run.hosts.get(name)!);
		const vars = playVars(play);
		for (const host of hosts) {
			const scope: Scope = {play, playVars: vars, playHosts: hosts, playHostsAll: hosts, chain: [], state: playState()};
			collect(run, [...play.preTasks, ...play.tasks, ...play.postTasks], scope, host, plan);
			for (const handler of play.handlers) {
				// A role's handler holds to the keywords of where its role was named, as when it runs.
				collect(run, [handler], {...scope, chain: handler.enclosing ?? []}, host, plan);
			}
		}
	}

	return plan;
}

/** --offline: every artifact the run needs is in the cache, or the run stops here, naming what is missing. */
export async function checkOfflineArtifacts(run: RunContext, playbooks: readonly Playbook[], inventory: Inventory): Promise<void> {
	await gatherFacts(run, playHosts(run, playbooks, inventory).filter(host => host.active), playbooks[0]!);
	const {needed} = planArtifacts(run, playbooks, inventory);
	const missing = new Map<string, NeededArtifact[]>();
	for (const need of needed) {
		const key = `${need.artifact.name} (${need.task}, ${need.arch})`;
		if (!missing.has(key) && !await need.artifact.cached()) {
			missing.set(key, []);
		}

		missing.get(key)?.push(need);
	}

	if (missing.size > 0) {
		const lines = [...missing].map(([key, needs]) => `  ${key}: for ${needs.map(need => need.host).join(', ')}`);
		throw new PbError(`the run is offline, and the controller's cache lacks what it would download:\n${lines.join('\n')}`, {
			kind: 'runtime',
			hint: 'On a machine that can reach the mirror: `pb artifacts pull PLAYBOOK -i INVENTORY`, then `pb artifacts export FILE.tar`, and here `pb artifacts import FILE.tar`.',
		});
	}
}
