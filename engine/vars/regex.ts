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
		// Not ^: under the m flag that is every line's start.
		.replaceAll('\\A', '(?<![\\s\\S])')
		.replaceAll('\\Z', '$(?![\\s\\S])');
	return new RegExp(source, flags);
}

/** A numbered group in JavaScript's replacement: two digits, so a digit after it stays a digit; 0 is the whole match. */
function numbered(group: string): string {
	return Number(group) === 0 ? '$&' : `$${group.padStart(2, '0')}`;
}

/** A replacement string of Python's (`\1`, `\g<1>`, `\g<name>`) as JavaScript's (`$1`, `$<name>`). */
export function pythonReplacement(replacement: string): string {
	return replacement
		.replaceAll('$', '$$$$')
		.replaceAll(/\\g<(\w+)>/g, (_match, group: string) => (/^\d+$/.test(group) ? numbered(group) : `$<${group}>`))
		.replaceAll(/\\([1-9]\d?)/g, (_match, group: string) => numbered(group))
		.replaceAll('\\n', '\n')
		.replaceAll('\\\\', '\\');
}
