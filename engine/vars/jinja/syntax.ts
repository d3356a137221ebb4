/**
 * Jinja's syntax, read by nunjucks' parser (imported here and nowhere else). Only the parser is
 * used: nunjucks compiles templates to JavaScript with JavaScript's meanings (`[]` is true, `==`
 * coerces, a missing name is silently empty), which its filters and globals cannot change, so
 * evaluate.ts and render.ts give the tree Python's meanings, as Jinja2 does. Where nunjucks'
 * grammar differs from Jinja2's, the parser below is taught Jinja2's: `foo.0`, slices, `is`
 * tests with one bare argument, `for x in xs if cond`.
 */
import {createRequire} from 'node:module';

/** A node of nunjucks' syntax tree: its type name, its 0-based place, and its fields. */
export interface JinjaNode {
	readonly typename: string;
	readonly lineno: number;
	readonly colno: number;
	readonly [field: string]: unknown;
}

interface Token {
	readonly type: string;
	readonly value: string;
	readonly lineno: number;
	readonly colno: number;
}

interface ParserInstance {
	tokens: unknown;
	peekToken(): Token | null;
	nextToken(): Token | null;
	pushToken(token: Token | null): void;
	skip(type: string): boolean;
	skipSymbol(name: string): boolean;
	skipValue(type: string, value: string): boolean;
	advanceAfterBlockEnd(name?: string): Token;
	parseUntilBlocks(...names: string[]): JinjaNode;
	parseExpression(): JinjaNode;
	parseCompare(): JinjaNode;
	parsePrimary(noPostfix?: boolean): JinjaNode;
	parseSignature(): JinjaNode;
	parseAggregate(): JinjaNode;
	parseRaw(tagName?: string): JinjaNode;
	parseAsRoot(): JinjaNode;
	fail(message: string, lineno?: number, colno?: number): never;
}

type NodeClass = new (lineno: number, colno: number, ...fields: unknown[]) => JinjaNode;

interface Nunjucks {
	installJinjaCompat(): void;
	parser: {Parser: {prototype: ParserInstance}};
	lexer: {lex(source: string, options: LexOptions): unknown} & Readonly<Record<TokenType, string>>;
	nodes: Record<string, NodeClass>;
}

type TokenType = 'TOKEN_STRING' | 'TOKEN_INT' | 'TOKEN_FLOAT' | 'TOKEN_BOOLEAN' | 'TOKEN_NONE' | 'TOKEN_SYMBOL' | 'TOKEN_OPERATOR'
	| 'TOKEN_COMMA' | 'TOKEN_DATA' | 'TOKEN_LEFT_PAREN' | 'TOKEN_LEFT_BRACKET' | 'TOKEN_LEFT_CURLY';

interface LexOptions {
	readonly trimBlocks: boolean;
	readonly lstripBlocks: boolean;
}

const require = createRequire(import.meta.url);
const nunjucks = require('nunjucks') as Nunjucks;
// The compat layer is nunjucks' own way to parse Jinja's slices (`xs[1:]`), and names True/False/None.
nunjucks.installJinjaCompat();
const {lexer, nodes} = nunjucks;
const Parser = nunjucks.parser.Parser as unknown as new (tokens: unknown) => ParserInstance;

/** Words that end an expression, so they cannot be a test's bare argument (`x is defined and y`). */
const expressionWords = new Set(['and', 'or', 'not', 'if', 'else', 'is', 'in']);

const startsOperand = (token: Token | null) => token !== null && (
	[lexer.TOKEN_STRING, lexer.TOKEN_INT, lexer.TOKEN_FLOAT, lexer.TOKEN_BOOLEAN, lexer.TOKEN_NONE, lexer.TOKEN_LEFT_BRACKET, lexer.TOKEN_LEFT_CURLY].includes(token.type)
	|| (token.type === lexer.TOKEN_SYMBOL && !expressionWords.has(token.value)));

/** Marks a lookup written with a dot, so messages can show it as written (`a.b`, not `a['b']`). */
function dotted(node: JinjaNode): JinjaNode {
	(node as unknown as {dotted: boolean}).dotted = true;
	return node;
}

class JinjaParser extends Parser {
	/** Whether the newline after a block tag goes, as after `{% endraw %}` (set by parseJinja). */
	trimBlocks = false;

