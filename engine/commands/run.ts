import type {Settings} from '../config/settings.js';
import {artifactCache} from '../artifacts/cache.js';
import type {Inventory} from '../inventory/inventory.js';
import {inSlice, parseSlice, type Slice, splitHosts} from '../inventory/slices.js';
import {checkTargets} from '../inventory/targets.js';
import {listPlaybook} from '../playbook/listing.js';
import type {Play} from '../playbook/types.js';
import type {Recap, RunEvent} from '../report/events.js';
import {runPlaybooks} from '../run/run-playbook.js';
import {pullArtifacts} from './artifacts.js';
import {err, out, reporter} from './output.js';
import {loadJob, type RunFlags, splitTags} from './run-options.js';

/* pb run and pb artifacts pull: a job loaded, then run (or listed), or its artifacts fetched. */

export const exitCodes = {ok: 0, other: 1, hostFailed: 2, unreachableOrParse: 4, badOptions: 5} as const;

/** 128 and the signal's number, as a shell reports a process the signal ended. */
const signalExitCodes = {SIGINT: 130, SIGTERM: 143} as const;

type Signal = keyof typeof signalExitCodes;

/** As ansible-playbook: a host unreachable 4, else a host failed 2, else 0; a run SIGINT or SIGTERM stopped, 130 or 143. */
export function runExitCode(recap: Readonly<Record<string, Recap>>, signal?: Signal): number {
	if (signal !== undefined) {
		return signalExitCodes[signal];
	}

	const counts = Object.values(recap);
	if (counts.some(host => host.unreachable > 0)) {
		return exitCodes.unreachableOrParse;
	}

	return counts.some(host => host.failed > 0) ? exitCodes.hostFailed : exitCodes.ok;
}

/** --slice K/N's hosts, and the event that names every host of the run with its slice. */
function sliceOf(inventory: Inventory, limit: string | undefined, slice: Slice): {hosts: Set<string>; event: RunEvent} {
	const slices = splitHosts(inventory.selectHosts('all', limit).hosts, slice.count);
	const hosts = new Set([...slices].filter(([, index]) => index === slice.index).map(([host]) => host));
	return {hosts, event: {kind: 'slice', slice: slice.index, of: slice.count, hosts: Object.fromEntries(slices)}};
}

export async function run(files: string[], flags: RunFlags, config: Settings): Promise<number> {
	// Read before any file, as the other options: a bad one is exit code 5.
	const slice = flags.slice === undefined ? undefined : parseSlice(flags.slice);
	const {settings, sources, inventory, playbooks} = await loadJob(files, flags, config);
	const emit = reporter(flags);
	for (const warning of inventory.warnings) {
		emit({kind: 'warning', msg: warning});
	}

	checkTargets(inventory, sources, flags.limit, msg => emit({kind: 'warning', msg}));
	const sliced = slice && sliceOf(inventory, flags.limit, slice);
	if (flags.syntaxCheck) {
		for (const playbook of playbooks) {
			out(`playbook: ${playbook.file}`);
		}

		return exitCodes.ok;
	}

	if (flags.listTasks || flags.listTags || flags.listHosts) {
		const hosts = flags.listHosts ? (play: Play) => inSlice(inventory.selectHosts(play.hosts, flags.limit).hosts, sliced?.hosts) : undefined;
		for (const [index, playbook] of playbooks.entries()) {
			out(listPlaybook(playbook, files[index]!, {tasks: flags.listTasks ?? false, tags: flags.listTags ?? false, hosts, only: settings.tags, skip: settings.skipTags}));
		}

		return exitCodes.ok;
	}

	if (sliced) {
		emit(sliced.event);
		if (sliced.hosts.size === 0) {
			emit({kind: 'recap', hosts: {}, durationMs: 0});
			return exitCodes.ok;
		}
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
		({recap} = await runPlaybooks(playbooks, inventory, {...settings, slice: sliced?.hosts, interrupt: interrupt.signal}, emit));
	} finally {
		process.off('SIGINT', stop).off('SIGTERM', stop);
	}

	return runExitCode(recap, interrupt.signal.aborted ? interrupt.signal.reason as Signal : undefined);
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
