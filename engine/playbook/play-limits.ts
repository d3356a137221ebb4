import type {SourcePosition} from '../errors.js';

/*
 * serial and max_fail_percentage: checked when the playbook is read, or, when written as a
 * template (`serial: "{{ migrate_batch }}"`), when the play starts, against the same rules.
 */

/** A play keyword written as a template, rendered when the play starts. */
export interface Templated {
	readonly template: unknown;
	readonly where: SourcePosition;
}

export function isTemplated(value: unknown): value is Templated {
	return typeof value === 'object' && value !== null && 'template' in value && 'where' in value;
}

export const serialRule = 'serial takes a number of hosts or a percentage (\'30%\'), or a list of them';
export const maxFailRule = 'max_fail_percentage takes a percentage of the play\'s hosts, from 0 to 100';

/** One batch size: a number of hosts (a number, or its digits as -e gives them) or a percentage. */
function batchSize(value: unknown): number | string | undefined {
	const text = typeof value === 'string' ? value.trim() : undefined;
	if (typeof value === 'number' || (text !== undefined && /^\d+$/.test(text))) {
		const count = Number(value);
		return Number.isInteger(count) && count > 0 ? count : undefined;
	}

	return text !== undefined && /^\d+%$/.test(text) ? text : undefined;
}

/** serial's batch sizes (the last repeats), or undefined when one entry is not a size. */
export function batchSizes(value: unknown): Array<number | string> | undefined {
	const sizes = (Array.isArray(value) ? value : [value]).map(item => batchSize(item));
	return sizes.every(size => size !== undefined) ? sizes : undefined;
}

/** max_fail_percentage as a number, or undefined when it is not a percentage. */
export function failPercentage(value: unknown): number | undefined {
	const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	return typeof number === 'number' && number >= 0 && number <= 100 ? number : undefined;
}
