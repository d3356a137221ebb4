/**
 * Conditions (`when`, `changed_when`, `failed_when`, `until`, `assert.that`): Jinja expressions,
 * evaluated by the same evaluator as templates, as Ansible evaluates them: Python's truthiness,
 * `is` tests, filters, and strict about undefined variables.
 */
import {PbError, type SourcePosition} from '../errors.js';
import {didYouMean} from '../did-you-mean.js';
import {compileJinjaExpression, evaluateJinjaExpression, JinjaSyntaxError, RenderFailure, UndefinedUse} from './jinja/template.js';
import {globalNames, walk} from './jinja/evaluate.js';
import type {JinjaNode} from './jinja/syntax.js';
import {isTruthy} from './filters.js';

/** A condition checked for syntax, ready to evaluate for any host. */
export interface CompiledCondition {
	/** Each part must hold: a `when:` list has several, a string or bool one. */
	readonly parts: ReadonlyArray<{readonly source: string; readonly expression: JinjaNode | boolean}>;
	readonly where: SourcePosition;
}

/**
 * pb has read `&&`, `||` and `!` in conditions since before Jinja: they still mean and, or, not.
 * Quoted text is left alone.
 */
function spellWords(text: string): string {
	return text.replaceAll(/('(?:\\.|[^'\\])*'|"(?:\\.|[^"\\])*")|&&|\|\||!(?!=)/g, (match, quoted: string | undefined) => {
		if (quoted) {
			return quoted;
		}

		return match === '&&' ? ' and ' : (match === '||' ? ' or ' : ' not ');
	});
}

/** A condition calls no macro: a call of any name but the globals' is a mistake, caught up front. */
function checkFunctions(expression: JinjaNode): void {
	const tests = new Set<unknown>();
	walk(expression, node => {
		if (node.typename === 'Is') {
			tests.add(node['right']);
		}

		const callee = node['name'] as JinjaNode | undefined;
		if (node.typename === 'FunCall' && !tests.has(node) && callee?.typename === 'Symbol' && !globalNames.has(String(callee['value']))) {
			const name = String(callee['value']);
			throw new JinjaSyntaxError(`unknown function "${name}()"${didYouMean(name, [...globalNames])}; functions: ${[...globalNames].join(', ')}`, node.lineno + 1, node.colno + 1);
		}
	});
}

function compileExpression(source: string, where: SourcePosition): JinjaNode {
	const text = /^\s*\{\{(?![\s\S]*\{\{)([\s\S]*)\}\}\s*$/.exec(source)?.[1] ?? source;
	if (text.includes('{{')) {
		throw new PbError(`condition "${source}" mixes {{ }} with an expression`, {
			where,
			hint: 'A condition is already an expression: write `x == \'a\'`, not `{{ x }} == \'a\'`.',
		});
	}

	try {
		if (text.trim() === '') {
			throw new JinjaSyntaxError('the condition is empty', 1, 1);
		}

		const expression = compileJinjaExpression(spellWords(text));
		checkFunctions(expression);
		return expression;
	} catch (error) {
		throw new PbError(`bad condition "${source}": ${error instanceof Error ? error.message : String(error)}`, {
			where,
			hint: 'Conditions are Jinja expressions, as in Ansible: result.rc == 0 and \'ok\' in result.stdout, x is defined, items | length > 0, not flag.',
			cause: error,
		});
	}
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

/**
 * True when every part holds, with Python's truthiness ([] and '' are false). An undefined
 * variable or a failing filter is a PbError of kind 'runtime' naming it and the condition.
 */
export function evaluateCondition(condition: CompiledCondition, vars: Record<string, unknown>): boolean {
	return condition.parts.every(({source, expression}) => {
		if (typeof expression === 'boolean') {
			return expression;
		}

		try {
			return isTruthy(evaluateJinjaExpression(expression, vars));
		} catch (error) {
			if (error instanceof UndefinedUse) {
				const path = error.undefinedValue.gap;
				throw new PbError(`undefined variable "${path}" in condition "${source}"`, {
					kind: 'runtime',
					where: condition.where,
					hint: `Define "${path}", or test for it: ${path} is defined, or ${path} | default(...).`,
				});
			}

			const message = error instanceof RenderFailure ? error.message : (error instanceof Error ? error.message : String(error));
			throw new PbError(`condition "${source}" failed: ${message}`, {kind: 'runtime', where: condition.where, cause: error});
		}
	});
}
