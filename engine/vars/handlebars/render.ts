/**
 * Handlebars, pb's own template language (imported here and nowhere else) with no HTML escaping, where an
 * undefined variable is an error naming the variable and the place, never an empty string.
 */
import Handlebars from 'handlebars';
import {PbError} from '../../errors.js';
import {didYouMean} from '../../did-you-mean.js';
import {lineInside, positionInside, type Place} from '../place.js';
import {captureSoleMustache, checkLookups, helperUses, rootVariables, type ProgramNode} from './ast.js';
import {helpers} from './helpers.js';

// Names with a space cannot be typed in a template, so these two stay ours.
const lookupHelper = 'pb lookup';
const captureHelper = 'pb capture';

const handlebars = Handlebars.create();

/** A lookup that found nothing; template.ts turns it into a PbError once it knows where it ran. */
class UndefinedLookup extends Error {
	constructor(readonly variable: string, readonly detail: string, readonly line: number, readonly column: number) {
		super(`undefined variable "${variable}"${detail}`);
	}
}

/** A helper that threw: its name and place in the template, and what went wrong. */
class HelperFailure extends Error {
	constructor(readonly helper: string, readonly line: number, readonly column: number, override readonly cause: unknown) {
		super(`${helper}: ${cause instanceof Error ? cause.message : String(cause)}`);
	}
}

interface HelperOptions {
	readonly name: string;
	readonly loc?: {readonly start: {readonly line: number; readonly column: number}};
	readonly data?: {readonly capture?: {value: unknown}};
}

for (const [name, helper] of Object.entries(helpers)) {
	handlebars.registerHelper(name, (...args: unknown[]) => {
		const options = args.pop() as HelperOptions;
		try {
			return helper(...args);
		} catch (error) {
			throw new HelperFailure(name, options.loc?.start.line ?? 1, (options.loc?.start.column ?? 0) + 1, error);
		}
	});
}

handlebars.registerHelper(lookupHelper, (root: unknown, variable: string, line: number, column: number, head: string, ...rest: unknown[]) => {
	rest.pop();
	return walkPath(root, variable, head, rest as string[], line, column);
});

handlebars.registerHelper(captureHelper, (value: unknown, options: HelperOptions) => {
	options.data!.capture!.value = value;
	return '';
});

/** Helpers a template may call: ours and Handlebars' block helpers (if, unless, each, with, lookup). */
const callableHelpers = new Set(Object.keys(handlebars.helpers).filter(name => !['helperMissing', 'blockHelperMissing', lookupHelper, captureHelper].includes(name)));

/** Follows `head.part.part...` from the head's value, naming the first part that is missing. */
function walkPath(root: unknown, variable: string, head: string, parts: readonly string[], line: number, column: number): unknown {
	if (root === undefined) {
		throw new UndefinedLookup(variable, parts.length > 0 ? `: "${head}" is undefined` : '', line, column);
	}

	let value: unknown = root;
	let walked = head;
	for (const part of parts) {
		if (value === null || typeof value !== 'object' || !Object.hasOwn(value, part)) {
			const why = value === null ? `"${walked}" is null` : `"${walked}" has no "${part}"`;
			throw new UndefinedLookup(variable, `: ${why}`, line, column);
		}

		value = (value as Record<string, unknown>)[part];
		walked += `.${part}`;
	}

	return value;
}

type Renderer = (vars: Record<string, unknown>) => unknown;

/**
 * Compiled templates by source text: the same `{{ }}` strings are rendered for every host and
 * every loop item, and compiling is the costly part. Two kinds: a value keeps a lone `{{ x }}`'s
 * native type, a file is always text.
 */
const compiled = {value: new Map<string, Renderer>(), file: new Map<string, Renderer>()};

function compile(text: string, kind: 'value' | 'file', place: Place): Renderer {
	let renderer = compiled[kind].get(text);
	if (!renderer) {
		const program = parse(text, place);
		checkLookups(program, lookupHelper);
		const native = kind === 'value' && captureSoleMustache(program, captureHelper);
		const template = handlebars.compile(program, {noEscape: true});
		renderer = native
			? vars => {
				const capture = {value: undefined as unknown};
				template(vars, {data: {capture}});
				return capture.value;
			}
			: vars => template(vars);
		compiled[kind].set(text, renderer);
	}

	return renderer;
}

