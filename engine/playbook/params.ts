import {PbError, type SourcePosition} from '../errors.js';
import type {AnyModule, ParamSpec, ParamType} from '../module.js';
import {didYouMean} from '../did-you-mean.js';
import {brokenRule} from './param-rules.js';

/*
 * Checks a task's parameters against its module's schema. It runs twice: when the playbook is
 * loaded (every value written without a template is checked then, before any host is contacted),
 * and per host once templates are rendered (everything, with defaults applied).
 */

export type Phase = 'load' | 'run';

export function hasTemplate(value: unknown): boolean {
	if (typeof value === 'string') {
		return value.includes('{{') || value.includes('{%');
	}

	if (Array.isArray(value)) {
		return value.some(element => hasTemplate(element));
	}

	if (value !== null && typeof value === 'object') {
		return Object.values(value).some(element => hasTemplate(element));
	}

	return false;
}

const trueWords = new Set(['yes', 'true', 'on', '1', 'y']);
const falseWords = new Set(['no', 'false', 'off', '0', 'n']);

function describe(value: unknown): string {
	const type = Array.isArray(value) ? 'list' : value === null ? 'null' : typeof value === 'object' ? 'dict' : typeof value;
	return `\`${JSON.stringify(value)}\` (${type})`;
}

/** Ansible's lenient conversions: 'yes' is a bool, '3' an int, 'a,b' a list. Undefined when it cannot. */
function coerce(value: unknown, type: ParamType): {ok: true; value: unknown} | {ok: false} {
	switch (type) {
		case 'str':
		case 'path': {
			if (typeof value === 'string') {
				return {ok: true, value};
			}

			return typeof value === 'number' || typeof value === 'boolean' ? {ok: true, value: String(value)} : {ok: false};
		}

		case 'int': {
			if (typeof value === 'number' && Number.isInteger(value)) {
				return {ok: true, value};
			}

			return typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? {ok: true, value: Number(value)} : {ok: false};
		}

		case 'bool': {
			if (typeof value === 'boolean') {
				return {ok: true, value};
			}

			const word = String(value).toLowerCase();
			if (trueWords.has(word)) {
				return {ok: true, value: true};
			}

			return falseWords.has(word) ? {ok: true, value: false} : {ok: false};
		}

		case 'list': {
			if (Array.isArray(value)) {
				return {ok: true, value};
			}

			if (typeof value === 'string') {
				return {ok: true, value: value.split(',').map(part => part.trim()).filter(Boolean)};
			}

			return typeof value === 'number' ? {ok: true, value: [value]} : {ok: false};
		}

		case 'dict': {
			return value !== null && typeof value === 'object' && !Array.isArray(value) ? {ok: true, value} : {ok: false};
		}

		case 'raw': {
			return {ok: true, value};
		}
	}
}

function checkValue(name: string, spec: ParamSpec, value: unknown, where: SourcePosition, moduleName: string): unknown {
	const converted = coerce(value, spec.type);
	if (!converted.ok) {
		throw new PbError(`${moduleName}: parameter '${name}' expects a ${spec.type}, got ${spec.secret ? 'a value' : describe(value)}`, {where});
	}

	let result = converted.value;
	if (spec.type === 'list' && spec.elements && Array.isArray(result)) {
		result = result.map((element, index) => checkValue(`${name}[${index}]`, {...spec, type: spec.elements!, elements: undefined}, element, where, moduleName));
	}

	if (spec.minimum !== undefined && typeof result === 'number' && result < spec.minimum) {
		throw new PbError(`${moduleName}: parameter '${name}' must be ${spec.minimum} or more; got ${describe(result)}`, {where});
	}

	if (spec.choices && !spec.choices.includes(String(result))) {
		throw new PbError(`${moduleName}: parameter '${name}' must be one of ${spec.choices.join(', ')}; got ${describe(result)}${didYouMean(String(result), spec.choices)}`, {where});
	}

	return result;
}

/**
 * Returns the parameters with aliases resolved, values converted and, at run time, defaults
 * applied. `whereOf` gives the position of a parameter's value (or of the task when undefined).
 */
export function checkParams(module: AnyModule, args: Readonly<Record<string, unknown>>, whereOf: (name?: string) => SourcePosition, phase: Phase): Record<string, unknown> {
	const canonical = new Map<string, string>();
	for (const [name, spec] of Object.entries(module.params)) {
		canonical.set(name, name);
		for (const alias of spec.aliases ?? []) {
			canonical.set(alias, name);
		}
	}

	const result: Record<string, unknown> = {};
	let templated = false;
	const set = new Set<string>();
	for (const [key, value] of Object.entries(args)) {
		const name = module.freeParams && !canonical.has(key) ? key : canonical.get(key);
		if (name === undefined) {
			throw new PbError(`${module.name}: unknown parameter '${key}'${didYouMean(key, canonical.keys())}`, {
				where: whereOf(key),
				hint: `Parameters of ${module.name}: ${Object.keys(module.params).join(', ')} (see \`pb doc ${module.name}\`).`,
			});
		}

		if (name in result) {
			throw new PbError(`${module.name}: parameter '${name}' is given twice (as '${key}' and under another name)`, {where: whereOf(key)});
		}

		set.add(name);
		if (phase === 'load' && hasTemplate(value)) {
			templated = true;
			result[name] = value;
			continue;
		}

		const spec = module.params[name];
		result[name] = spec ? checkValue(name, spec, value, whereOf(key), module.name) : value;
	}

	for (const [name, spec] of Object.entries(module.params)) {
		if (name in result) {
			continue;
		}

		if (spec.required) {
			throw new PbError(`${module.name}: missing required parameter '${name}'`, {where: whereOf(), hint: `${name}: ${spec.description}`});
		}

		if (spec.default !== undefined) {
			result[name] = spec.default;
		}
	}

	const valuesKnown = phase === 'run' || !templated;
	const broken = module.rules && brokenRule(module.rules, Object.fromEntries([...set].map(name => [name, result[name]])), result, valuesKnown);
	if (broken) {
		throw new PbError(`${module.name}: ${broken}`, {where: whereOf()});
	}

	// Other checks need every value: with a template among them they wait for the run.
	if (valuesKnown) {
		const problem = module.validate?.(result as never);
		if (problem) {
			throw new PbError(`${module.name}: ${problem}`, {where: whereOf()});
		}
	}

	return result;
}
