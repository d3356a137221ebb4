/**
 * `{{ }}` templating in two languages: Ansible's Jinja and pb's own Handlebars, chosen per file
 * (language.ts). Both are strict: an undefined variable is an error naming it and the place,
 * never an empty string. This file renders values and files in the right one and turns each
 * engine's errors into PbErrors with positions.
 */
import {PbError, type SourcePosition} from '../errors.js';
import {handlebarsVariables, parseHandlebars, renderHandlebarsFile, renderHandlebarsValue} from './handlebars/render.js';
import {compileJinjaFile, compileJinjaValue, JinjaSyntaxError, jinjaVariables, RenderFailure, renderJinjaFile, renderJinjaValue, UndefinedUse} from './jinja/template.js';
import {languageOfFile, languageOfText, type TemplateLanguage} from './language.js';
import {isMapping} from './filters.js';
import {lineInside, positionInside, type Place} from './place.js';
import {setYamlCodec} from './yaml-codec.js';

export {setYamlCodec} from './yaml-codec.js';
export type {TemplateLanguage} from './language.js';

/** The YAML emitter alone (Handlebars' to_yaml), as tests set it. */
export function setYamlDumper(dump: (value: unknown) => string): void {
	setYamlCodec({dump});
}

/** The language a string is read in: its file's, or its own text's when the file is not known. */
export function languageAt(text: string, where: SourcePosition): TemplateLanguage {
	return languageOfFile(where.file) ?? languageOfText(text);
}

/** A Jinja error as a PbError at its place: inside the file, or on the value's line. */
function jinjaError(error: unknown, text: string, place: Place): unknown {
	if (error instanceof UndefinedUse) {
		const {path} = error.undefinedValue;
		return new PbError(`${error.message}${lineInside(text, error.line, place)}`, {
			kind: 'runtime',
			where: positionInside(place, error.line, error.column),
			hint: `Define "${path}" (in vars, group_vars, host_vars, -e or register), or give a fallback: {{ ${path} | default('value') }}.`,
		});
	}

	if (error instanceof RenderFailure) {
		return new PbError(`template failed: ${error.message}${lineInside(text, error.line, place)}`, {
			kind: 'runtime',
			where: positionInside(place, error.line, error.column),
			cause: error.cause ?? error,
		});
	}

	if (error instanceof JinjaSyntaxError) {
		return new PbError(`template syntax error: ${error.message}${lineInside(text, error.line, place)}`, {
			where: positionInside(place, error.line, error.column, text),
			hint: 'Jinja, as Ansible writes it: {{ x | default(\'y\') }}, {% if x %}...{% endif %}, {% for i in xs %}...{% endfor %}.',
			cause: error,
		});
	}

	return error;
}

function withJinja<T>(text: string, place: Place, action: () => T): T {
	try {
		return action();
	} catch (error) {
		throw jinjaError(error, text, place);
	}
}

/** Checks a template's syntax in its language; one that reads in neither gets both readings. */
function checkSyntax(text: string, place: Place, language: TemplateLanguage): void {
	const jinja = () => withJinja(text, place, () => (place.isFile ? compileJinjaFile(text, place.where.file) : compileJinjaValue(text)));
	const handlebars = () => parseHandlebars(text, place);
	const [first, second] = language === 'jinja' ? [jinja, handlebars] : [handlebars, jinja];
	try {
		first();
	} catch (error) {
		if (!(error instanceof PbError) || error.kind !== 'parse') {
			throw error;
		}

		try {
			second();
		} catch (other) {
			if (other instanceof PbError && other.kind === 'parse') {
				const [jinjaReading, handlebarsReading] = language === 'jinja' ? [error, other] : [other, error];
				const otherReading = (language === 'jinja' ? handlebarsReading : jinjaReading).message.replace(/^template syntax error: /, '');
				throw new PbError(`${error.message}\n  (read as ${language === 'jinja' ? 'Handlebars' : 'Jinja'}: ${otherReading})`, {
					where: error.where ?? place.where,
					hint: error.hint ?? '',
					cause: error,
				});
			}
		}

		throw error;
	}
}

/**
 * How a string's language is chosen: by the file at `where` (a task's parameters), or by the
 * string's own text (a variable's value, which may come from an inventory, -e or a merge of files).
 */
export type LanguageBy = 'file' | 'text';

function renderString(text: string, vars: Record<string, unknown>, where: SourcePosition, by: LanguageBy): unknown {
	const place = {where, isFile: false};
	if ((by === 'file' ? languageAt(text, where) : languageOfText(text)) === 'handlebars') {
		return renderHandlebarsValue(text, vars, place);
	}

	return withJinja(text, place, () => renderJinjaValue(text, vars));
}

/**
 * Renders every string inside a value (lists and mappings deeply; keys are left alone). A string
 * that is one `{{ expression }}` keeps the expression's type as its language gives it, so `loop:
 * "{{ packages }}"` gets the list. `where` is the value's place in its file.
 */
export function renderValue(value: unknown, vars: Record<string, unknown>, where: SourcePosition, by: LanguageBy = 'file'): unknown {
	if (typeof value === 'string') {
		// Most strings hold no template: skip the parse cache for them.
		return value.includes('{{') || value.includes('{%') ? renderString(value, vars, where, by) : value;
	}

	if (Array.isArray(value)) {
		return value.map(item => renderValue(item, vars, where, by));
	}

	if (isPlainObject(value)) {
		return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, renderValue(item, vars, where, by)]));
	}

	return value;
}

/** Renders a template file (the template module's src); errors name the line inside the file. */
export function renderFile(text: string, vars: Record<string, unknown>, file: string): string {
	if (languageAt(text, {file, line: 1, column: 1}) === 'handlebars') {
		return renderHandlebarsFile(text, vars, file);
	}

	return withJinja(text, {where: {file, line: 1, column: 1}, isFile: true}, () => renderJinjaFile(text, vars, file));
}

/** Checks a value's template before anything runs (a PbError of kind 'parse'). */
export function parseTemplate(text: string, where: SourcePosition, by: LanguageBy = 'file'): void {
	checkSyntax(text, {where, isFile: false}, by === 'file' ? languageAt(text, where) : languageOfText(text));
}

/** Checks a template file before anything runs: syntax, filter and test names. */
export function parseTemplateFile(text: string, file: string): void {
	checkSyntax(text, {where: {file, line: 1, column: 1}, isFile: true}, languageAt(text, {file, line: 1, column: 1}));
}

/**
 * Root names of the variables a template needs defined, so the engine can check them up front;
 * names bound by the template itself and those it tests or defaults are left out.
 */
export function referencedVariables(text: string, where: SourcePosition = {file: '<template>', line: 1, column: 1}, by: LanguageBy = 'file'): string[] {
	if (!text.includes('{{') && !text.includes('{%')) {
		return [];
	}

	return (by === 'file' ? languageAt(text, where) : languageOfText(text)) === 'handlebars' ? handlebarsVariables(text) : jinjaVariables(compileJinjaValue(text));
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
	if (!isMapping(value)) {
		return false;
	}

	const prototype = Object.getPrototypeOf(value) as unknown;
	return prototype === Object.prototype || prototype === null;
}
