import {PbError} from '../errors.js';
import {batchSizes, failPercentage, isTemplated, maxFailRule, serialRule, type Templated} from '../playbook/play-limits.js';
import type {Play} from '../playbook/types.js';
import {renderValue} from '../vars/template.js';
import type {HostRun} from './host-run.js';
import type {RunContext} from './run-context.js';
import {playLevelVars} from './variables.js';

/** serial and max_fail_percentage as this run of the play has them, templates rendered. */
export interface PlayLimits {
	readonly serial: ReadonlyArray<number | string>;
	readonly maxFailPercentage: number | undefined;
}

function rendered<T>(value: T | Templated, vars: Record<string, unknown>, check: (value: unknown) => T | undefined, rule: string): T {
	if (!isTemplated(value)) {
		return value;
	}

	const result = renderValue(value.template, vars, value.where);
	const checked = check(result);
	if (checked === undefined) {
		throw new PbError(`${rule}; ${JSON.stringify(value.template)} gave ${JSON.stringify(result)}`, {kind: 'runtime', where: value.where, hint: 'Set the variable it reads to a number (in the play\'s vars, or with -e).'});
	}

	return checked;
}

export function playLimits(run: RunContext, play: Play, playVars: Readonly<Record<string, unknown>>): PlayLimits {
	const vars = playLevelVars(run, play, playVars);
	return {
		serial: rendered(play.serial, vars, batchSizes, serialRule),
		maxFailPercentage: play.maxFailPercentage === undefined ? undefined : rendered(play.maxFailPercentage, vars, failPercentage, maxFailRule),
	};
}

/** serial: batch sizes as numbers or percentages; the last one repeats. */
export function batches(hosts: HostRun[], serial: PlayLimits['serial']): HostRun[][] {
	if (serial.length === 0) {
		return [hosts];
	}

	const result: HostRun[][] = [];
	let at = 0;
	let index = 0;
	while (at < hosts.length) {
		const size = serial[Math.min(index, serial.length - 1)]!;
		const count = typeof size === 'number' ? size : Math.max(1, Math.floor(hosts.length * Number.parseInt(size, 10) / 100));
		result.push(hosts.slice(at, at + count));
		at += count;
		index++;
	}

	return result;
}