	/**
	 * Jinja2's trim_blocks keeps the newline after `{% raw %}` and drops the one after
	 * `{% endraw %}`; nunjucks' lexer does the opposite.
	 */
	override parseRaw(tagName?: string): JinjaNode {
		const node = super.parseRaw(tagName);
		if (!this.trimBlocks) {
			return node;
		}

		// The node stands where the raw tag's `%}` was: what followed it in the source tells.
		const source = (this.tokens as {str: string}).str;
		const lines = source.split('\n');
		const tagEnd = lines.slice(0, node.lineno).reduce((offset, line) => offset + line.length + 1, 0) + node.colno;
		const newline = /^-?%\}(\r?\n)/.exec(source.slice(tagEnd))?.[1];
		const data = (node['children'] as Array<{value: string}>)[0];
		if (newline && data) {
			data.value = newline + data.value;
		}

		const next = this.peekToken() as {type: string; value: string} | null;
		if (next?.type === lexer.TOKEN_DATA && /^\r?\n/.test(next.value)) {
			next.value = next.value.replace(/^\r?\n/, '');
		}

		return node;
	}

	/** `a.0` as Jinja reads it: the item 0 (nunjucks wants a name after the dot). */
	parsePostfix(node: JinjaNode): JinjaNode {
		let current = node;
		for (;;) {
			const token = this.peekToken();
			if (!token) {
				return current;
			}

			if (token.type === lexer.TOKEN_OPERATOR && token.value === '.') {
				this.nextToken();
				const part = this.nextToken();
				if (!part) {
					this.fail('expected a name after "."', token.lineno, token.colno);
				}

				if (part.type === lexer.TOKEN_INT || part.type === lexer.TOKEN_FLOAT) {
					// `a.0.1` lexes as `a` `.` `0.1`, and `a.1.b` as `a` `.` `1.` `b`: each number is a step.
					const [first, second] = part.value.split('.');
					for (const step of second ? [first, second] : [first]) {
						current = dotted(new nodes.LookupVal!(token.lineno, token.colno, current, new nodes.Literal!(part.lineno, part.colno, Number(step))));
					}

					const name = part.value.endsWith('.') ? this.nextToken() : undefined;
					if (name) {
						current = dotted(new nodes.LookupVal!(name.lineno, name.colno, current, new nodes.Literal!(name.lineno, name.colno, name.value)));
					}

					continue;
				}

				if (part.type !== lexer.TOKEN_SYMBOL && part.type !== lexer.TOKEN_BOOLEAN && part.type !== lexer.TOKEN_NONE) {
					this.fail(`expected a name after ".", got "${part.value}"`, part.lineno, part.colno);
				}

				current = dotted(new nodes.LookupVal!(token.lineno, token.colno, current, new nodes.Literal!(part.lineno, part.colno, part.value)));
				continue;
			}

			if (token.type === lexer.TOKEN_LEFT_PAREN) {
				current = new nodes.FunCall!(token.lineno, token.colno, current, this.parseSignature());
				continue;
			}

			if (token.type === lexer.TOKEN_LEFT_BRACKET) {
				const lookup = this.parseAggregate() as JinjaNode & {children?: JinjaNode[]};
				const index = lookup.typename === 'Slice' ? lookup : lookup.children?.[0];
				if (!index || (lookup.children?.length ?? 1) > 1) {
					this.fail('invalid index: one key, or a slice such as [1:3]', token.lineno, token.colno);
				}

				current = new nodes.LookupVal!(token.lineno, token.colno, current, index);
				continue;
			}

			return current;
		}
	}

	/** `{% set x -%}...{% endset %}`: nunjucks' own ignores the `-` of a block set's tag. */
	parseSet(): JinjaNode {
		const tag = this.peekToken()!;
		this.skipSymbol('set');
		const targets: JinjaNode[] = [];
		do {
			targets.push(this.parsePrimary());
		} while (this.skip(lexer.TOKEN_COMMA));

		const node = new nodes.Set!(tag.lineno, tag.colno, targets);
		const fields = node as unknown as {body: JinjaNode | null; value: JinjaNode | null};
		if (this.skipValue(lexer.TOKEN_OPERATOR, '=')) {
			fields.value = this.parseExpression();
			this.advanceAfterBlockEnd(tag.value);
		} else {
			this.advanceAfterBlockEnd(tag.value);
			fields.body = new nodes.Capture!(tag.lineno, tag.colno, this.parseUntilBlocks('endset'));
			fields.value = null;
			this.advanceAfterBlockEnd();
		}

		return node;
	}

	/**
	 * `x is name`, `x is name(args)` and, as Jinja allows, `x is name arg` (`is divisibleby 3`,
	 * `is in [1, 2]`). The test is kept as a FunCall of its name, `none`, `true` and `false` too.
	 */
	parseIs(): JinjaNode {
		const subject = this.parseCompare();
		if (!this.skipSymbol('is')) {
			return subject;
		}

		const negated = this.skipSymbol('not');
		const name = this.nextToken();
		if (!name || ![lexer.TOKEN_SYMBOL, lexer.TOKEN_NONE, lexer.TOKEN_BOOLEAN].includes(name.type)) {
			this.fail('"is" must be followed by a test name, as in `x is defined`', name?.lineno, name?.colno);
		}

		let args: JinjaNode;
		if (this.peekToken()?.type === lexer.TOKEN_LEFT_PAREN) {
			args = this.parseSignature();
		} else {
			args = new nodes.NodeList!(name.lineno, name.colno, startsOperand(this.peekToken()) ? [this.parsePrimary()] : []);
		}

		const test = new nodes.FunCall!(name.lineno, name.colno, new nodes.Symbol!(name.lineno, name.colno, name.value.toLowerCase() === 'none' ? 'none' : name.value), args);
		const node = new nodes.Is!(subject.lineno, subject.colno, subject, test);
		return negated ? new nodes.Not!(subject.lineno, subject.colno, node) : node;
	}
}

