/**
 * Python's `re` patterns as JavaScript RegExps: the spellings that differ (`(?P<name>`, `(?P=name)`,
 * inline flags at the start, `\A`, `\Z`) are rewritten; the rest of the syntax is shared.
 */

export interface RegexOptions {
	readonly ignorecase?: boolean;
	readonly multiline?: boolean;
	readonly global?: boolean;
}

export function pythonRegex(pattern: string, options: RegexOptions = {}): RegExp {
	let flags = `${options.global ? 'g' : ''}${options.ignorecase ? 'i' : ''}${options.multiline ? 'm' : ''}`;
	let source = pattern.replace(/^\(\?([aiLmsux]+)\)/, (_match, inline: string) => {
		for (const flag of inline) {
			if ('ims'.includes(flag) && !flags.includes(flag)) {
				flags += flag;
			}
		}

		return '';
	});
	source = source
		.replaceAll('(?P<', '(?<')
		.replaceAll(/\(\?P=(\w+)\)/g, '\\k<$1>')
		.replaceAll('\\A', '^')
		.replaceAll('\\Z', '$(?![\\s\\S])');
	return new RegExp(source, flags);
}

/** A replacement string of Python's (`\1`, `\g<1>`, `\g<name>`) as JavaScript's (`$1`, `$<name>`). */
export function pythonReplacement(replacement: string): string {
	return replacement
		.replaceAll('$', '$$$$')
		.replaceAll(/\\g<(\w+)>/g, (_match, group: string) => (/^\d+$/.test(group) ? `$${group}` : `$<${group}>`))
		.replaceAll(/\\(\d+)/g, '$$$1')
		.replaceAll('\\n', '\n')
		.replaceAll('\\\\', '\\');
}
