/**
 * Evaluates Jinja expressions with Python's meanings, as Ansible's Jinja2 does: truthiness of
 * empty lists, `==` without coercion, `and`/`or` giving an operand, attribute-then-item lookup,
 * and undefined values that fail where they are used, naming the variable.
 */
import {didYouMean} from '../../did-you-mean.js';
import type {Arguments} from './arguments.js';
import {Context, Namespace, RenderFailure, Undefined, UndefinedUse, type Callable} from './context.js';
import {filterAliases, filters, undefinedInputFilters, type FilterEnvironment} from './filters.js';
import {lookups} from './lookups.js';
import {methodOf} from './methods.js';
import {arithmetic, compare, isEqual, isIn, isMapping, isTruthy, pyIndex, pySlice, pyStr, tuple, typeName} from './python.js';
import {children, field, isNode, type JinjaNode} from './syntax.js';
import {testAliases, tests, undefinedSubjectTests} from './tests.js';

const constants: Readonly<Record<string, unknown>> = {True: true, False: false, None: null, true: true, false: false, none: null};

const arithmeticOperators: Readonly<Record<string, string>> = {Add: '+', Sub: '-', Mul: '*', Div: '/', FloorDiv: '//', Mod: '%', Pow: '**'};

/** A filter or test by the name written: `ansible.builtin.to_json` and `community.general.x` are `to_json`, `x`. */
function shortName(name: string): string {
	return name.slice(name.lastIndexOf('.') + 1);
}

export function filterNamed(name: string): string | undefined {
	const short = shortName(name);
	const canonical = filterAliases[short] ?? short;
	return Object.hasOwn(filters, canonical) ? canonical : undefined;
}

export function testNamed(name: string): string | undefined {
	const short = shortName(name);
	const canonical = testAliases[short] ?? short;
	return Object.hasOwn(tests, canonical) ? canonical : undefined;
}

export const filterNames: readonly string[] = [...Object.keys(filters), ...Object.keys(filterAliases)].sort();
export const testNames: readonly string[] = [...Object.keys(tests), ...Object.keys(testAliases)].sort();

/** The value, or the failure an undefined value is when used. */
export function resolved(value: unknown, node: JinjaNode): unknown {
	if (value instanceof Undefined) {
		throw new UndefinedUse(value, node.lineno + 1, node.colno + 1);
	}

	return value;
}

function failure(node: JinjaNode, error: unknown): Error {
	if (error instanceof UndefinedUse || error instanceof RenderFailure) {
		return error;
	}

	return new RenderFailure(error instanceof Error ? error.message : String(error), node.lineno + 1, node.colno + 1, error);
}

/** How an expression reads, for messages: `result.stdout_lines[0]`, `groups['k8s']`. */
function pathText(node: JinjaNode): string {
	if (node.typename === 'Symbol') {
		return String(node['value']);
	}

	if (node.typename === 'LookupVal') {
		const key = field(node, 'val');
		const base = pathText(field(node, 'target'));
		if (key.typename === 'Literal') {
			return node['dotted'] ? `${base}.${String(key['value'])}` : `${base}[${JSON.stringify(key['value'])}]`;
		}

		return `${base}[...]`;
	}

	return '(...)';
}

/** Jinja's `a.b` / `a['b']`: the mapping's key, the list's index, a namespace's attribute. */
function member(target: unknown, key: unknown, step: string, targetText: string): unknown {
	if (target instanceof Undefined) {
		return target.child(step);
	}

	if (target === null || target === undefined) {
		return new Undefined(`${targetText}${step}`, `: "${targetText}" is null`);
	}

	if (target instanceof Namespace) {
		return Object.hasOwn(target.attributes, String(key)) ? target.attributes[String(key)] : new Undefined(`${targetText}${step}`, `: "${targetText}" has no "${String(key)}"`);
	}

	if (Array.isArray(target) || typeof target === 'string') {
		const index = typeof key === 'number' ? pyIndex(target.length, key) : undefined;
		if (index !== undefined) {
			return target[index];
		}
	} else if (isMapping(target) && Object.hasOwn(target, String(key))) {
		return target[String(key)];
	}

	return new Undefined(`${targetText}${step}`, `: "${targetText}" has no "${String(key)}"`);
}

function argumentsOf(list: JinjaNode | null | undefined, context: Context, skip = 0): Arguments {
	const positional: unknown[] = [];
	const named: Record<string, unknown> = {};
	for (const arg of children(list).slice(skip)) {
		if (arg.typename === 'KeywordArgs') {
			for (const pair of children(arg)) {
				named[String(field(pair, 'key')['value'])] = resolved(evaluate(field(pair, 'value'), context), pair);
			}
		} else {
			positional.push(resolved(evaluate(arg, context), arg));
		}
	}

	return {positional, named};
}

function environmentFor(context: Context): FilterEnvironment {
	return {
		filter: (name, input, call) => applyFilter(name, input, call, context),
		test: (name, subject, call) => applyTest(name, subject, call),
		attribute: (value, path) => path.split('.').reduce<unknown>((current, part) => member(current, /^\d+$/.test(part) ? Number(part) : part, `.${part}`, 'item'), value),
	};
}

