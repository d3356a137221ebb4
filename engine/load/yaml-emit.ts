import yaml from 'js-yaml';
import {ansibleSchema} from './yaml-schema.js';

/*
 * YAML written as Ansible's to_yaml and to_nice_yaml write it, through PyYAML: keys sorted, a
 * sequence under a mapping key not indented, a sequence item's mapping starting on the dash's
 * line, and (to_yaml, PyYAML's default_flow_style=None) a collection of scalars only in flow
 * style, `{a: 1}` and `[x, y]`. Scalars are js-yaml's, quoted where YAML 1.1 would misread them.
 */

export interface PyYamlOptions {
	/** Spaces per level: to_yaml 2, to_nice_yaml 4. */
	readonly indent: number;
	/** Collections of scalars in flow style (to_yaml), or every collection in block style (to_nice_yaml). */
	readonly flowLeaves: boolean;
	readonly sortKeys: boolean;
}

type Mapping = Record<string, unknown>;

const isMapping = (value: unknown): value is Mapping => typeof value === 'object' && value !== null && !Array.isArray(value);
const isCollection = (value: unknown) => Array.isArray(value) || isMapping(value);
const isLeaf = (value: unknown) => (Array.isArray(value) ? value : Object.values(value as Mapping)).every(item => !isCollection(item));
const isEmpty = (value: unknown) => (Array.isArray(value) ? value.length === 0 : Object.keys(value as Mapping).length === 0);

function scalar(value: unknown, inFlow: boolean): string {
	// js-yaml quotes y and n as YAML 1.1's booleans; PyYAML's resolver does not read them so.
	const text = typeof value === 'string' && /^[yYnN]$/.test(value) ? value : yaml.dump(value, {schema: ansibleSchema, lineWidth: -1}).replace(/\n$/, '');
	if (text.includes('\n')) {
		// A multi-line string: double-quoted with escapes stays on one line.
		return JSON.stringify(value);
	}

	// PyYAML quotes any scalar holding a flow indicator inside `[...]` or `{...}`.
	return inFlow && typeof value === 'string' && /^[^'"]/.test(text) && /[,?[\]{}:#]/.test(text) ? `'${text.replaceAll('\'', '\'\'')}'` : text;
}

function keysOf(mapping: Mapping, options: PyYamlOptions): string[] {
	const keys = Object.keys(mapping);
	return options.sortKeys ? keys.sort() : keys;
}

function flow(value: unknown, options: PyYamlOptions): string {
	if (Array.isArray(value)) {
		return `[${value.map(item => scalar(item, true)).join(', ')}]`;
	}

	return `{${keysOf(value as Mapping, options).map(key => `${scalar(key, true)}: ${scalar((value as Mapping)[key], true)}`).join(', ')}}`;
}

/** What follows `key:` or `- ` on the same line, or undefined when the value needs lines of its own. */
function inline(value: unknown, options: PyYamlOptions): string | undefined {
	if (!isCollection(value)) {
		return scalar(value, false);
	}

	if (isEmpty(value)) {
		return Array.isArray(value) ? '[]' : '{}';
	}

	return options.flowLeaves && isLeaf(value) ? flow(value, options) : undefined;
}

function blockLines(value: unknown, pad: number, options: PyYamlOptions): string[] {
	const spaces = ' '.repeat(pad);
	if (Array.isArray(value)) {
		return value.flatMap(item => {
			const same = inline(item, options);
			if (same !== undefined) {
				return [`${spaces}- ${same}`];
			}

			// The item's first line goes on the dash's line, the rest under it.
			const [first = '', ...rest] = blockLines(item, pad + options.indent, options);
			return [`${spaces}-${' '.repeat(options.indent - 1)}${first.slice(pad + options.indent)}`, ...rest];
		});
	}

	return keysOf(value as Mapping, options).flatMap(key => {
		const item = (value as Mapping)[key];
		const same = inline(item, options);
		const label = `${spaces}${scalar(key, false)}:`;
		if (same !== undefined) {
			return [`${label} ${same}`];
		}

		return [label, ...blockLines(item, Array.isArray(item) ? pad : pad + options.indent, options)];
	});
}

export function dumpPyYaml(value: unknown, options: PyYamlOptions): string {
	return `${inline(value, options) ?? blockLines(value, 0, options).join('\n')}\n`;
}
