/** The script's output cut into its sections (`### NAME` lines), each section's text by name. */
export type Sections = ReadonlyMap<string, string>;

/** The facts one part of the parser makes, by Ansible's names (without the `ansible_` prefix). */
export type Facts = Record<string, unknown>;

const envMarker = '\n### env\n';

/** env comes last and may hold any text, `### ` lines included: everything after its marker is its own. */
export function readSections(output: string): Sections {
	const text = `\n${output}`;
	const envAt = text.indexOf(envMarker);
	const sections = new Map<string, string>();
	let name: string | undefined;
	let lines: string[] = [];
	for (const line of [...(envAt === -1 ? text : text.slice(0, envAt)).split('\n'), '### ']) {
		if (line.startsWith('### ')) {
			if (name !== undefined) {
				sections.set(name, lines.join('\n'));
			}

			name = line.slice(4).trim();
			lines = [];
		} else {
			lines.push(line);
		}
	}

	if (envAt !== -1) {
		sections.set('env', text.slice(envAt + envMarker.length));
	}

	return sections;
}

/** A section's non-blank lines, trimmed at the end. */
export function linesOf(sections: Sections, name: string): string[] {
	return (sections.get(name) ?? '').split('\n').map(line => line.trimEnd()).filter(line => line.trim() !== '');
}

/** A section holding one value (a file of one line): its first line, trimmed; undefined when empty. */
export function valueOf(sections: Sections, name: string): string | undefined {
	return linesOf(sections, name)[0]?.trim();
}

/** KEY=value lines (os-release, lsb-release), values unquoted as a shell would. */
export function shellAssignments(text: string): Record<string, string> {
	const values: Record<string, string> = {};
	for (const line of text.split('\n')) {
		const match = /^\s*([A-Za-z_]\w*)=(.*)$/.exec(line);
		if (match) {
			values[match[1]!] = match[2]!.trim().replace(/^(["'])(.*)\1$/, '$2');
		}
	}

	return values;
}
