/**
 * Which template language a file is written in. A template file ending in `.j2` is Jinja, one
 * ending in `.hbs` Handlebars. Any other file (a playbook, tasks, vars, inventory) is Handlebars
 * when it uses what only Handlebars has, block helpers (`{{#if}}`) or helper calls (`{{default x
 * 'y'}}`), and Jinja otherwise; a first line `# pb: jinja` or `# pb: handlebars` decides instead.
 * A file is one language or the other, never both: a string's language follows its file's.
 */
import {PbError} from '../errors.js';
import {sourceText} from './place.js';

export type TemplateLanguage = 'jinja' | 'handlebars';

// A mustache's inside, up to its first `}}`.
const mustache = /\{\{([\s\S]*?)\}\}/g;
const handlebarsOnly: readonly RegExp[] = [
	// Blocks, inverses, partials, comments, data and parent paths, segment literals.
	/^~?\s*(?:[#/^>!@]|else\s*~?$)/,
	/\.\[|\.\.\//,
	// A helper call: a name, a space, then an argument, where Jinja would need an operator.
	/^~?\s*(?!(?:not|if)\s)[A-Za-z_][\w-]*\s+(?!(?:is|in|and|or|not|if|else)\b)[A-Za-z_@'"\d(]/,
];
const jinjaOnly: readonly RegExp[] = [
	/(?:^|[^|])\|(?!\|)/,
	/[A-Za-z_\])]\s*\(/,
	/[=!<>]=|\s(?:is|if)\s|\w\[|\s~\s/,
];

interface Marked {
	readonly line: number;
	readonly text: string;
}

/** The first place in a text that only Handlebars, and the first that only Jinja, can read. */
export function markers(text: string): {handlebars?: Marked; jinja?: Marked} {
	const found: {handlebars?: Marked; jinja?: Marked} = {};
	const lineAt = (index: number) => text.slice(0, index).split('\n').length;
	for (const match of text.matchAll(mustache)) {
		const inside = match[1]!;
		if (handlebarsOnly.some(pattern => pattern.test(inside))) {
			found.handlebars ??= {line: lineAt(match.index), text: match[0]};
		} else if (jinjaOnly.some(pattern => pattern.test(inside))) {
			found.jinja ??= {line: lineAt(match.index), text: match[0]};
		}
	}

	const statement = /(?<!\{)\{[%#]/.exec(text);
	if (statement && (!found.jinja || lineAt(statement.index) < found.jinja.line)) {
		found.jinja = {line: lineAt(statement.index), text: text.slice(statement.index, text.indexOf('\n', statement.index) >>> 0).trim()};
	}

	return found;
}

/** The language of one string that belongs to no known file (an -e value, a test's). */
export function languageOfText(text: string): TemplateLanguage {
	const found = markers(text);
	return found.handlebars && !found.jinja ? 'handlebars' : 'jinja';
}

const byFile = new Map<string, TemplateLanguage | undefined>();

/**
 * The language of a file, read once; undefined for a file that cannot be read (a test's made-up
 * name), whose strings then go by their own text. A file that mixes both is a parse error.
 */
export function languageOfFile(file: string): TemplateLanguage | undefined {
	if (byFile.has(file)) {
		return byFile.get(file);
	}

	let language: TemplateLanguage | undefined;
	if (file.endsWith('.j2')) {
		language = 'jinja';
	} else if (file.endsWith('.hbs')) {
		language = 'handlebars';
	} else {
		const text = sourceText(file);
		language = text === undefined ? undefined : languageOfSource(text, file);
	}

	byFile.set(file, language);
	return language;
}

function languageOfSource(text: string, file: string): TemplateLanguage {
	const declared = /^#\s*pb:\s*(jinja|handlebars)\s*$/m.exec(text.split('\n', 1)[0] ?? '')?.[1];
	if (declared) {
		return declared as TemplateLanguage;
	}

	const found = markers(text);
	if (found.handlebars && found.jinja) {
		throw new PbError(`${file} mixes Handlebars (line ${found.handlebars.line}: ${found.handlebars.text}) and Jinja (line ${found.jinja.line}: ${found.jinja.text})`, {
			where: {file, line: found.jinja.line, column: 1},
			hint: 'A file is written in one template language. Write both lines in one of them, or put `# pb: jinja` or `# pb: handlebars` on the first line to say which the file is.',
		});
	}

	return found.handlebars ? 'handlebars' : 'jinja';
}
