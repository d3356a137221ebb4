/**
 * The helpers a template can call, as plain functions of their arguments (template.ts registers
 * them with Handlebars). Names and behaviour follow the Jinja filters Ansible users know:
 * `{{ join packages ',' }}` is `{{ packages | join(',') }}`.
 */
import * as filters from '../filters.js';
import {yamlDumper} from '../yaml-codec.js';

export type Helper = (...args: unknown[]) => unknown;

function compare(check: (left: number | string, right: number | string) => boolean): Helper {
	return (left, right) => {
		if ((typeof left === 'number' || typeof left === 'string') && typeof left === typeof right) {
			return check(left, right as typeof left);
		}

		throw new TypeError(`cannot compare ${filters.describe(left)} with ${filters.describe(right)}`);
	};
}

export const helpers: Readonly<Record<string, Helper>> = {
	default: (value, fallback, orFalsy) => filters.withDefault(value, fallback, orFalsy === true),
	eq: (left, right) => filters.isEqual(left, right),
	ne: (left, right) => !filters.isEqual(left, right),
	lt: compare((left, right) => left < right),
	gt: compare((left, right) => left > right),
	le: compare((left, right) => left <= right),
	ge: compare((left, right) => left >= right),
	// Python's and/or give back an operand, so `{{or a b}}` yields a value, not just true/false.
	and: (...values) => values.find(value => !filters.isTruthy(value)) ?? values.at(-1),
	or: (...values) => values.find(value => filters.isTruthy(value)) ?? values.at(-1),
	not: value => !filters.isTruthy(value),
	join: (value, separator) => filters.join(value, separator),
	lower: value => filters.toText(value).toLowerCase(),
	upper: value => filters.toText(value).toUpperCase(),
	trim: value => filters.toText(value).trim(),
	// Jinja's ljust: a column of a text table (verify.yml's summary).
	ljust: (value, width) => filters.toText(value).padEnd(filters.toInt(width)),
	replace: (value, old, replacement) => filters.replace(value, old, replacement),
	split: (value, separator) => filters.split(value, separator),
	to_json: value => filters.toJson(value),
	to_nice_json: value => filters.toNiceJson(value),
	to_yaml: value => yamlDumper()(value),
	basename: value => filters.basename(value),
	dirname: value => filters.dirname(value),
	quote: value => filters.shellQuote(value),
	b64encode: value => filters.b64encode(value),
	b64decode: value => filters.b64decode(value),
	length: value => filters.lengthOf(value),
	first: value => filters.first(value),
	last: value => filters.last(value),
	int: value => filters.toInt(value),
	bool: value => filters.toBool(value),
	regex_replace: (value, pattern, replacement) => filters.regexReplace(value, pattern, replacement),
	regex_search: (value, pattern) => filters.regexSearch(value, pattern),
	contains: (container, item) => filters.isIn(item, container),
	in: (item, container) => filters.isIn(item, container),
};
