/**
 * What a condition can call: filters after `|` (`result.stdout_lines | length`) and tests after
 * `is` (`result is failed`, `kube_version is version('1.24', '>=')`), named as in Ansible.
 */
import * as filters from './filters.js';

type Filter = (value: unknown, ...args: unknown[]) => unknown;

export const conditionFilters: Readonly<Record<string, Filter>> = {
	length: value => filters.lengthOf(value),
	count: value => filters.lengthOf(value),
	lower: value => filters.toText(value).toLowerCase(),
	upper: value => filters.toText(value).toUpperCase(),
	int: value => filters.toInt(value),
	float: value => filters.toFloat(value),
	bool: value => filters.toBool(value),
	default: (value, fallback, orFalsy) => filters.withDefault(value, fallback, orFalsy === true),
	d: (value, fallback, orFalsy) => filters.withDefault(value, fallback, orFalsy === true),
	trim: value => filters.toText(value).trim(),
	string: value => filters.toText(value),
	first: value => filters.first(value),
	last: value => filters.last(value),
	join: (value, separator) => filters.join(value, separator),
	split: (value, separator) => filters.split(value, separator),
	replace: (value, old, replacement) => filters.replace(value, old, replacement),
	regex_search: (value, pattern) => filters.regexSearch(value, pattern),
	regex_replace: (value, pattern, replacement) => filters.regexReplace(value, pattern, replacement),
	basename: value => filters.basename(value),
	dirname: value => filters.dirname(value),
};

/** Filters whose input may be undefined: `x | default(1)` is how a condition copes with a missing x. */
export const lenientFilters: ReadonlySet<string> = new Set(['default', 'd']);

type Test = (value: unknown, ...args: unknown[]) => boolean;

function taskResult(test: string, value: unknown): Record<string, unknown> {
	if (!filters.isMapping(value)) {
		throw new TypeError(`"is ${test}" needs a registered task result, got ${filters.describe(value)}`);
	}

	return value;
}

const failed: Test = value => filters.isTruthy(taskResult('failed', value).failed);
const succeeded: Test = value => !filters.isTruthy(taskResult('succeeded', value).failed);
const changed: Test = value => filters.isTruthy(taskResult('changed', value).changed);
const skipped: Test = value => filters.isTruthy(taskResult('skipped', value).skipped);

export const conditionTests: Readonly<Record<string, Test>> = {
	defined: value => value !== undefined,
	undefined: value => value === undefined,
	none: value => value === null,
	string: value => typeof value === 'string',
	number: value => typeof value === 'number',
	boolean: value => typeof value === 'boolean',
	mapping: value => filters.isMapping(value),
	sequence: value => Array.isArray(value) || typeof value === 'string',
	failed,
	failure: failed,
	succeeded,
	success: succeeded,
	changed,
	change: changed,
	skipped,
	skip: skipped,
	// Python's re.match anchors at the start; re.search does not.
	match: (value, pattern) => new RegExp(`^(?:${filters.toText(pattern)})`).test(filters.toText(value)),
	search: (value, pattern) => new RegExp(filters.toText(pattern)).test(filters.toText(value)),
	version: (value, other, operator = '==') => versionHolds(value, other, operator),
	version_compare: (value, other, operator = '==') => versionHolds(value, other, operator),
};

/** Tests that ask whether a value exists, so their subject may be undefined. */
export const lenientTests: ReadonlySet<string> = new Set(['defined', 'undefined']);

const versionOperators: Readonly<Record<string, (order: number) => boolean>> = {
	'<': order => order < 0,
	lt: order => order < 0,
	'<=': order => order <= 0,
	le: order => order <= 0,
	'>': order => order > 0,
	gt: order => order > 0,
	'>=': order => order >= 0,
	ge: order => order >= 0,
	'==': order => order === 0,
	'=': order => order === 0,
	eq: order => order === 0,
	'!=': order => order !== 0,
	'<>': order => order !== 0,
	ne: order => order !== 0,
};

function versionHolds(value: unknown, other: unknown, operator: unknown): boolean {
	const holds = versionOperators[filters.toText(operator)];
	if (!holds) {
		throw new TypeError(`unknown version operator ${filters.describe(operator)}: use one of ${Object.keys(versionOperators).join(' ')}`);
	}

	return holds(compareVersions(filters.toText(value), filters.toText(other)));
}

/** Loose version order, as Ansible's default: `v1.24.3` > `1.9`; numeric parts compare as numbers. */
export function compareVersions(left: string, right: string): number {
	const parts = (version: string) => version.replace(/^v/, '').split(/[.\-+_]/);
	const [a, b] = [parts(left), parts(right)];
	for (let index = 0; index < Math.max(a.length, b.length); index++) {
		const [x = '0', y = '0'] = [a[index], b[index]];
		const order = /^\d+$/.test(x) && /^\d+$/.test(y) ? Number(x) - Number(y) : x.localeCompare(y);
		if (order !== 0) {
			return Math.sign(order);
		}
	}

	return 0;
}
