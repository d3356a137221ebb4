import type {ModuleTask, Task} from '../playbook/types.js';
import type {EventSink} from '../report/events.js';
import {executeModuleTask, type TaskOutcome} from './execute-task.js';
import type {HostRun} from './host-run.js';
import type {RunContext} from './run-context.js';
import type {Scope} from './scope.js';
import {requestsAhead} from './upcoming-reads.js';

/**
 * Runs a module task on one host once a fork is free; nothing (undefined) when the run was
 * interrupted meanwhile. `following`: the tasks after it in its list, whose reads may be done with
 * its own. `events`: where the host's events go while it runs, when not straight to the output.
 */
export async function queuedTask(run: RunContext, task: ModuleTask, following: readonly Task[], scope: Scope, host: HostRun, name: string, events?: () => EventSink): Promise<TaskOutcome | undefined> {
	return run.queue.add(async () => {
		if (run.interrupted) {
			return undefined;
		}

		run.running.set(host, name);
		if (events) {
			run.holdHostEvents(host, events());
		}

		try {
			host.readAhead.begin((count, fromItem) => requestsAhead(run, task, following, scope, host, count, fromItem));
			return await executeModuleTask(run, task, scope, host, name);
		} finally {
			run.holdHostEvents(host, undefined);
			run.running.delete(host);
		}
	});
}