/** Ansible's template settings (trim_blocks on, lstrip_blocks off), or a `#jinja2:` header's. */
interface JinjaOptions {
	readonly trimBlocks: boolean;
	readonly lstripBlocks: boolean;
}

const ansibleOptions: JinjaOptions = {trimBlocks: true, lstripBlocks: false};

/** A syntax error, with its 1-based place in the text. */
export class JinjaSyntaxError extends Error {
	constructor(message: string, readonly line: number, readonly column: number) {
		super(message);
	}
}

/**
 * Jinja2's trim_blocks also drops the newline after a comment; nunjucks' lexer does not. Moving
 * that newline inside the comment drops it and keeps every line where it was, for messages.
 */
function trimAfterComments(text: string): string {
	return text.replaceAll(/(-?#\})(\r?\n)/g, '$2$1');
}

/**
 * A backslash escape in a string literal, as Python reads it, spelled for nunjucks' lexer (which
 * knows `\n`, `\t`, `\r` and drops the backslash of any other): `\d` stays a backslash and a d,
 * `\x41` is an A.
 */
function pythonEscape(text: string, at: number): {text: string; length: number} {
	const next = text[at + 1] ?? '';
	if ('ntr\\\'"'.includes(next)) {
		return {text: `\\${next}`, length: 2};
	}

	const controls: Readonly<Record<string, string>> = {a: '\u0007', b: '\b', f: '\f', v: '\v', 0: '\0'};
	if (Object.hasOwn(controls, next)) {
		return {text: controls[next]!, length: 2};
	}

	const code = /^(?:x([\da-fA-F]{2})|u([\da-fA-F]{4}))/.exec(text.slice(at + 1));
	if (code) {
		return {text: String.fromCodePoint(Number.parseInt(code[1] ?? code[2]!, 16)), length: 1 + code[0].length};
	}

	return {text: `\\\\${next}`, length: 2};
}

/**
 * Two rewrites of a template's text before nunjucks' lexer reads it, each keeping every line
 * where it was:
 * - Jinja2's lexer ends a tag at a `}}` only outside brackets, so `{{ {'a': {'b': 1}} }}` is one
 *   dict; nunjucks' ends it at the first `}}`. A space between the closing braces of a nested
 *   literal makes both read it alike.
 * - `literalBackslashes`: Ansible doubles the backslashes in the string literals of a value's
 *   `{{ }}` (YAML has already read its escapes), so `regex_replace('\d', '')` means `\d`.
 */
function prepareText(text: string, literalBackslashes: boolean): string {
	let out = '';
	let depth = -1;
	let variable = false;
	let quote: string | undefined;
	for (let index = 0; index < text.length; index++) {
		const char = text[index]!;
		const pair = text.slice(index, index + 2);
		if (depth < 0) {
			if (pair === '{{' || pair === '{%') {
				depth = 0;
				variable = pair === '{{';
				out += pair;
				index++;
				continue;
			}
		} else if (quote) {
			if (char === '\\') {
				if (literalBackslashes && variable) {
					out += '\\\\';
					continue;
				}

				const escape = pythonEscape(text, index);
				out += escape.text;
				index += escape.length - 1;
				continue;
			}

			if (char === quote) {
				quote = undefined;
			}
		} else if (char === '\'' || char === '"') {
			quote = char;
		} else if (char === '{' || char === '[' || char === '(') {
			depth++;
		} else if (depth > 0 && (char === '}' || char === ']' || char === ')')) {
			depth--;
			if (char === '}' && text[index + 1] === '}' && depth > 0) {
				out += '} ';
				continue;
			}
		} else if (depth === 0 && (pair === '}}' || pair === '%}')) {
			depth = -1;
			out += pair;
			index++;
			continue;
		}

		out += char;
	}

	return out;
}

/** Parses a template into nunjucks' tree; a loop's trailing `if` becomes its filter (`loopFilter`). */
export function parseJinja(text: string, options: JinjaOptions = ansibleOptions, literalBackslashes = false): JinjaNode {
	try {
		const source = prepareText(text, literalBackslashes);
		const parser = new JinjaParser(lexer.lex(options.trimBlocks ? trimAfterComments(source) : source, options));
		parser.trimBlocks = options.trimBlocks;
		const root = parser.parseAsRoot();
		markLoopFilters(root);
		return root;
	} catch (error) {
		const {lineno, colno, message} = error as {lineno?: number; colno?: number; message: string};
		const plain = message.replace(/^\([^)]*\)\s*(\[Line \d+, Column \d+\])?\s*/, '').trim();
		throw new JinjaSyntaxError(plain, lineno ?? 1, colno ?? 1);
	}
}

function markLoopFilters(node: unknown): void {
	if (!isNode(node)) {
		return;
	}

	const mutable = node as unknown as Record<string, unknown>;
	if (node.typename === 'For') {
		const iterable = node['arr'];
		// Jinja's `for x in xs if cond`: nunjucks reads it as an inline if without else.
		if (isNode(iterable) && iterable.typename === 'InlineIf' && iterable['else_'] === null) {
			mutable['arr'] = iterable['body'];
			mutable['loopFilter'] = iterable['cond'];
		}
	}

	for (const value of Object.values(mutable)) {
		if (Array.isArray(value)) {
			value.forEach(child => {
				markLoopFilters(child);
			});
		} else {
			markLoopFilters(value);
		}
	}
}

/** A node's field that holds a node. */
export function field(node: JinjaNode, name: string): JinjaNode {
	return node[name] as JinjaNode;
}

/** A list node's children: none for a missing node (an if without else). */
export function children(node: JinjaNode | null | undefined): JinjaNode[] {
	return (node?.['children'] as JinjaNode[] | undefined) ?? [];
}

export function isNode(value: unknown): value is JinjaNode {
	return typeof value === 'object' && value !== null && typeof (value as {typename?: unknown}).typename === 'string';
}

const headerKeys: Readonly<Record<string, keyof JinjaOptions>> = {trim_blocks: 'trimBlocks', lstrip_blocks: 'lstripBlocks'};

/**
 * A template file's options: Ansible's, or those its first line sets (`#jinja2: lstrip_blocks:
 * True`). The header line itself is not output; it stays in the text as a comment so that lines
 * keep their numbers.
 */
export function parseTemplateFile(text: string, file: string): JinjaNode {
	const header = /^#jinja2:([^\n]*)/.exec(text);
	if (!header) {
		return parseJinja(text);
	}

	const options: Record<keyof JinjaOptions, boolean> = {...ansibleOptions};
	for (const setting of header[1]!.split(',')) {
		const [key = '', value = ''] = setting.split(':').map(part => part.trim());
		const option = headerKeys[key];
		if (option === undefined) {
			if (key !== '' && !['newline_sequence', 'keep_trailing_newline'].includes(key)) {
				throw new JinjaSyntaxError(`${file}: unknown #jinja2: setting "${key}"; pb honours trim_blocks and lstrip_blocks`, 1, 1);
			}

			continue;
		}

		options[option] = /^(true|yes|1)$/i.test(value);
	}

	const rest = text.slice(header[0].length).replace(/^\r?\n/, '');
	return parseJinja(`{#${header[0].replaceAll('#}', '# }')}\n#}${rest}`, options);
}
