/**
 * Conditions (`when`, `changed_when`, `failed_when`, `until`, `assert.that`): jexl expressions
 * (imported here and nowhere else), set up to read like Ansible's: `and`/`or`/`not`, `not in`,
 * `is defined`, `| length`, Python truthiness, and strict about undefined variables.
 */
import jexl from 'jexl';
import {PbError, type SourcePosition} from '../errors.js';
import {ConditionSyntaxError, makeStrict, type ConditionAst} from './condition-ast.js';
import {conditionFilters, conditionTests, lenientFilters, lenientTests} from './condition-filters.js';
import {isEqual, isIn, isTruthy} from './filters.js';

/** A lookup that found nothing; evaluateCondition names the condition and its place. */
class UndefinedName extends Error {
	constructor(readonly variable: string) {
		super(`undefined variable "${variable}"`);
	}
}

// Names with a colon cannot be written after `|` in a condition, so these stay ours.
const checkedTransform = 'pb:checked';
const orEmptyTransform = 'pb:or-empty';
const testTransform = (name: string) => `pb:is:${name}`;

/**
 * `not in` is two words to jexl, and `not` after an operand is a syntax error. Spelling it as one
 * operator symbol keeps `not inventory_hostname in x` intact, which a 'not in' element would split.
 */
const notIn = '∉';

interface Operand {
	eval(): {then(next: (value: unknown) => unknown): unknown};
}

const language = new jexl.Jexl();
language.addBinaryOp('==', 20, isEqual);
language.addBinaryOp('!=', 20, (left, right) => !isEqual(left, right));
language.addBinaryOp('in', 20, isIn);
language.addBinaryOp(notIn, 20, (left, right) => !isIn(left, right));
language.addBinaryOp('is', 20, () => {
	throw new Error('"is" is rewritten into a test call at compile time');
});

// Python's precedence: comparisons (20), then not, then and, then or. jexl's addUnaryOp sets no
// precedence (so `not a and b` would mean `not (a and b)`) and addBinaryOp's types hide the lazy
// form, hence the grammar entries. `and`/`or` evaluate their right side only when needed, so
// `x is defined and x.y` never looks at x.y when x is missing.
const lazy = (precedence: number, stopsOn: boolean) => ({
	type: 'binaryOp',
	precedence,
	evalOnDemand: (left: Operand, right: Operand) => left.eval().then(value => (isTruthy(value) === stopsOn ? value : right.eval())),
});
const negation = (precedence: number) => ({type: 'unaryOp', precedence, eval: (value: unknown) => !isTruthy(value)});
Object.assign(language._grammar.elements, {
	and: lazy(12, false),
	'&&': lazy(12, false),
	or: lazy(10, true),
	'||': lazy(10, true),
	not: negation(15),
	'!': negation(Number.POSITIVE_INFINITY),
});

/**
 * The first error a filter threw in the current evaluation. jexl re-wraps errors thrown inside an
 * operand as `Error(String(error))`, losing their class; evaluation is synchronous, so the
 * original can be kept here and reported.
 */
let firstFailure: unknown;

function addTransform(name: string, transform: (value: unknown, ...args: unknown[]) => unknown): void {
	language.addTransform(name, (value: unknown, ...args: unknown[]) => {
		try {
			return transform(value, ...args);
		} catch (error) {
			firstFailure ??= error;
			throw error;
		}
	});
}

for (const [name, filter] of Object.entries(conditionFilters)) {
	addTransform(name, filter);
}

for (const [name, test] of Object.entries(conditionTests)) {
	addTransform(testTransform(name), test);
}

addTransform(checkedTransform, (value: unknown, variable: unknown) => {
	if (value === undefined) {
		throw new UndefinedName(String(variable));
	}

	return value;
});
addTransform(orEmptyTransform, (value: unknown) => value ?? {});

