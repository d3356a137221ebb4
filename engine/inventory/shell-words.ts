/** A word of an INI host line and the 0-based offset where it starts in that line. */
export interface Word {
	readonly text: string;
	readonly offset: number;
}

export class UnclosedQuoteError extends Error {
	override readonly name = 'UnclosedQuoteError';
	readonly offset: number;

	constructor(quote: string, offset: number) {
		super(`the ${quote} opened here is never closed`);
		this.offset = offset;
	}
}

/**
 * Splits a host line the way Ansible does (Python's shlex.split with comments): blanks separate
 * words, '…' and "…" quote (only \" and \\ are escapes inside "…"), a backslash outside quotes
 * escapes the next character, and an unquoted # ends the line.
 */
export function splitWords(line: string): Word[] {
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
		} else if (char === '#') {
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
