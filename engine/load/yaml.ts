import {readFileSync} from 'node:fs';
import yaml from 'js-yaml';
import {PbError, type SourcePosition} from '../errors.js';
import {ansibleSchema} from './yaml-schema.js';
import {dumpPyYaml} from './yaml-emit.js';
import {isVaultText} from '../vault/format.js';
import {openInlineVaults, revealStrings} from '../vault/inline.js';
import {vaultKeyring} from '../vault/keyring.js';

/*
 * The one place that reads YAML. It keeps the source position of every mapping, sequence,
 * mapping key and value, so a semantic error found later (unknown module, bad parameter) can
 * still point at its file:line:column.
 */

interface Point {
	readonly line: number;
	readonly column: number;
}

interface NodePositions {
	readonly start: Point;
	readonly keys: Map<string, Point>;
	readonly values: Map<string, Point>;
	readonly items: Point[];
}

export interface YamlDocument {
	readonly file: string;
	readonly source: string;
	readonly value: unknown;
	/** Where a mapping or sequence starts, or where one of its keys (or its value) or items is. */
	where(node: unknown, key?: string | number, part?: 'key' | 'value'): SourcePosition;
}

function lineStarts(source: string): number[] {
	const starts = [0];
	for (let i = 0; i < source.length; i++) {
		if (source.codePointAt(i) === 10) {
			starts.push(i + 1);
		}
	}

	return starts;
}

function pointAt(starts: readonly number[], offset: number): Point {
	let low = 0;
	let high = starts.length - 1;
	while (low < high) {
		const middle = Math.ceil((low + high) / 2);
		if ((starts[middle] ?? 0) <= offset) {
			low = middle;
		} else {
			high = middle - 1;
		}
	}

	return {line: low + 1, column: offset - (starts[low] ?? 0) + 1};
}

export function parseYaml(source: string, file: string): YamlDocument {
	const starts = lineStarts(source);
	const positions = new WeakMap<object, NodePositions>();
	interface Frame {
		readonly offset: number;
		readonly children: Array<{value: unknown; offset: number}>;
	}
	const stack: Frame[] = [];
	// Events fire at the node's start, sometimes before the blanks (or the line break, for a
	// block under a key) that precede it: skip those.
	const startOf = (offset: number) => {
		let at = offset;
		while (at < source.length && /[ \t\r\n]/.test(source[at]!)) {
			at++;
		}

		return at;
	};

	const listener = (event: 'open' | 'close', state: {position: number; result: unknown}) => {
		if (event === 'open') {
			stack.push({offset: startOf(state.position), children: []});
			return;
		}

		const frame = stack.pop();
		if (!frame) {
			return;
		}

		const value = state.result;
		if (value !== null && typeof value === 'object' && !positions.has(value)) {
			const node: NodePositions = {start: pointAt(starts, frame.offset), keys: new Map(), values: new Map(), items: []};
			if (Array.isArray(value)) {
				node.items.push(...frame.children.map(child => pointAt(starts, child.offset)));
			} else {
				for (let i = 0; i + 1 < frame.children.length; i += 2) {
					const key = String(frame.children[i]?.value);
					node.keys.set(key, pointAt(starts, frame.children[i]?.offset ?? 0));
					node.values.set(key, pointAt(starts, frame.children[i + 1]?.offset ?? 0));
				}
			}

			positions.set(value, node);
		}

		stack.at(-1)?.children.push({value, offset: frame.offset});
	};

	let value: unknown;
	try {
		value = yaml.load(source, {filename: file, schema: ansibleSchema, listener: listener as never});
	} catch (error) {
		if (error instanceof yaml.YAMLException) {
			throw new PbError(`YAML syntax error: ${error.reason}`, {
				where: {file, line: error.mark.line + 1, column: error.mark.column + 1},
				hint: 'Check the indentation and quoting on this line and the one before it.',
				cause: error,
			});
		}

		throw error;
	}

	const document: YamlDocument = {
		file,
		source,
		value,
		where(node, key, part = 'key') {
			const info = node !== null && typeof node === 'object' ? positions.get(node) : undefined;
			let point = info?.start ?? {line: 1, column: 1};
			if (info && typeof key === 'number') {
				point = info.items[key] ?? point;
			} else if (info && typeof key === 'string') {
				point = (part === 'key' ? info.keys.get(key) : info.values.get(key)) ?? point;
			}

			return {file, ...point};
		},
	};
	return source.includes('!vault') ? {...document, value: openInlineVaults(value, vaultKeyring, (node, key) => document.where(node, key, 'value'), {file, line: 1, column: 1})} : document;
}

/** Where a file was named (import_playbook, import_tasks, vars_files...): a missing one is reported there. */
export interface NamedAt {
	readonly keyword: string;
	/** As written. */
	readonly path: string;
	readonly where: SourcePosition;
}

export function loadYamlFile(file: string, namedAt?: NamedAt): YamlDocument {
	let source: string;
	try {
		source = readFileSync(file, 'utf8');
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code ?? String(error);
		if (namedAt) {
			throw new PbError(`${namedAt.keyword} names ${namedAt.path}, which ${code === 'ENOENT' ? 'does not exist' : `cannot be read (${code})`}: looked for ${file}`, {
				where: namedAt.where,
				hint: `Correct the path in ${namedAt.where.file}, or create the file.`,
				cause: error,
			});
		}

		throw new PbError(`cannot read ${file}: ${code}`, {
			hint: 'Check the path; relative paths start from the current directory.',
			cause: error,
		});
	}

	if (!isVaultText(source)) {
		return parseYaml(source, file);
	}

	// A whole file encrypted with ansible-vault: opened in memory, each of its strings a secret.
	const document = parseYaml(vaultKeyring.decrypt(source, file), file);
	revealStrings(document.value, vaultKeyring);
	return document;
}

/**
 * YAML text: js-yaml's block style, or with `ansible`, as Ansible's to_yaml or to_nice_yaml
 * writes it through PyYAML (keys sorted unless `sortKeys` is false).
 */
export function dumpYaml(value: unknown, options: {readonly ansible?: 'to_yaml' | 'to_nice_yaml'; readonly indent?: number; readonly sortKeys?: boolean} = {}): string {
	if (options.ansible) {
		return dumpPyYaml(value, {indent: options.indent ?? (options.ansible === 'to_yaml' ? 2 : 4), flowLeaves: options.ansible === 'to_yaml', sortKeys: options.sortKeys ?? true});
	}

	return yaml.dump(value, {schema: ansibleSchema, noRefs: true, lineWidth: 120});
}

/** A YAML value from text, read as Ansible reads it (from_yaml). */
export function readYaml(text: string): unknown {
	const value = yaml.load(text, {schema: ansibleSchema});
	return text.includes('!vault') ? openInlineVaults(value, vaultKeyring, () => undefined) : value;
}
