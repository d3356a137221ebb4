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

		const raw = match[2] ?? '';
		result[match[1]!] = raw.startsWith('"') ? raw.slice(1, -1).replaceAll(/\\(.)/g, '$1') : raw.startsWith('\'') ? raw.slice(1, -1) : raw;
		at = pattern.lastIndex;
	}

	return result;
}
