import type {ExecutionContext} from 'ava';
import type {AnyModule} from '../../engine/module.js';
import {localHost, runTask, type TaskReport} from '../helpers/host-context.js';
import {snapshot} from './tree-snapshot.js';

/**
 * Runs a task in check mode, asserts that `root` did not change at all, then runs it for real and
 * asserts that the real run reported exactly what check mode predicted.
 */
export async function checkThenApply(t: ExecutionContext, module: AnyModule, params: Record<string, unknown>, root: string, playbookDir?: string): Promise<TaskReport> {
	const before = await snapshot(root);
	const predicted = await runTask(module, params, localHost({check: true, ...(playbookDir === undefined ? {} : {playbookDir})}));
	t.deepEqual(await snapshot(root), before, 'check mode changed nothing');
	const actual = await runTask(module, params, localHost(playbookDir === undefined ? {} : {playbookDir}));
	const visible = ({status, changed, msg, diff}: TaskReport) => ({status, changed, msg, diff});
	t.deepEqual(visible(actual), visible(predicted), 'check mode predicted the real run');
	return actual;
}
