import {LocalConnection} from '../../engine/connection/local.js';
import type {AnyModule, Diff, HostContext, Plan} from '../../engine/module.js';

/** A HostContext on this machine, counting the commands modules run (one per round trip). */
export interface TestHost extends HostContext {
	readonly commands: string[];
	readonly warnings: string[];
}

export function localHost(options: {check?: boolean; diff?: boolean; playbookDir?: string} = {}): TestHost {
	const connection = new LocalConnection('localhost');
	const commands: string[] = [];
	const warnings: string[] = [];
	return {
		host: 'localhost',
		check: options.check ?? false,
		diff: options.diff ?? true,
		vars: {},
		playbookDir: options.playbookDir ?? process.cwd(),
		where: {file: 'test.yml', line: 1, column: 1},
		connection,
		commands,
		warnings,
		async reconnect() {
			// Each local command is its own process: there is no connection to open again.
		},
		async run(command, runOptions) {
			commands.push(command);
			return connection.exec(command, runOptions);
		},
		warn(message) {
			warnings.push(message);
		},
		progress() {
			// Tests read results, not progress bars.
		},
	};
}

/** The parameters as the engine hands them over: defaults filled in. */
export function withDefaults(module: AnyModule, params: Record<string, unknown>): Record<string, unknown> {
	const defaults = Object.entries(module.params).filter(([, spec]) => spec.default !== undefined).map(([name, spec]) => [name, spec.default]);
	return {...Object.fromEntries(defaults), ...params};
}

/** What a task reports, as the engine builds it from plan and apply. */
export interface TaskReport {
	readonly status: 'ok' | 'changed' | 'failed' | 'skipped';
	readonly changed: boolean;
	readonly msg: string;
	readonly diff: readonly Diff[] | undefined;
	readonly result: Readonly<Record<string, unknown>>;
	/** Round trips to the host: every ctx.run, read and apply together. */
	readonly roundTrips: number;
}

/**
 * Runs one task on `host` as the engine does: validate, read, plan, then apply unless in check
 * mode (skipped when unpredictable), the apply result over the plan.
 */
export async function runTask(module: AnyModule, rawParams: Record<string, unknown>, host: TestHost): Promise<TaskReport> {
	const params = withDefaults(module, rawParams);
	const invalid = module.validate?.(params);
	if (invalid !== undefined) {
		throw new Error(`invalid parameters: ${invalid}`);
	}

	const before = host.commands.length;
	const plan = module.plan(await module.read(host, params), params) as Plan<unknown>;
	const report = (status: TaskReport['status'], changed: boolean, msg: string, result: Readonly<Record<string, unknown>> = plan.result ?? {}): TaskReport =>
		({status, changed, msg, diff: plan.diff, result, roundTrips: host.commands.length - before});
	if (plan.failed !== undefined) {
		return report('failed', false, plan.failed);
	}

	if (plan.skipped !== undefined) {
		return report('skipped', false, plan.skipped);
	}

	if (host.check) {
		return plan.unpredictable === undefined ? report(plan.changed ? 'changed' : 'ok', plan.changed, plan.msg) : report('skipped', false, plan.unpredictable);
	}

	if (!plan.changed && !module.alwaysApply) {
		return report('ok', false, plan.msg);
	}

	const applied = await module.apply(host, params, plan);
	const changed = applied.changed ?? plan.changed;
	const result = {...plan.result, ...applied.result};
	if (applied.failed !== undefined) {
		return report('failed', changed, applied.failed, result);
	}

	return report(changed ? 'changed' : 'ok', changed, applied.msg ?? plan.msg, result);
}
