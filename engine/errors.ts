import {readFileSync} from 'node:fs';
import {relative} from 'node:path';

/** A place in a source file; line and column are 1-based. */
export interface SourcePosition {
	readonly file: string;
	readonly line: number;
	readonly column: number;
}

export type ErrorKind = 'parse' | 'options' | 'runtime';

/**
 * An error meant for a person: what went wrong, where, and what to do.
 * `kind` decides the exit code (parse 4, options 5, runtime 1), as ansible-playbook does.
 */
export class PbError extends Error {
	override readonly name = 'PbError';
	readonly kind: ErrorKind;
	readonly where: SourcePosition | undefined;
	readonly hint: string | undefined;

	constructor(message: string, options: {kind?: ErrorKind; where?: SourcePosition | undefined; hint?: string | undefined; cause?: unknown} = {}) {
		super(message, options.cause === undefined ? undefined : {cause: options.cause});
		this.kind = options.kind ?? 'parse';
		this.where = options.where;
		this.hint = options.hint;
	}
}

/** `file:line:column`, the file relative to the current directory when it is below it. */
export function formatPosition(where: SourcePosition): string {
	const near = relative(process.cwd(), where.file);
	const file = near === '' || near.startsWith('..') ? where.file : near;
	return `${file}:${where.line}:${where.column}`;
}

/** The offending line with one line of context either side and a caret under the column. */
export function excerpt(where: SourcePosition, source?: string): string {
	let text = source;
	if (text === undefined) {
		try {
			text = readFileSync(where.file, 'utf8');
		} catch {
			return '';
		}
	}

	const lines = text.split('\n');
	const first = Math.max(1, where.line - 1);
	const last = Math.min(lines.length, where.line + 1);
	const width = String(last).length;
	const out: string[] = [];
	for (let n = first; n <= last; n++) {
		const marker = n === where.line ? '>' : ' ';
		out.push(`${marker} ${String(n).padStart(width)} | ${lines[n - 1] ?? ''}`);
		if (n === where.line) {
			out.push(`  ${' '.repeat(width)} | ${' '.repeat(Math.max(0, where.column - 1))}^`);
		}
	}

	return out.join('\n');
}

/** Renders any error for the terminal: `file:line:col: message`, the excerpt, then the hint. */
export function formatError(error: unknown): string {
	if (!(error instanceof PbError)) {
		return error instanceof Error ? error.message : String(error);
	}

	const parts = [error.where ? `${formatPosition(error.where)}: ${error.message}` : error.message];
	if (error.where) {
		const lines = excerpt(error.where);
		if (lines) {
			parts.push(lines);
		}
	}

	if (error.hint) {
		parts.push(error.hint);
	}

	return parts.join('\n');
}
