import yaml from 'js-yaml';
import {VaultedText} from '../vault/inline.js';

/*
 * Ansible reads YAML with PyYAML's YAML 1.1 rules, and its users write `become: yes` and
 * `mode: 0644` meaning a boolean and an octal number. js-yaml follows YAML 1.2, where those are
 * the string 'yes' and the decimal 644. This schema reads plain scalars with PyYAML's resolvers
 * instead (booleans, ints, floats, timestamps; `y` and `n` stay strings, as there), so a playbook
 * means under pb what it means under ansible-playbook. One difference is left: a float that is
 * whole (`3.0`) is a JavaScript number like 3, and prints as `3` where Python prints `3.0`.
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

// PyYAML's int resolver: no 0o prefix (0o17 is a string), 08 is a string (not octal, not decimal),
// and base 60 (1:30 is 90).
const integerPattern = /^[-+]?(?:0b[01_]+|0x[\da-fA-F_]+|0[0-7_]+|0|[1-9][\d_]*|[1-9][\d_]*(?::[0-5]?\d)+)$/;

/** `1:30:15` is 1*3600 + 30*60 + 15, as YAML 1.1 reads base 60. */
function sexagesimal(text: string): number {
	return text.split(':').reduce((sum, part) => (sum * 60) + Number(part), 0);
}

function parseInteger(text: string): number {
	const negative = text.startsWith('-');
	const digits = text.replace(/^[-+]/, '').replaceAll('_', '');
	let value: number;
	if (digits.includes(':')) {
		value = sexagesimal(digits);
	} else if (digits.startsWith('0b')) {
		value = Number.parseInt(digits.slice(2), 2);
	} else if (digits.startsWith('0x')) {
		value = Number.parseInt(digits.slice(2), 16);
	} else if (digits.length > 1 && digits.startsWith('0')) {
		value = Number.parseInt(digits, 8);
	} else {
		value = Number.parseInt(digits, 10);
	}

	// Python's ints have no -0: `-0` is 0.
	return negative && value !== 0 ? -value : value;
}

const yaml11Int = new yaml.Type('tag:yaml.org,2002:int', {
	kind: 'scalar',
	resolve: (data: string | null) => data !== null && integerPattern.test(data),
	construct: parseInteger,
	predicate: (object: unknown) => typeof object === 'number' && Number.isInteger(object),
	represent: {decimal: (object: object) => String(object)},
	defaultStyle: 'decimal',
});

// PyYAML's float resolver: a dot is needed (1e3 and 1.0e3 are strings; 1.0e+3 is a float, its
// exponent signed), base 60 too (1:30.5), and .inf, .nan.
const floatPattern = /^(?:[-+]?\d[\d_]*\.[\d_]*(?:[eE][-+]\d+)?|\.[\d_]+(?:[eE][-+]\d+)?|[-+]?\d[\d_]*(?::[0-5]?\d)+\.[\d_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;

function parseFloat(text: string): number {
	const negative = text.startsWith('-');
	const digits = text.replace(/^[-+]/, '').replaceAll('_', '').toLowerCase();
	const value = digits === '.inf' ? Number.POSITIVE_INFINITY : digits === '.nan' ? Number.NaN : digits.includes(':') ? sexagesimal(digits) : Number(digits);
	return negative ? -value : value;
}

const yaml11Float = new yaml.Type('tag:yaml.org,2002:float', {
	kind: 'scalar',
	resolve: (data: string | null) => data !== null && floatPattern.test(data),
	construct: parseFloat,
	predicate: (object: unknown) => typeof object === 'number' && !Number.isInteger(object),
	represent: {decimal: (object: object) => (Number.isNaN(object) ? '.nan' : Number.isFinite(object) ? String(object) : (Number(object) > 0 ? '.inf' : '-.inf'))},
	defaultStyle: 'decimal',
});

const timestampPattern = /^(\d{4})-(\d\d?)-(\d\d?)(?:(?:[Tt]|[ \t]+)(\d\d?):(\d\d):(\d\d)(?:\.(\d*))?(?:[ \t]*(Z|([-+])(\d\d?)(?::(\d\d))?))?)?$/;

const two = (text: string | undefined): string => (text ?? '0').padStart(2, '0');

/**
 * A YAML 1.1 timestamp as Python prints the date or datetime PyYAML makes of it
 * (`2024-01-02`, `2024-01-02 03:04:05.100000+01:00`): text, so that `{{ day }}` renders as
 * under Ansible, where a JavaScript Date would print as `Tue Jan 02 2024 ...`. The date-only
 * form must have two-digit month and day, as PyYAML's resolver asks.
 */
function pythonTimestamp(text: string): string {
	const [, year, month, day, hour, minute, second, fraction, zone, sign, zoneHour, zoneMinute] = timestampPattern.exec(text)!;
	const date = `${year!}-${two(month)}-${two(day)}`;
	if (hour === undefined) {
		return date;
	}

	const micro = (fraction ?? '').slice(0, 6).padEnd(6, '0');
	const offset = zone === undefined ? '' : zone === 'Z' ? '+00:00' : `${sign!}${two(zoneHour)}:${two(zoneMinute)}`;
	return `${date} ${two(hour)}:${minute!}:${second!}${/^0+$/.test(micro) ? '' : `.${micro}`}${offset}`;
}

const yaml11Timestamp = new yaml.Type('tag:yaml.org,2002:timestamp', {
	kind: 'scalar',
	resolve: (data: string | null) => data !== null && timestampPattern.test(data) && (/[ \tTt]/.test(data) || /^\d{4}-\d\d-\d\d$/.test(data)),
	construct: pythonTimestamp,
});

// js-yaml exports its built-in types at run time, but its type declarations leave them out.
const builtin = (yaml as unknown as {types: Record<'null' | 'merge' | 'binary' | 'omap' | 'pairs' | 'set', yaml.Type>}).types;

// Ansible's inline vault (`secret: !vault |` and its lines): opened once the whole file is read.
const inlineVault = new yaml.Type('!vault', {
	kind: 'scalar',
	construct: (data: string) => new VaultedText(data),
});

export const ansibleSchema = yaml.FAILSAFE_SCHEMA.extend({
	implicit: [builtin.null, yaml11Bool, yaml11Int, yaml11Float, yaml11Timestamp, builtin.merge],
	explicit: [builtin.binary, builtin.omap, builtin.pairs, builtin.set, inlineVault],
});
