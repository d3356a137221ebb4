import {readFileSync} from 'node:fs';
import type {SourcePosition} from '../errors.js';

/**
 * Where a template sits. A file's template starts the file, so a line inside it is a line of the
 * file; a value's template sits somewhere in a YAML file (quoted, folded...), so errors keep the
 * value's own place and say which line of the value.
 */
export interface Place {
	readonly where: SourcePosition;
	readonly isFile: boolean;
}

const sources = new Map<string, string | undefined>();

/** A template's file as text, read once (for its language and for error columns); undefined when unreadable. */
export function sourceText(file: string): string | undefined {
	if (!sources.has(file)) {
		try {
			sources.set(file, readFileSync(file, 'utf8'));
		} catch {
			sources.set(file, undefined);
		}
	}

	return sources.get(file);
}

function sourceLine(file: string, line: number): string | undefined {
	return sourceText(file)?.split('\n')[line - 1];
}

/**
 * The column where a one-line value's text starts in its file: `where` may be the value's or its
 * key's, and the value may be quoted. Undefined when the file's line does not hold the text as is
 * (escapes, a folded scalar).
 */
function valueColumn(where: SourcePosition, text: string): number | undefined {
	const line = sourceLine(where.file, where.line);
	if (line === undefined) {
		return undefined;
	}

	const rest = line.slice(where.column - 1);
	const start = /^(?:[\w.-]+\s*:\s+)?(?:-\s+)?(['"]?)/.exec(rest)!;
	const column = where.column + start[0].length;
	return line.slice(column - 1).startsWith(text) ? column : undefined;
}

/**
 * A place inside the template: a file's own line and column; for a one-line value whose text
 * stands as is in its file, the column of the bad part on that line; otherwise the value's place.
 */
export function positionInside(place: Place, line: number, column: number, text?: string): SourcePosition {
	if (place.isFile) {
		return {file: place.where.file, line, column};
	}

	const start = text === undefined || text.includes('\n') ? undefined : valueColumn(place.where, text);
	return start === undefined ? place.where : {...place.where, column: start + column - 1};
}

/** For a value's template of several lines, which line; a file's line is already in the position. */
export function lineInside(text: string, line: number, place: Place): string {
	return !place.isFile && text.includes('\n') ? ` (line ${line} of the value)` : '';
}