const strictNames = {
	checked: checkedTransform,
	orEmpty: orEmptyTransform,
	test: testTransform,
	filters: new Set(Object.keys(conditionFilters)),
	lenientFilters,
	tests: new Set(Object.keys(conditionTests)),
	lenientTests,
};

type Expression = ReturnType<typeof language.compile>;

/** A condition checked for syntax, ready to evaluate for any host. */
export interface CompiledCondition {
	/** Each part must hold: a `when:` list has several, a string or bool one. */
	readonly parts: ReadonlyArray<{readonly source: string; readonly expression: Expression | boolean}>;
	readonly where: SourcePosition;
}

/**
 * Compiles a condition as Ansible takes it: an expression string, a bare bool, or a list of those
 * that must all hold. A string that is all `{{ expr }}` is taken as `expr`. Syntax errors are
 * PbErrors of kind 'parse' at `where`.
 */
export function compileCondition(condition: string | boolean | ReadonlyArray<string | boolean>, where: SourcePosition): CompiledCondition {
	const items = typeof condition === 'string' || typeof condition === 'boolean' ? [condition] : condition;
	return {
		where,
		parts: items.map(item => ({source: String(item), expression: typeof item === 'boolean' ? item : compileExpression(item, where)})),
	};
}

function compileExpression(source: string, where: SourcePosition): Expression {
	const text = /^\s*\{\{(?![\s\S]*\{\{)([\s\S]*)\}\}\s*$/.exec(source)?.[1] ?? source;
	if (text.includes('{{')) {
		throw new PbError(`condition "${source}" mixes {{ }} with an expression`, {
			where,
			hint: 'A condition is already an expression: write `x == \'a\'`, not `{{ x }} == \'a\'`.',
		});
	}

	try {
		const expression = language.compile(spellNotIn(text));
		const ast = expression._getAst() as ConditionAst | null;
		if (!ast) {
			throw new ConditionSyntaxError('the condition is empty');
		}

		// jexl evaluates the tree its Expression holds, so the root is replaced in place (by a
		// strict version of a copy of itself, as the new root may hold the old one).
		const strict = makeStrict({...ast}, strictNames);
		for (const key of Object.keys(ast)) {
			delete (ast as Record<string, unknown>)[key];
		}

		Object.assign(ast, strict);
		return expression;
	} catch (error) {
		const message = (error instanceof Error ? error.message : String(error)).replaceAll(notIn, 'not in');
		throw new PbError(`bad condition "${source}": ${message}`, {
			where,
			hint: 'Conditions read like Ansible\'s: result.rc == 0 and \'ok\' in result.stdout, x is defined, items | length > 0, not flag.',
			cause: error,
		});
	}
}

/** Replaces `not in` outside quoted strings by the one-symbol operator jexl is given. */
function spellNotIn(text: string): string {
	return text.replaceAll(/('(?:\\'|[^'])*'|"(?:\\"|[^"])*")|\bnot\s+in\b/g, (_match, quoted: string | undefined) => quoted ?? notIn);
}

/**
 * True when every part holds, with Python's truthiness ([] and '' are false). An undefined
 * variable or a failing filter is a PbError of kind 'runtime' naming it and the condition.
 */
export function evaluateCondition(condition: CompiledCondition, vars: Record<string, unknown>): boolean {
	return condition.parts.every(({source, expression}) => {
		if (typeof expression === 'boolean') {
			return expression;
		}

		firstFailure = undefined;
		try {
			return isTruthy(expression.evalSync(vars));
		} catch (thrown) {
			const error = firstFailure ?? thrown;
			if (error instanceof UndefinedName) {
				throw new PbError(`${error.message} in condition "${source}"`, {
					kind: 'runtime',
					where: condition.where,
					hint: `Define "${error.variable}", or test for it: ${error.variable} is defined, or ${error.variable} | default(...).`,
				});
			}

			throw new PbError(`condition "${source}" failed: ${error instanceof Error ? error.message : String(error)}`, {kind: 'runtime', where: condition.where, cause: error});
		}
	});
}
