import type {ParamRules} from '../module.js';

/*
 * The rules between a module's parameters (ParamRules), with Ansible's wording, so a user who
 * knows its messages finds the same ones.
 */

function given(params: Readonly<Record<string, unknown>>, name: string): boolean {
	return params[name] !== undefined && params[name] !== null;
}

/**
 * The first rule `given` breaks, or undefined. `given` holds what the task set, `withDefaults`
 * the same with defaults applied; `valuesKnown` is false while values still hold templates, and
 * then only the rules that need no value are checked.
 */
export function brokenRule(rules: ParamRules, set: Readonly<Record<string, unknown>>, withDefaults: Readonly<Record<string, unknown>>, valuesKnown: boolean): string | undefined {
	for (const group of rules.mutually_exclusive ?? []) {
		if (group.filter(name => given(set, name)).length > 1) {
			return `parameters are mutually exclusive: ${group.join('|')}`;
		}
	}

	for (const group of rules.required_one_of ?? []) {
		if (!group.some(name => given(set, name))) {
			return `one of the following is required: ${group.join(', ')}`;
		}
	}

	for (const group of rules.required_together ?? []) {
		const count = group.filter(name => given(set, name)).length;
		if (count > 0 && count < group.length) {
			return `parameters are required together: ${group.join(', ')}`;
		}
	}

	if (!valuesKnown) {
		return undefined;
	}

	for (const {param, value, needs, anyOf = false} of rules.required_if ?? []) {
		if (withDefaults[param] !== value) {
			continue;
		}

		const missing = needs.filter(name => !given(withDefaults, name));
		if (anyOf ? missing.length === needs.length : missing.length > 0) {
			return `${param} is ${String(value)} but ${anyOf ? 'any' : 'all'} of the following are missing: ${missing.join(', ')}`;
		}
	}

	return undefined;
}
