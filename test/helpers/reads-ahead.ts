import {join} from 'node:path';
import {loadInventory} from '../../engine/inventory/inventory.js';
import {loadPlaybook} from '../../engine/playbook/parse-play.js';
import type {BlockTask, ModuleTask, Task} from '../../engine/playbook/types.js';
import {Redactor} from '../../engine/report/redact.js';
import {HostRun} from '../../engine/run/host-run.js';
import {RunContext} from '../../engine/run/run-context.js';
import {playState} from '../../engine/run/scope.js';
import {requestsAhead} from '../../engine/run/upcoming-reads.js';
import {modules} from '../../modules/index.js';

/**
 * The paths the engine would read ahead on host node1 while the first task of `dir`/play.yml's
 * first play reads (the first task inside its first block when the play starts with one, as
 * with a role), from item `fromItem` of its loop, without touching any host.
 */
export async function pathsReadAhead(dir: string, count = 32, fromItem = 0): Promise<string[]> {
	const play = loadPlaybook(join(dir, 'play.yml'), modules, []).plays[0]!;
	const inventory = await loadInventory([join(dir, 'hosts')]);
	const nothingRead = async () => {
		throw new Error('nothing is read here');
	};
	const run = new RunContext({check: false, diff: false, forks: 1, tags: [], skipTags: [], extraVars: {}, verbosity: 0, limit: undefined, registry: modules, connectionDefaults: {}, gathering: 'implicit', startAtTask: undefined}, new Redactor(), () => undefined, inventory, name => new HostRun(name, {}, 'root', {connect: nothingRead, reconnect: nothingRead}, () => undefined));
	const host = run.hosts.get('node1')!;
	const role = play.tasks[0]?.kind === 'block' ? play.tasks[0] as BlockTask : undefined;
	const tasks: readonly Task[] = role?.block ?? play.tasks;
	const scope = {play, playVars: {}, playHosts: [host], playHostsAll: [host], chain: role ? [role] : [], state: playState()};
	const [first, ...following] = tasks;
	return requestsAhead(run, first as ModuleTask, following, scope, host, count, fromItem).map(request => request.path);
}
