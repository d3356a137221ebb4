import type {Settings} from '../config/settings.js';
import {artifactCache} from '../artifacts/cache.js';
import {checkTargets} from '../inventory/targets.js';
import {listPlaybook} from '../playbook/listing.js';
import type {Play} from '../playbook/types.js';
import {runPlaybooks} from '../run/run-playbook.js';
import {pullArtifacts} from './artifacts.js';
import {err, out, reporter} from './output.js';
import {loadJob, type RunFlags, splitTags} from './run-options.js';

/* pb run and pb artifacts pull: a job loaded, then run (or listed), or its artifacts fetched. */

export const exitCodes = {ok: 0, other: 1, hostFailed: 2, unreachableOrParse: 4, badOptions: 5} as const;

/** 128 and the signal's number, as a shell reports a process the signal ended. */
const signalExitCodes = {SIGINT: 130, SIGTERM: 143} as const;

export async function run(files: string[], flags: RunFlags, config: Settings): Promise<number> {
	const {settings, sources, inventory, playbooks} = await loadJob(files, flags, config);
	const emit = reporter(flags);
	for (const warning of inventory.warnings) {
		emit({kind: 'warning', msg: warning});
	}

	checkTargets(inventory, sources, flags.limit, msg => emit({kind: 'warning', msg}));
	if (flags.syntaxCheck) {
		for (const playbook of playbooks) {
			out(`playbook: ${playbook.file}`);
		}

		return exitCodes.ok;
	}

	if (flags.listTasks || flags.listTags || flags.listHosts) {
		const hosts = flags.listHosts ? (play: Play) => inventory.selectHosts(play.hosts, flags.limit).hosts : undefined;
		for (const [index, playbook] of playbooks.entries()) {
			out(listPlaybook(playbook, files[index]!, {tasks: flags.listTasks ?? false, tags: flags.listTags ?? false, hosts, only: settings.tags, skip: settings.skipTags}));
		}

		return exitCodes.ok;
	}

	artifactCache().offline = settings.offline;
	const interrupt = new AbortController();
	const stop = (signal: keyof typeof signalExitCodes) => {
		// The second one does not wait for the tasks running to finish.
		if (interrupt.signal.aborted) {
			process.exit(signalExitCodes[signal]);
		}

		interrupt.abort(signal);
	};

	process.on('SIGINT', stop).on('SIGTERM', stop);
	let recap;
	try {
		({recap} = await runPlaybooks(playbooks, inventory, {...settings, interrupt: interrupt.signal}, emit));
	} finally {
		process.off('SIGINT', stop).off('SIGTERM', stop);
	}

	if (interrupt.signal.aborted) {
		return signalExitCodes[interrupt.signal.reason as keyof typeof signalExitCodes];
	}

	const counts = Object.values(recap);
	if (counts.some(host => host.unreachable > 0)) {
		return exitCodes.unreachableOrParse;
	}

	return counts.some(host => host.failed > 0) ? exitCodes.hostFailed : exitCodes.ok;
}

export async function pull(files: string[], flags: RunFlags & {arch: string[]}, config: Settings): Promise<number> {
	const {settings, inventory, playbooks} = await loadJob(files, flags, config);
	const report = await pullArtifacts(playbooks, inventory, settings, splitTags(flags.arch), reporter(flags), out);
	for (const line of report.undecided) {
		err(`[WARNING]: not pulled, its parameters are known only during a run: ${line}`);
	}

	out(`${report.fetched.length} artifact(s) in the controller's cache at ${artifactCache().directory}`);
	return exitCodes.ok;
}