function applyFilter(name: string, input: unknown, call: Arguments, context: Context): unknown {
	const canonical = filterNamed(name);
	if (canonical === undefined) {
		throw new TypeError(`unknown filter "${name}"${didYouMean(name, filterNames)}`);
	}

	return filters[canonical]!(input, call, environmentFor(context));
}

function applyTest(name: string, subject: unknown, call: Arguments): boolean {
	const canonical = testNamed(name);
	if (canonical === undefined) {
		throw new TypeError(`unknown test "is ${name}"${didYouMean(name, testNames)}`);
	}

	return tests[canonical]!(subject, call);
}

/** A lookup plugin's results for its terms (`ansible.builtin.` and collection prefixes accepted). */
export function runLookup(plugin: string, terms: readonly unknown[], named: Arguments['named'], context: Context): unknown[] {
	const name = shortName(plugin);
	const lookup = lookups[name];
	if (!lookup) {
		throw new TypeError(`unknown lookup "${name}"${didYouMean(name, Object.keys(lookups))}; lookups: ${Object.keys(lookups).join(', ')}`);
	}

	return lookup(terms, named, {
		vars: variable => (context.has(variable) ? context.lookup(variable) : new Undefined(variable)),
		renderFile: path => context.interpreter.renderFile(path, context),
	});
}

function callLookup(kind: 'lookup' | 'query', call: Arguments, context: Context): unknown {
	const [plugin, ...terms] = call.positional;
	const results = runLookup(pyStr(plugin), terms, call.named, context);
	if (kind === 'query' || isTruthy(call.named['wantlist'])) {
		return results;
	}

	// lookup() joins strings with commas; other results come back as themselves (one) or the list.
	if (results.length > 0 && results.every(result => typeof result === 'string')) {
		return results.join(',');
	}

	return results.length === 1 ? results[0] : results;
}

function range(call: Arguments): number[] {
	const numbers = call.positional.map(Number);
	const [start, stop, step] = numbers.length === 1 ? [0, numbers[0]!, 1] : [numbers[0]!, numbers[1]!, numbers[2] ?? 1];
	if (step === 0) {
		throw new TypeError('range() arg 3 must not be zero');
	}

	const values: number[] = [];
	for (let value = start; step > 0 ? value < stop : value > stop; value += step) {
		values.push(value);
	}

	return values;
}

const globals: Readonly<Record<string, (call: Arguments, context: Context) => unknown>> = {
	lookup: (call, context) => callLookup('lookup', call, context),
	query: (call, context) => callLookup('query', call, context),
	q: (call, context) => callLookup('query', call, context),
	range: call => range(call),
	dict: call => ({...(isMapping(call.positional[0]) ? call.positional[0] : {}), ...call.named}),
	namespace: call => new Namespace({...(isMapping(call.positional[0]) ? call.positional[0] : {}), ...call.named}),
};

export const globalNames: ReadonlySet<string> = new Set(Object.keys(globals));

function callFunction(node: JinjaNode, context: Context): unknown {
	const callee = field(node, 'name');
	const call = () => argumentsOf(field(node, 'args'), context);
	if (callee.typename === 'Symbol') {
		const name = String(callee['value']);
		const defined = context.lookup(name);
		if (typeof defined === 'function') {
			const {positional, named} = call();
			return (defined as Callable)(positional, named);
		}

		const global = globals[name];
		if (global && !context.has(name)) {
			return global(call(), context);
		}

		throw new TypeError(`"${name}" is not a function${didYouMean(name, [...globalNames])}; functions: ${[...globalNames].join(', ')}`);
	}

	if (callee.typename === 'LookupVal' && field(callee, 'val').typename === 'Literal') {
		const target = resolved(evaluate(field(callee, 'target'), context), callee);
		const name = String(field(callee, 'val')['value']);
		const own = target instanceof Namespace ? target.attributes[name] : (isMapping(target) && Object.hasOwn(target, name) ? target[name] : undefined);
		if (typeof own === 'function') {
			const {positional, named} = call();
			return (own as Callable)(positional, named);
		}

		const method = methodOf(target, name);
		if (method) {
			const {positional, named} = call();
			return method(...positional, ...(Object.keys(named).length > 0 ? [named] : []));
		}

		throw new TypeError(`${typeName(target)} has no method "${name}"`);
	}

	const value = resolved(evaluate(callee, context), callee);
	if (typeof value === 'function') {
		const {positional, named} = call();
		return (value as Callable)(positional, named);
	}

	throw new TypeError(`${typeName(value)} is not callable`);
}

function compareChain(node: JinjaNode, context: Context): boolean {
	let left = resolved(evaluate(field(node, 'expr'), context), field(node, 'expr'));
	for (const operand of node['ops'] as JinjaNode[]) {
		const expression = field(operand, 'expr');
		const right = resolved(evaluate(expression, context), expression);
		const operator = String(operand['type']);
		const holds = operator === '==' || operator === '==='
			? isEqual(left, right)
			: (operator === '!=' || operator === '!==' ? !isEqual(left, right) : compare(left, right, operator));
		if (!holds) {
			return false;
		}

		left = right;
	}

	return true;
}

