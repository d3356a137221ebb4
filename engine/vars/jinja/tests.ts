/**
 * Jinja's and Ansible's tests (`x is defined`, `result is failed`, `v is version('1.24', '>=')`).
 * Each takes its subject resolved, except those in `undefinedSubjectTests`.
 */
import {existsSync, lstatSync, statSync} from 'node:fs';
import {isAbsolute} from 'node:path';
import {compareVersions} from '../versions.js';
import {toText} from '../filters.js';
import {pythonRegex} from '../regex.js';
import {argument, type Arguments} from './arguments.js';
import {Undefined} from './context.js';
import {compare, isEqual, isIn, isMapping, isTruthy, pyRepr, typeName} from './python.js';

export type Test = (subject: unknown, call: Arguments) => boolean;

function taskResult(test: string, value: unknown): Record<string, unknown> {
	if (!isMapping(value)) {
		throw new TypeError(`"is ${test}" needs a registered task result, got ${typeName(value)}`);
	}

	return value;
}

const failed: Test = value => isTruthy(taskResult('failed', value)['failed']);
const succeeded: Test = value => !isTruthy(taskResult('succeeded', value)['failed']);
const changed: Test = value => isTruthy(taskResult('changed', value)['changed']);
const skipped: Test = value => isTruthy(taskResult('skipped', value)['skipped']);
const finished: Test = value => !isTruthy(taskResult('finished', value)['started']) || isTruthy((value as Record<string, unknown>)['finished']);

function regexTest(kind: 'match' | 'search' | 'fullmatch'): Test {
	return (value, call) => {
		const pattern = toText(argument(call, 0, 'pattern', ''));
		const anchored = kind === 'match' ? `^(?:${pattern})` : (kind === 'fullmatch' ? `^(?:${pattern})$` : pattern);
		return pythonRegex(anchored, {
			ignorecase: isTruthy(argument(call, 1, 'ignorecase', false)),
			multiline: isTruthy(argument(call, 2, 'multiline', false)),
		}).test(toText(value));
	};
}

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

const version: Test = (value, call) => {
	const operator = toText(argument(call, 1, 'operator', '=='));
	const holds = versionOperators[operator];
	if (!holds) {
		throw new TypeError(`unknown version operator ${pyRepr(operator)}: use one of ${Object.keys(versionOperators).join(' ')}`);
	}

	return holds(compareVersions(toText(value), toText(argument(call, 0, 'version'))));
};

const sequence = (value: unknown) => Array.isArray(value) || typeof value === 'string' || isMapping(value);
const controllerPath = (check: (path: string) => boolean): Test => value => {
	const path = toText(value);
	return path !== '' && check(path);
};

export const tests: Readonly<Record<string, Test>> = {
	defined: value => !(value instanceof Undefined),
	undefined: value => value instanceof Undefined,
	none: value => value === null,
	truthy: value => isTruthy(value),
	falsy: value => !isTruthy(value),
	true: value => value === true,
	false: value => value === false,
	boolean: value => typeof value === 'boolean',
	string: value => typeof value === 'string',
	number: value => typeof value === 'number',
	integer: value => typeof value === 'number' && Number.isInteger(value),
	float: value => typeof value === 'number' && !Number.isInteger(value),
	mapping: value => isMapping(value),
	iterable: sequence,
	sequence,
	callable: value => typeof value === 'function',
	lower: value => typeof value === 'string' && value === value.toLowerCase(),
	upper: value => typeof value === 'string' && value === value.toUpperCase(),
	even: value => Number(value) % 2 === 0,
	odd: value => Math.abs(Number(value) % 2) === 1,
	divisibleby: (value, call) => Number(value) % Number(argument(call, 0, 'num')) === 0,
	in: (value, call) => isIn(value, argument(call, 0, 'seq')),
	contains: (value, call) => isIn(argument(call, 0, 'seq'), value),
	eq: (value, call) => isEqual(value, call.positional[0]),
	ne: (value, call) => !isEqual(value, call.positional[0]),
	lt: (value, call) => compare(value, call.positional[0], '<'),
	le: (value, call) => compare(value, call.positional[0], '<='),
	gt: (value, call) => compare(value, call.positional[0], '>'),
	ge: (value, call) => compare(value, call.positional[0], '>='),
	sameas: (value, call) => value === call.positional[0],
	match: regexTest('match'),
	search: regexTest('search'),
	regex: (value, call) => regexTest(toText(argument(call, 3, 'match_type', 'search')) as 'match' | 'search' | 'fullmatch')(value, call),
	version,
	version_compare: version,
	subset: (value, call) => Array.isArray(value) && value.every(item => isIn(item, argument(call, 0, 'b'))),
	superset: (value, call) => {
		const other = argument(call, 0, 'b');
		return Array.isArray(other) && other.every(item => isIn(item, value));
	},
	any: value => Array.isArray(value) && value.some(item => isTruthy(item)),
	all: value => Array.isArray(value) && value.every(item => isTruthy(item)),
	failed,
	failure: failed,
	succeeded,
	success: succeeded,
	successful: succeeded,
	changed,
	change: changed,
	skipped,
	skip: skipped,
	finished,
	abs: value => isAbsolute(toText(value)),
	exists: controllerPath(path => existsSync(path)),
	file: controllerPath(path => existsSync(path) && statSync(path).isFile()),
	directory: controllerPath(path => existsSync(path) && statSync(path).isDirectory()),
	link: controllerPath(path => existsSync(path) && lstatSync(path).isSymbolicLink()),
};

export const testAliases: Readonly<Record<string, string>> = {
	'==': 'eq', equalto: 'eq', '!=': 'ne', '<': 'lt', lessthan: 'lt', '<=': 'le', '>': 'gt', greaterthan: 'gt', '>=': 'ge',
};

/** Tests that ask whether a value exists, so their subject may be undefined. */
export const undefinedSubjectTests: ReadonlySet<string> = new Set(['defined', 'undefined']);
