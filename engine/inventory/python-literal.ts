/*
 * Ansible reads every value in an INI inventory with Python's ast.literal_eval and keeps the
 * text when that fails: `port=2222` is the number 2222, `become=True` the boolean true,
 * `mode=0644` the string '0644' (Python rejects the leading zero), `ids=[1, 2]` a list,
 * `name='a b'` the string a b. This reads the same literals so values mean what they mean
 * under Ansible. Tuples and sets become arrays, as Ansible turns them into lists.
 */

class NotALiteral extends Error {}

const escapes: Readonly<Record<string, string>> = {
	'\\': '\\', '\'': '\'', '"': '"', a: '\u0007', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v',
};

const numberPattern = /^(?:0[xX](?:_?[\da-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|(?:\d(?:_?\d)*)?\.\d(?:_?\d)*(?:[eE][-+]?\d(?:_?\d)*)?|\d(?:_?\d)*\.?(?:[eE][-+]?\d(?:_?\d)*)?)(?![\w.])/;

class LiteralReader {
	private at = 0;

	constructor(private readonly text: string) {}

	readAll(): unknown {
		const first = this.value();
		if (!this.take(',')) {
			this.expectEnd();
			return first;
		}

		// `1, 2` without brackets is a tuple in Python.
		const items = [first, ...this.items('')];
		this.expectEnd();
		return items;
	}

	private expectEnd(): void {
		this.skipBlanks();
		if (this.at < this.text.length) {
			throw new NotALiteral();
		}
	}

	private skipBlanks(): void {
		for (;;) {
			const char = this.text[this.at];
			if (char === ' ' || char === '\t') {
				this.at++;
			} else if (char === '#') {
				this.at = this.text.length;
			} else {
				return;
			}
		}
	}

	private take(token: string): boolean {
		this.skipBlanks();
		if (this.text.startsWith(token, this.at)) {
			this.at += token.length;
			return true;
		}

		return false;
	}

	/** Comma-separated values up to `close` (empty for a bare tuple, which runs to the end). */
	private items(close: string): unknown[] {
		const items: unknown[] = [];
		for (;;) {
			this.skipBlanks();
			if (close ? this.take(close) : this.at >= this.text.length) {
				return items;
			}

			items.push(this.value());
			if (!this.take(',')) {
				if (close && !this.take(close)) {
					throw new NotALiteral();
				}

				return items;
			}
		}
	}

	private value(): unknown {
		this.skipBlanks();
		const rest = this.text.slice(this.at);
		const word = /^(?:True|False|None)(?!\w)/.exec(rest)?.[0];
		if (word) {
			this.at += word.length;
			return word === 'None' ? null : word === 'True';
		}

		if (this.take('[')) {
			return this.items(']');
		}

		if (this.take('(')) {
			const items = this.items(')');
			// `(1)` is the number 1; `(1,)` and `()` are tuples.
			const parenthesised = items.length === 1 && !/,\s*\)$/.test(this.text.slice(0, this.at));
			return parenthesised ? items[0] : items;
		}

		if (this.take('{')) {
			return this.braces();
		}

		if (/^[-+]/.test(rest)) {
			this.at++;
			const number = this.value();
			if (typeof number !== 'number') {
				throw new NotALiteral();
			}

			return rest.startsWith('-') ? -number : number;
		}

		if (/^[rRuU]?['"]/.test(rest)) {
			let text = '';
			while (/^[rRuU]?['"]/.test(this.text.slice(this.at))) {
				text += this.string();
				this.skipBlanks();
			}

			return text;
		}

		return this.number(rest);
	}

	private number(rest: string): number {
		const match = numberPattern.exec(rest)?.[0];
		// Python refuses 0644 and similar: only 0 itself may start with a zero.
		if (!match || /^0\d*[1-9]/.test(match.replaceAll('_', '')) && !/[.eE]/.test(match)) {
			throw new NotALiteral();
		}

		this.at += match.length;
		const digits = match.replaceAll('_', '');
		const prefix = digits.slice(0, 2).toLowerCase();
		const radix = prefix === '0x' ? 16 : (prefix === '0o' ? 8 : (prefix === '0b' ? 2 : 0));
		const value = radix ? Number.parseInt(digits.slice(2), radix) : Number(digits);
		if (Number.isInteger(value) && !Number.isSafeInteger(value) && !/[.eE]/.test(digits)) {
			throw new NotALiteral();
		}

		return value;
	}

	private braces(): unknown {
		this.skipBlanks();
		if (this.take('}')) {
			return {};
		}

		const first = this.value();
		if (!this.take(':')) {
			// {a, b} is a set.
			return this.take(',') ? [first, ...this.items('}')] : (this.take('}') ? [first] : this.fail());
		}

		const result: Record<string, unknown> = {[String(first)]: this.value()};
		while (this.take(',')) {
			if (this.take('}')) {
				return result;
			}

			const key = this.value();
			if (!this.take(':')) {
				throw new NotALiteral();
			}

			result[String(key)] = this.value();
		}

		return this.take('}') ? result : this.fail();
	}

	private string(): string {
		const raw = /^[rR]/.test(this.text.slice(this.at));
		this.at += /^[rRuU]/.test(this.text.slice(this.at)) ? 1 : 0;
		const quote = this.text.startsWith(this.text.slice(this.at, this.at + 1).repeat(3), this.at)
			? this.text.slice(this.at, this.at + 3)
			: this.text.slice(this.at, this.at + 1);
		this.at += quote.length;
		let result = '';
		while (!this.text.startsWith(quote, this.at)) {
			const char = this.text[this.at];
			if (char === undefined) {
				throw new NotALiteral();
			}

			if (char === '\\' && !raw) {
				result += this.escape();
			} else {
				// In a raw string a backslash stays, but still shields the quote after it.
				const length = char === '\\' ? 2 : 1;
				result += this.text.slice(this.at, this.at + length);
				this.at += length;
			}
		}

		this.at += quote.length;
		return result;
	}

	private escape(): string {
		const rest = this.text.slice(this.at + 1);
		const code = /^(?:[0-7]{1,3}|x[\da-fA-F]{2}|u[\da-fA-F]{4}|U[\da-fA-F]{8})/.exec(rest)?.[0];
		if (code) {
			this.at += 1 + code.length;
			return String.fromCodePoint(/^\d/.test(code) ? Number.parseInt(code, 8) : Number.parseInt(code.slice(1), 16));
		}

		const char = rest[0] ?? '';
		this.at += 2;
		return escapes[char] ?? `\\${char}`;
	}

	private fail(): never {
		throw new NotALiteral();
	}
}

/** An INI inventory value as Ansible reads it: a Python literal if it is one, else the text. */
export function parseIniValue(text: string): unknown {
	try {
		return new LiteralReader(text).readAll();
	} catch (error) {
		if (error instanceof NotALiteral) {
			return text;
		}

		throw error;
	}
}
