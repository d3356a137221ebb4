/**
 * Ansible's `key=value key="quoted value"` form: `file: path=/tmp/x state=directory`. Words
 * without `=` continue the value before them, so `debug: msg=hello world` says "hello world".
 * Returns undefined when the text is not of that form, so the caller can say so.
 */
export function parseKeyValues(text: string): Record<string, string> | undefined {
	const result: Record<string, string> = {};
	// A value is quoted, or runs to the next blank outside {{ }} (templates may hold blanks).
	const pattern = /\s*([A-Za-z_][\w.]*)=("(?:[^"\\]|\\.)*"|'[^']*'|(?:\{\{[\s\S]*?\}\}|[^\s{]|\{(?!\{))*)/y;
	let at = 0;
	while (at < text.length) {
		if (/^\s*$/.test(text.slice(at))) {
			break;
		}

		pattern.lastIndex = at;
		const match = pattern.exec(text);
		if (!match) {
			const word = /\s*(\S+)/y;
			word.lastIndex = at;
			const continued = word.exec(text);
			const previous = Object.keys(result).at(-1);
			if (!continued || previous === undefined) {
				return undefined;
			}

			result[previous] += ` ${continued[1]!}`;
			at = word.lastIndex;
			continue;
		}

		result[match[1]!] = unquote(decodeEscapes(match[2] ?? ''));
		at = pattern.lastIndex;
	}

	return result;
}

const singleEscapes: Readonly<Record<string, string>> = {'\\': '\\', '\'': '\'', '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v'};

/**
 * The escapes Ansible decodes in each key=value word, quoted or not, before taking the quotes
 * off: \\, \', \", \a \b \f \n \r \t \v and \x, \u, \U hex codes. Others (\d, \s) stay as written,
 * so `regexp='\\b(\w+)'` is the expression \b(\w+), and `regexp='\b'` a backspace.
 */
function decodeEscapes(text: string): string {
	return text.replaceAll(/\\(?:U([\da-fA-F]{8})|u([\da-fA-F]{4})|x([\da-fA-F]{2})|([\\'"abfnrtv]))/g, (_match, long?: string, short?: string, byte?: string, single?: string) => {
		const code = long ?? short ?? byte;
		return code === undefined ? singleEscapes[single!]! : String.fromCodePoint(Number.parseInt(code, 16));
	});
}

/** The value without the quotes around it, when it starts and ends with the same one. */
function unquote(text: string): string {
	return text.length >= 2 && (text[0] === '"' || text[0] === '\'') && text.at(-1) === text[0] ? text.slice(1, -1) : text;
}
