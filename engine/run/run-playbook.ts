import {isDeepStrictEqual} from 'node:util';
import type {Inventory} from '../inventory/inventory.js';
import {inSlice} from '../inventory/slices.js';
import type {Play, Playbook} from '../playbook/types.js';
import type {EventSink, Recap} from '../report/events.js';
import {renderValue} from '../vars/template.js';
import {checkOfflineArtifacts} from './artifact-plan.js';
import type {HostRun} from './host-run.js';
import {batches, playLimits} from './play-batches.js';
import {gatherFactsTask, playVars, prepareRun, type RunSettings} from './prepare.js';
import type {RunContext} from './run-context.js';
import {playState, type Scope} from './scope.js';
import {flushHandlers, runTasks} from './walk.js';

export type {RunSettings} from './prepare.js';

export interface RunSummary {
	readonly recap: Readonly<Record<string, Recap>>;
}

/** vars_prompt's answers, as play variables; one -e gives is not asked for, and a private one is a secret. */
async function promptedVars(run: RunContext, play: Play): Promise<Record<string, string>> {
	const answers: Record<string, string> = {};
	for (const prompt of play.varsPrompt) {
		if (prompt.name in run.options.extraVars || !run.options.ask) {
			continue;
		}

		answers[prompt.name] = await run.options.ask(prompt);
		if (prompt.private) {
			run.redactor.add(answers[prompt.name]);
		}
	}

	return answers;
}

/** Facts are gathered once per run, and again only for a play that asks for another gather_subset. */
function needsFacts(host: HostRun, play: Play): boolean {
	return Object.keys(host.facts).length === 0 || !isDeepStrictEqual(host.factsSubset, play.gatherSubset);
}

/** pre_tasks, tasks and post_tasks, each followed by the handlers they notified. */
async function runSections(run: RunContext, scope: Scope, hosts: HostRun[]): Promise<void> {
	const {play} = scope;
	const sections = [play.preTasks, play.tasks, play.postTasks];
	if ((play.gatherFacts ?? run.options.gathering !== 'explicit') && hosts.some(host => needsFacts(host, play))) {
		sections.unshift([gatherFactsTask(run, play)]);
		for (const host of hosts) {
			host.factsSubset = play.gatherSubset;
		}
	}

	for (const tasks of sections) {
		const active = hosts.filter(host => host.active);
		for (const host of await runTasks(run, tasks, scope, active)) {
			host.failed = true;
		}

		await flushHandlers(run, scope, hosts);
	}
}

/** Returns the play's hosts, for the recap. Those of the inventory as earlier plays' add_host and group_by left it. */
async function runPlay(run: RunContext, play: Play, settings: RunSettings): Promise<HostRun[]> {
	const pattern = String(renderValue(play.hosts, {...settings.extraVars}, play.where));
	const selection = run.inventory.selectHosts(pattern, settings.limit);
	for (const warning of selection.warnings) {
		run.emit({kind: 'warning', msg: warning});
	}

	const hosts = inSlice(selection.hosts, settings.slice).map(name => run.hosts.get(name)!).filter(host => !host.failed && !host.unreachable);
	// Asked before the play's banner, as ansible-playbook asks.
	const answers = await promptedVars(run, play);
	run.emit({kind: 'play-start', name: play.name, hosts: hosts.map(host => host.name)});
	for (const host of hosts) {
		host.ended = false;
	}

	const vars = {...playVars(play), ...answers};
	const limits = playLimits(run, play, vars);
	const state = playState(limits.maxFailPercentage, run.awaitingStart);
	for (const batch of batches(hosts, limits.serial)) {
		const scope: Scope = {play, playVars: vars, playHosts: batch, playHostsAll: hosts, chain: [], state};
		if (play.strategy === 'free') {
			await Promise.all(batch.map(async host => runSections(run, scope, [host])));
		} else {
			await runSections(run, scope, batch);
		}

		// As in Ansible, a batch in which every host failed, or an aborted one, ends the play.
		if (run.interrupted || state.aborted || batch.every(host => host.failed || host.unreachable)) {
			break;
		}
	}

	// The plays after the one where --start-at-task's task was reached run whole.
	if (state.started.size > 0) {
		run.awaitingStart = undefined;
	}

	return hosts;
}

/** Keeps what the run hashed and wrote on each host it reached, for the next run's quick check; a host lost on the way keeps its old sums. */
async function saveFileSums(run: RunContext): Promise<void> {
	await Promise.all([...run.hosts.values()].filter(host => !host.unreachable).map(async host => host.fileSums.save().catch((error: unknown) => {
		run.emit({kind: 'warning', host: host.name, msg: `pb's file sums were not kept (${(error as Error).message}); the next run hashes large files in full`});
	})));
}

/** Runs the playbooks in order over the inventory; events go to `output`, nothing is printed here. */
export async function runPlaybooks(playbooks: readonly Playbook[], inventory: Inventory, settings: RunSettings, output: EventSink): Promise<RunSummary> {
	const startedAt = Date.now();
	const {run, close} = prepareRun(inventory, settings, output);
	const {emit} = run;
	const used = new Set<HostRun>();
	try {
		if (settings.offline) {
			await checkOfflineArtifacts(run, playbooks, inventory);
		}

		// An interrupt lets the tasks running finish; no play starts after it.
		for (const playbook of playbooks) {
			if (run.interrupted) {
				break;
			}

			emit({kind: 'playbook-start', file: playbook.file, check: settings.check});
			for (const play of playbook.plays) {
				if (run.interrupted) {
					break;
				}

				for (const host of await runPlay(run, play, settings)) {
					used.add(host);
				}
			}
		}

		if (!settings.check) {
			await saveFileSums(run);
		}
	} finally {
		await close();
	}

	const recap: Record<string, Recap> = {};
	for (const host of used) {
		recap[host.name] = host.recap;
	}

	emit({kind: 'recap', hosts: recap, durationMs: Date.now() - startedAt});
	return {recap};
}