function lookupName(name: string, context: Context): unknown {
	if (Object.hasOwn(constants, name) && !context.has(name)) {
		return constants[name];
	}

	return context.has(name) ? context.lookup(name) : new Undefined(name);
}

function sliceOf(target: unknown, slice: JinjaNode, context: Context): unknown {
	const bound = (name: string) => resolved(evaluate(field(slice, name), context), slice);
	if (typeof target !== 'string' && !Array.isArray(target)) {
		throw new TypeError(`${typeName(target)} cannot be sliced`);
	}

	return pySlice(target, bound('start'), bound('stop'), bound('step'));
}

/** The value of an expression node; it may be an Undefined, which only some uses accept. */
export function evaluate(node: JinjaNode, context: Context): unknown {
	try {
		return evaluateNode(node, context);
	} catch (error) {
		throw failure(node, error);
	}
}

function evaluateNode(node: JinjaNode, context: Context): unknown {
	const operand = (name: string) => resolved(evaluate(field(node, name), context), field(node, name));
	switch (node.typename) {
		case 'Literal':
		case 'TemplateData': {
			return node['value'];
		}

		case 'Symbol': {
			return lookupName(String(node['value']), context);
		}

		case 'Group': {
			const items = children(node);
			return items.length === 1 ? evaluate(items[0]!, context) : tuple(items.map(item => resolved(evaluate(item, context), item)));
		}

		case 'Array': {
			return children(node).map(item => resolved(evaluate(item, context), item));
		}

		case 'Dict': {
			return Object.fromEntries(children(node).map(pair => {
				const key = field(pair, 'key');
				return [pyStr(resolved(evaluate(key, context), key)), resolved(evaluate(field(pair, 'value'), context), pair)];
			}));
		}

		case 'LookupVal': {
			const target = evaluate(field(node, 'target'), context);
			const key = field(node, 'val');
			if (key.typename === 'Slice') {
				return sliceOf(resolved(target, node), key, context);
			}

			const name = resolved(evaluate(key, context), key);
			const step = node['dotted'] || key.typename !== 'Literal' ? `.${pyStr(name)}` : `[${JSON.stringify(name)}]`;
			return member(target, name, step, pathText(field(node, 'target')));
		}

		case 'FunCall': {
			return callFunction(node, context);
		}

		case 'Filter': {
			const name = String(field(node, 'name')['value']);
			const [inputNode] = children(field(node, 'args'));
			const input = inputNode ? evaluate(inputNode, context) : undefined;
			const canonical = filterNamed(name);
			const accepted = canonical !== undefined && undefinedInputFilters.has(canonical) ? input : resolved(input, inputNode ?? node);
			return applyFilter(name, accepted, argumentsOf(field(node, 'args'), context, 1), context);
		}

		case 'Is': {
			const test = field(node, 'right');
			const name = String(field(test, 'name')['value']);
			const subjectNode = field(node, 'left');
			const subject = evaluate(subjectNode, context);
			const canonical = testNamed(name);
			const accepted = canonical !== undefined && undefinedSubjectTests.has(canonical) ? subject : resolved(subject, subjectNode);
			return applyTest(name, accepted, argumentsOf(field(test, 'args'), context));
		}

		case 'In': {
			return isIn(operand('left'), operand('right'));
		}

		case 'Not': {
			return !isTruthy(operand('target'));
		}

		case 'And': {
			const left = operand('left');
			return isTruthy(left) ? operand('right') : left;
		}

		case 'Or': {
			const left = operand('left');
			return isTruthy(left) ? left : operand('right');
		}

		case 'Compare': {
			return compareChain(node, context);
		}

		case 'Concat': {
			return pyStr(operand('left')) + pyStr(operand('right'));
		}

		case 'Neg': {
			return -Number(operand('target'));
		}

		case 'Pos': {
			return Number(operand('target'));
		}

		case 'InlineIf': {
			if (isTruthy(operand('cond'))) {
				return evaluate(field(node, 'body'), context);
			}

			// Without an else, Jinja gives a value that prints as nothing.
			return node['else_'] ? evaluate(field(node, 'else_'), context) : '';
		}

		case 'Capture': {
			return context.interpreter.renderBody(children(field(node, 'body')), context);
		}

		default: {
			const operator = arithmeticOperators[node.typename];
			if (operator !== undefined) {
				return arithmetic(operator, operand('left'), operand('right'));
			}

			throw new TypeError(`pb's Jinja does not evaluate ${node.typename} here`);
		}
	}
}

/** Calls `visit` on every node of a tree, parents first. */
export function walk(node: unknown, visit: (node: JinjaNode) => void): void {
	if (!isNode(node)) {
		return;
	}

	visit(node);
	for (const value of Object.values(node)) {
		if (Array.isArray(value)) {
			for (const child of value) {
				walk(child, visit);
			}
		} else {
			walk(value, visit);
		}
	}
}
