import {PbError} from '../errors.js';

/**
 * An INI file as Python's configparser reads ansible.cfg: `[section]` headers, `key = value` or
 * `key: value` (keys lowercased, values trimmed), `#` and `;` comment lines, ` ;` comments after
 * a value, and indented lines continuing the value before them.
 */
export type IniSections = ReadonlyMap<string, ReadonlyMap<string, string>>;

export function parseIniSections(text: string, file: string): IniSections {
	const sections = new Map<string, Map<string, string>>();
	let section: Map<string, string> | undefined;
	let lastKey: string | undefined;
	for (const [index, line] of text.split(/\r?\n/).entries()) {
		const where = {file, line: index + 1, column: 1};
		const trimmed = line.trim();
		if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith(';')) {
			// A blank line ends a continued value, as in configparser.
			lastKey = trimmed === '' ? undefined : lastKey;
			continue;
		}

		if (/^\s/.test(line) && section && lastKey !== undefined) {
			section.set(lastKey, `${section.get(lastKey) ?? ''}\n${withoutComment(trimmed)}`.trim());
			continue;
		}

		const header = /^\[([^\]]+)\]\s*$/.exec(trimmed);
		if (header) {
			const name = header[1]!.trim();
			section = sections.get(name) ?? new Map<string, string>();
			sections.set(name, section);
			lastKey = undefined;
			continue;
		}

		const pair = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(trimmed);
		if (!pair) {
			throw new PbError(`cannot read this line of ${file}: expected [section] or key = value`, {where, hint: 'Comment it out with # or fix it.'});
		}

		if (!section) {
			throw new PbError(`${file}: key '${pair[1]!}' comes before any [section]`, {where, hint: 'ansible.cfg keys go under a section, usually [defaults].'});
		}

		lastKey = pair[1]!.toLowerCase();
		section.set(lastKey, withoutComment(pair[2]!));
	}

	return sections;
}

/** configparser's inline_comment_prefixes=(';',): a ';' after a blank starts a comment. */
function withoutComment(value: string): string {
	const at = value.search(/\s;/);
	return (at === -1 ? value : value.slice(0, at)).trim();
}