/**
 * Parses a template and checks that every helper it calls exists. A trailing numeric segment
 * (`{{ foo.0 }}`, as Ansible users write) is a Handlebars syntax error, so a template that fails
 * is tried once more with those segments bracketed (`foo.[0]`); an error still names the original.
 */
function parse(text: string, place: Place): ProgramNode {
	let program: ProgramNode;
	try {
		program = handlebars.parse(text) as unknown as ProgramNode;
	} catch (error) {
		try {
			program = handlebars.parse(bracketNumericSegments(text)) as unknown as ProgramNode;
		} catch {
			throw syntaxError(error, place);
		}
	}

	for (const use of helperUses(program)) {
		if (!callableHelpers.has(use.name)) {
			throw new PbError(`unknown template helper "${use.name}"${didYouMean(use.name, callableHelpers)}${lineInside(text, use.line, place)}`, {
				where: positionInside(place, use.line, use.column),
				hint: `Helpers: ${[...callableHelpers].sort().join(', ')}.`,
			});
		}
	}

	return program;
}

function bracketNumericSegments(text: string): string {
	return text.replaceAll(/\{\{([\s\S]*?)\}\}/g, (_mustache, inside: string) => {
		const fixed = inside.replaceAll(/("[^"]*"|'[^']*')|(\b[A-Za-z_][\w-]*|\])((?:\.\d+)+)(?=[\s~)}]|$)/g,
			(_match, quoted: string | undefined, name: string, segments: string) =>
				quoted ?? `${name}${segments.replaceAll(/\.(\d+)/g, '.[$1]')}`);
		return `{{${fixed}}}`;
	});
}

function syntaxError(error: unknown, place: Place): PbError {
	const message = error instanceof Error ? error.message : String(error);
	const line = Number(/on line (\d+)/.exec(message)?.[1] ?? 1);
	// Jison lists every token it could have taken; the one it got is what helps.
	const readable = message.replace(/Expecting ('[^']*'(, )?){4,}, got ('[^']*')/, 'unexpected $3');
	return new PbError(`template syntax error: ${readable}`, {
		where: positionInside(place, line, 1),
		hint: 'Each {{ must be closed by }}, each {{#block}} by its {{/block}}.',
		cause: error,
	});
}

/** Renders one template string; a string that is one `{{ expression }}` gives that value itself. */
export function renderHandlebarsValue(text: string, vars: Record<string, unknown>, place: Place): unknown {
	return run(compile(text, 'value', place), vars, text, place);
}

/** Renders a template file (the template module's src); errors name the line inside the file. */
export function renderHandlebarsFile(text: string, vars: Record<string, unknown>, file: string): string {
	const place = {where: {file, line: 1, column: 1}, isFile: true};
	return String(run(compile(text, 'file', place), vars, text, place));
}

/** Checks a template's syntax and helper names before anything runs (a PbError of kind 'parse'). */
export function parseHandlebars(text: string, place: Place): void {
	compile(text, place.isFile ? 'file' : 'value', place);
}

/**
 * Root names of the variables a template needs defined, so the engine can check them up front.
 * Leaves out names bound by #each/#with blocks and arguments that may be undefined by design
 * (`{{default x 'y'}}`, `{{#if x}}`).
 */
export function handlebarsVariables(text: string): string[] {
	return rootVariables(parse(text, {where: {file: '<template>', line: 1, column: 1}, isFile: false}));
}

function run(render: Renderer, vars: Record<string, unknown>, text: string, place: Place): unknown {
	try {
		return render(vars);
	} catch (error) {
		if (error instanceof UndefinedLookup) {
			throw new PbError(`${error.message}${lineInside(text, error.line, place)}`, {
				kind: 'runtime',
				where: positionInside(place, error.line, error.column),
				hint: `Define "${error.variable}" (in vars, group_vars, host_vars, -e or register), or give a fallback: {{default ${error.variable} 'value'}}.`,
			});
		}

		if (error instanceof HelperFailure) {
			throw new PbError(`template helper ${error.message}${lineInside(text, error.line, place)}`, {
				kind: 'runtime',
				where: positionInside(place, error.line, error.column),
				cause: error.cause,
			});
		}

		throw new PbError(`template failed: ${error instanceof Error ? error.message : String(error)}`, {kind: 'runtime', where: place.where, cause: error});
	}
}
