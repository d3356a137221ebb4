/**
 * Jinja as Ansible renders it: templates are parsed once and checked for unknown filters and
 * tests; a value's result follows ansible-core 2.14 (non-native): `{{ name }}` of a number, bool
 * or None keeps its type, anything else is text, and text that reads as a list, dict or bool
 * literal becomes one (Ansible's literal_eval).
 */
import {existsSync, readFileSync} from 'node:fs';
import {dirname, isAbsolute, join} from 'node:path';
import {didYouMean} from '../../did-you-mean.js';
import {parseIniValue} from '../../inventory/python-literal.js';
import {Context, type RenderHost} from './context.js';
import {filterNamed, filterNames, globalNames, runLookup, testNamed, testNames, walk} from './evaluate.js';
import {lookups} from './lookups.js';
import {evaluateTree, interpreter, renderTree} from './render.js';
import {JinjaSyntaxError, parseJinja, parseTemplateFile, type JinjaNode} from './syntax.js';

export {JinjaSyntaxError} from './syntax.js';
export {RenderFailure, UndefinedUse} from './context.js';

/** Templates named by include or lookup('template'): beside the including file, then as given. */
const fileHost: RenderHost = {
	loadTemplate(name, from) {
		const candidates = isAbsolute(name) ? [name] : [...(from ? [join(dirname(from), name), join(dirname(dirname(from)), name)] : []), name];
		const path = candidates.find(candidate => existsSync(candidate));
		if (path === undefined) {
			throw new TypeError(`template "${name}" not found (looked for ${candidates.join(', ')})`);
		}

		return {path, text: readFileSync(path, 'utf8')};
	},
};

/** Every filter and test a template names must exist: found before anything runs. */
function checkNames(root: JinjaNode): void {
	walk(root, node => {
		if (node.typename === 'Filter') {
			const name = String((node['name'] as JinjaNode)['value']);
			if (filterNamed(name) === undefined) {
				throw new JinjaSyntaxError(`unknown filter "${name}"${didYouMean(name, filterNames)}`, node.lineno + 1, node.colno + 1);
			}
		} else if (node.typename === 'Is') {
			const test = node['right'] as JinjaNode;
			const name = String((test['name'] as JinjaNode)['value']);
			if (testNamed(name) === undefined) {
				throw new JinjaSyntaxError(`unknown test "is ${name}"${didYouMean(name, testNames)}`, test.lineno + 1, test.colno + 1);
			}
		}
	});
}

const compiled = {value: new Map<string, JinjaNode>(), file: new Map<string, JinjaNode>(), expression: new Map<string, JinjaNode>()};

function cached(kind: keyof typeof compiled, text: string, parse: () => JinjaNode): JinjaNode {
	let root = compiled[kind].get(text);
	if (!root) {
		root = parse();
		checkNames(root);
		compiled[kind].set(text, root);
	}

	return root;
}

/** Parses a value's template (a string in a playbook, vars file or inventory). */
export function compileJinjaValue(text: string): JinjaNode {
	return cached('value', text, () => parseJinja(text, undefined, true));
}

/** Parses a template file's text, honouring its `#jinja2:` header. */
export function compileJinjaFile(text: string, file: string): JinjaNode {
	return cached('file', text, () => parseTemplateFile(text, file));
}

/** Parses a bare expression (a condition): the tree of `{{ expression }}`'s one output. */
export function compileJinjaExpression(text: string): JinjaNode {
	return cached('expression', text, () => {
		const root = parseJinja(`{{ ${text} }}`);
		const output = (root['children'] as JinjaNode[])[0];
		const expressions = (output?.['children'] as JinjaNode[] | undefined) ?? [];
		if (output?.typename !== 'Output' || expressions.length !== 1) {
			throw new JinjaSyntaxError('expected one expression', 1, 1);
		}

		// The expression's columns count from the `{{ ` added around it.
		return expressions[0]!;
	});
}

const soleName = /^\{\{\s*(\w+)\s*\}\}$/;

/** Filters whose text Ansible never turns into a list or dict (its STRING_TYPE_FILTERS). */
const textFilters = new Set(['string', 'to_json', 'to_nice_json', 'to_yaml', 'to_nice_yaml']);

/** Whether the template is one `{{ x | to_json }}`-like output, whose text stays text. */
function endsInTextFilter(root: JinjaNode): boolean {
	const [output, ...rest] = root['children'] as JinjaNode[];
	const [expression, ...others] = (output?.['children'] as JinjaNode[] | undefined) ?? [];
	return rest.length === 0 && others.length === 0 && expression?.typename === 'Filter' && textFilters.has(filterNamed(String((expression['name'] as JinjaNode)['value'])) ?? '');
}

