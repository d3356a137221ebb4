import yaml from 'js-yaml';

/*
 * Ansible reads YAML with PyYAML's YAML 1.1 rules, and its users write `become: yes` and
 * `mode: 0644` meaning a boolean and an octal number. js-yaml follows YAML 1.2, where those are
 * the string 'yes' and the decimal 644. This schema restores the 1.1 readings of both, so a
 * playbook means under pb what it means under ansible-playbook.
 */

const booleans: Readonly<Record<string, boolean>> = {
	true: true, True: true, TRUE: true, yes: true, Yes: true, YES: true, on: true, On: true, ON: true,
	false: false, False: false, FALSE: false, no: false, No: false, NO: false, off: false, Off: false, OFF: false,
};

const yaml11Bool = new yaml.Type('tag:yaml.org,2002:bool', {
	kind: 'scalar',
	resolve: (data: string | null) => data !== null && data in booleans,
	construct: (data: string) => booleans[data],
	predicate: (object: unknown) => typeof object === 'boolean',
	represent: {lowercase: (object: object) => (object as unknown as boolean ? 'true' : 'false')},
	defaultStyle: 'lowercase',
});

const integerPattern = /^[-+]?(?:0b[01_]+|0x[\da-fA-F_]+|0o?[0-7_]+|0|[1-9][\d_]*)$/;

function parseInteger(text: string): number {
	const negative = text.startsWith('-');
	const digits = text.replace(/^[-+]/, '').replaceAll('_', '');
	let value: number;
	if (digits.startsWith('0b')) {
		value = Number.parseInt(digits.slice(2), 2);
	} else if (digits.startsWith('0x')) {
		value = Number.parseInt(digits.slice(2), 16);
	} else if (digits.startsWith('0o')) {
		value = Number.parseInt(digits.slice(2), 8);
	} else if (digits.length > 1 && digits.startsWith('0')) {
		value = Number.parseInt(digits, 8);
	} else {
		value = Number.parseInt(digits, 10);
	}

	return negative ? -value : value;
}

const yaml11Int = new yaml.Type('tag:yaml.org,2002:int', {
	kind: 'scalar',
	resolve: (data: string | null) => data !== null && integerPattern.test(data),
	construct: parseInteger,
	predicate: (object: unknown) => typeof object === 'number' && Number.isInteger(object),
	represent: {decimal: (object: object) => String(object)},
	defaultStyle: 'decimal',
});

// js-yaml exports its built-in types at run time, but its type declarations leave them out.
const builtin = (yaml as unknown as {types: Record<'null' | 'float' | 'timestamp' | 'merge' | 'binary' | 'omap' | 'pairs' | 'set', yaml.Type>}).types;

export const ansibleSchema = yaml.FAILSAFE_SCHEMA.extend({
	implicit: [builtin.null, yaml11Bool, yaml11Int, builtin.float, builtin.timestamp, builtin.merge],
	explicit: [builtin.binary, builtin.omap, builtin.pairs, builtin.set],
});
