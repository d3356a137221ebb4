/**
 * Makes a parsed condition strict, the way Ansible's are: every variable lookup is wrapped in a
 * check that fails with the variable's name, except under `is defined`/`is undefined` and
 * `| default(...)`, which exist to cope with missing variables. `is` tests become calls.
 * The node types are jexl's AST, declared here so that condition.ts stays jexl's one importer.
 */
import {didYouMean} from '../did-you-mean.js';

export type ConditionAst =
	| {type: 'UnaryExpression'; operator: string; right: ConditionAst}
	| {type: 'BinaryExpression'; operator: string; left: ConditionAst; right: ConditionAst}
	| {type: 'ConditionalExpression'; test: ConditionAst; consequent?: ConditionAst; alternate: ConditionAst}
	| {type: 'FilterExpression'; relative: boolean; expr: ConditionAst; subject: ConditionAst}
	| {type: 'Literal'; value: unknown}
	| {type: 'ArrayLiteral'; value: ConditionAst[]}
	| {type: 'ObjectLiteral'; value: Record<string, ConditionAst>}
	| {type: 'Identifier'; value: string; from?: ConditionAst; relative?: boolean}
	| {type: 'FunctionCall'; name: string; pool: 'functions' | 'transforms'; args: ConditionAst[]};

/** The names of what a strict condition calls, and what exists for users to call. */
export interface StrictNames {
	/** Transform (value, path): fails when the value is undefined. */
	readonly checked: string;
	/** Transform (value): `{}` for a missing value, so `x['k']` under `is defined` can be asked. */
	readonly orEmpty: string;
	/** Transform name for an `is` test. */
	readonly test: (name: string) => string;
	readonly filters: ReadonlySet<string>;
	readonly lenientFilters: ReadonlySet<string>;
	readonly tests: ReadonlySet<string>;
	readonly lenientTests: ReadonlySet<string>;
}

/** A condition that cannot be right, whatever the variables: reported before anything runs. */
export class ConditionSyntaxError extends Error {}

/** Python spellings Ansible users write for constants (jexl knows only true and false). */
const constants: Readonly<Record<string, unknown>> = {True: true, False: false, None: null, none: null, null: null};

export function makeStrict(ast: ConditionAst, names: StrictNames): ConditionAst {
	const strict = (node: ConditionAst): ConditionAst => {
		switch (node.type) {
			case 'Identifier': {
				if (node.relative) {
					return node;
				}

				if (!node.from && Object.hasOwn(constants, node.value)) {
					return {type: 'Literal', value: constants[node.value]};
				}

				const lookup: ConditionAst = node.from ? {...node, from: strict(node.from)} : node;
				return call(names.checked, [lookup, literal(pathText(node))]);
			}

			case 'FilterExpression': {
				const filtered: ConditionAst = {...node, subject: strict(node.subject), expr: strict(node.expr)};
				return node.relative ? filtered : call(names.checked, [filtered, literal(pathText(node))]);
			}

			case 'BinaryExpression': {
				return node.operator === 'is' ? isTest(node.left, node.right) : {...node, left: strict(node.left), right: strict(node.right)};
			}

			case 'UnaryExpression': {
				return {...node, right: strict(node.right)};
			}

			case 'ConditionalExpression': {
				return {
					...node,
					test: strict(node.test),
					alternate: strict(node.alternate),
					...(node.consequent && {consequent: strict(node.consequent)}),
				};
			}

			case 'ArrayLiteral': {
				return {...node, value: node.value.map(item => strict(item))};
			}

			case 'ObjectLiteral': {
				return {...node, value: Object.fromEntries(Object.entries(node.value).map(([key, value]) => [key, strict(value)]))};
			}

			case 'FunctionCall': {
				return filterCall(node);
			}

			case 'Literal': {
				return node;
			}
		}
	};

	// A lookup that may find nothing: identifier chains and indexing stay unchecked, the rest is strict.
	const lenient = (node: ConditionAst): ConditionAst => {
		if (node.type === 'Identifier' && !node.relative) {
			if (!node.from && Object.hasOwn(constants, node.value)) {
				return strict(node);
			}

			// jexl gives undefined for a.b when a is undefined, so a chain needs no guard.
			return node.from ? {...node, from: lenient(node.from)} : node;
		}

		if (node.type === 'FilterExpression' && !node.relative) {
			// jexl indexes the subject directly: a missing subject must become {} first.
			return {...node, subject: call(names.orEmpty, [lenient(node.subject)]), expr: strict(node.expr)};
		}

		return strict(node);
	};

	const filterCall = (node: Extract<ConditionAst, {type: 'FunctionCall'}>): ConditionAst => {
		if (node.pool === 'functions') {
			throw new ConditionSyntaxError(`unknown function "${node.name}()": a condition calls filters after |, as in \`x | length\`, and tests after is, as in \`x is version('1.2', '>=')\``);
		}

		if (!names.filters.has(node.name)) {
			throw new ConditionSyntaxError(`unknown filter "${node.name}"${didYouMean(node.name, names.filters)}; filters: ${[...names.filters].join(', ')}`);
		}

		const [subject, ...args] = node.args;
		const input = subject && (names.lenientFilters.has(node.name) ? lenient(subject) : strict(subject));
		return {...node, args: [...(input ? [input] : []), ...args.map(arg => strict(arg))]};
	};

	const isTest = (subject: ConditionAst, test: ConditionAst): ConditionAst => {
		const negated = test.type === 'UnaryExpression' && (test.operator === 'not' || test.operator === '!');
		const named = negated ? test.right : test;
		const [name, args] = named.type === 'Identifier' && !named.from
			? [named.value, []]
			: (named.type === 'FunctionCall' && named.pool === 'functions' ? [named.name, named.args] : [undefined, []]);
		if (name === undefined) {
			throw new ConditionSyntaxError(`"is" must be followed by a test name, as in \`x is defined\`; tests: ${[...names.tests].join(', ')}`);
		}

		if (!names.tests.has(name)) {
			throw new ConditionSyntaxError(`unknown test "is ${name}"${didYouMean(name, names.tests)}; tests: ${[...names.tests].join(', ')}`);
		}

		const input = names.lenientTests.has(name) ? lenient(subject) : strict(subject);
		const result = call(names.test(name), [input, ...args.map(arg => strict(arg))]);
		return negated ? {type: 'UnaryExpression', operator: 'not', right: result} : result;
	};

	return strict(ast);
}

/** How a lookup reads in the condition, for error messages: `result.rc`, `groups['k8s'][0]`. */
function pathText(node: ConditionAst): string {
	if (node.type === 'Identifier') {
		return node.from ? `${pathText(node.from)}.${node.value}` : node.value;
	}

	if (node.type === 'FilterExpression' && node.expr.type === 'Literal') {
		return `${pathText(node.subject)}[${JSON.stringify(node.expr.value)}]`;
	}

	return node.type === 'FilterExpression' ? `${pathText(node.subject)}[...]` : '(...)';
}

function call(name: string, args: ConditionAst[]): ConditionAst {
	return {type: 'FunctionCall', name, pool: 'transforms', args};
}

function literal(value: string): ConditionAst {
	return {type: 'Literal', value};
}
