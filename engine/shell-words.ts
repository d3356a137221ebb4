/*
 * Shell words both ways: quoting a word into a POSIX sh command, and splitting a line into words
 * as Python's shlex.split does (Ansible splits command lines and inventory host lines with it).
 */

/** Quotes one word for a POSIX shell: the word arrives in the command exactly as given. */
export function quoteShell(word: string): string {
	return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll('\'', `'\\''`)}'`;
}

/** A word of a line and the 0-based offset where it starts in that line. */
export interface Word {
	readonly text: string;
	readonly offset: number;
}

export class UnclosedQuoteError extends Error {
	override readonly name = 'UnclosedQuoteError';
	readonly quote: string;
	readonly offset: number;

	constructor(quote: string, offset: number) {
		super(`the ${quote} opened here is never closed`);
		this.quote = quote;
		this.offset = offset;
	}
}

/**
 * Splits a line the way Ansible does (Python's shlex.split): blanks separate words, '…' and "…"
 * quote (only \" and \\ are escapes inside "…"), a backslash outside quotes escapes the next
 * character; with `comments` (inventory host lines), an unquoted # ends the line.
 */
export function splitWords(line: string, {comments = false}: {readonly comments?: boolean} = {}): Word[] {
	const words: Word[] = [];
	let text = '';
	let start = -1;
	let i = 0;
	const finish = () => {
		if (start !== -1) {
			words.push({text, offset: start});
		}

		text = '';
		start = -1;
	};

	while (i < line.length) {
		const char = line[i] ?? '';
		if (/\s/.test(char)) {
			finish();
			i++;
		} else if (comments && char === '#') {
			break;
		} else if (char === '\'' || char === '"') {
			if (start === -1) {
				start = i;
			}

			const close = readQuoted(line, i, char);
			text += close.text;
			i = close.end + 1;
		} else {
			if (start === -1) {
				start = i;
			}

			if (char === '\\' && i + 1 < line.length) {
				i++;
			}

			text += line[i] ?? '';
			i++;
		}
	}

	finish();
	return words;
}

function readQuoted(line: string, open: number, quote: string): {text: string; end: number} {
	let text = '';
	for (let i = open + 1; i < line.length; i++) {
		const char = line[i] ?? '';
		if (char === quote) {
			return {text, end: i};
		}

		const next = line[i + 1];
		if (quote === '"' && char === '\\' && (next === '"' || next === '\\')) {
			text += next;
			i++;
		} else {
			text += char;
		}
	}

	throw new UnclosedQuoteError(quote, open);
}