/** Renders a value's template to what ansible-core 2.14 gives for it. */
export function renderJinjaValue(text: string, vars: Readonly<Record<string, unknown>>): unknown {
	const root = compileJinjaValue(text);
	const name = soleName.exec(text)?.[1];
	if (name !== undefined && Object.hasOwn(vars, name)) {
		const value = vars[name];
		if (value === null || typeof value === 'number' || typeof value === 'boolean') {
			return value;
		}
	}

	const rendered = keepTrailingNewlines(text, renderTree(root, vars, fileHost, undefined));
	if (endsInTextFilter(root)) {
		return rendered;
	}

	// Python's literal_eval reads past trailing whitespace; text it cannot read stays as it was.
	const trimmed = rendered.trimEnd();
	if (trimmed.startsWith('{') || trimmed.startsWith('[') || trimmed === 'True' || trimmed === 'False') {
		const value = parseIniValue(trimmed);
		return value === trimmed ? rendered : value;
	}

	return rendered;
}

export function renderJinjaFile(text: string, vars: Readonly<Record<string, unknown>>, file: string): string {
	return keepTrailingNewlines(text, renderTree(compileJinjaFile(text, file), vars, fileHost, file));
}

/** Ansible gives back the newlines the template ended with, even those trim_blocks took. */
function keepTrailingNewlines(template: string, rendered: string): string {
	const count = (text: string) => /\n*$/.exec(text)![0].length;
	return rendered + '\n'.repeat(Math.max(0, count(template) - count(rendered)));
}

/** The lookups a `with_<name>` loop may name. */
export const lookupNames: readonly string[] = Object.keys(lookups);

/** A lookup's results for terms, as `query(name, ...terms)` gives them (a `with_<name>` loop's items). */
export function queryLookup(name: string, terms: readonly unknown[], vars: Readonly<Record<string, unknown>>): unknown[] {
	return runLookup(name, terms, {}, new Context(vars, fileHost, interpreter, undefined));
}

export function evaluateJinjaExpression(expression: JinjaNode, vars: Readonly<Record<string, unknown>>): unknown {
	return evaluateTree(expression, vars, fileHost);
}

/** Tests whose subject may be undefined, and filters whose input may: not a variable the template needs. */
const guards = new Set(['defined', 'undefined', 'default', 'd', 'mandatory']);

const nameOf = (node: unknown) => String(((node as JinjaNode)['name'] as JinjaNode)['value']);

/**
 * Root names of the variables a template reads, so the engine can check them up front. Leaves out
 * names the template binds itself (set, for, macro parameters, `loop`), globals, constants, and
 * names tested with `is defined` or given a `default`.
 */
export function jinjaVariables(root: JinjaNode): string[] {
	const bound = new Set<string>(['loop', 'varargs', 'kwargs', 'True', 'False', 'None', 'true', 'false', 'none', ...globalNames]);
	walk(root, node => {
		const targets = node.typename === 'For' ? [node['name']] : (node.typename === 'Set' ? node['targets'] as unknown[] : (node.typename === 'Macro' ? [node['name'], node['args']] : []));
		for (const target of targets) {
			walk(target, inner => {
				if (inner.typename === 'Symbol') {
					bound.add(String(inner['value']));
				}
			});
		}
	});
	const names = new Set<string>();
	const visit = (node: unknown): void => {
		if (Array.isArray(node)) {
			node.forEach(visit);
			return;
		}

		if (typeof node !== 'object' || node === null || typeof (node as JinjaNode).typename !== 'string') {
			return;
		}

		const current = node as JinjaNode;
		switch (current.typename) {
			case 'Symbol': {
				if (!bound.has(String(current['value']))) {
					names.add(String(current['value']));
				}

				return;
			}

			case 'Filter': {
				const [input, ...args] = (current['args'] as JinjaNode)['children'] as JinjaNode[];
				visit(guards.has(nameOf(current)) ? [] : input);
				visit(args);
				return;
			}

			case 'Is': {
				visit(guards.has(nameOf(current['right'])) ? [] : current['left']);
				visit((current['right'] as JinjaNode)['args']);
				return;
			}

			case 'FunCall': {
				const callee = current['name'] as JinjaNode;
				visit(callee.typename === 'Symbol' && globalNames.has(String(callee['value'])) ? [] : callee);
				visit(current['args']);
				return;
			}

			case 'KeywordArgs': {
				visit(((current['children'] as JinjaNode[]) ?? []).map(pair => pair['value']));
				return;
			}

			default: {
				visit(Object.values(current));
			}
		}
	};

	visit(root);
	return [...names];
}
