/*
 * authorized_keys files as ansible.posix.authorized_key reads, edits and writes them, so that pb
 * leaves the same bytes: every key line written back as `[options ]type key comment` (a key
 * without a comment keeps a space after it), comments and lines it cannot read kept as they
 * were, and lines that hold the same key (or the same text) kept once, where the last one was.
 */

const keyTypes = new Set([
	'sk-ecdsa-sha2-nistp256@openssh.com', 'sk-ecdsa-sha2-nistp256-cert-v01@openssh.com', 'webauthn-sk-ecdsa-sha2-nistp256@openssh.com',
	'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp256-cert-v01@openssh.com', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp384-cert-v01@openssh.com',
	'ecdsa-sha2-nistp521', 'ecdsa-sha2-nistp521-cert-v01@openssh.com', 'sk-ssh-ed25519@openssh.com', 'sk-ssh-ed25519-cert-v01@openssh.com',
	'ssh-ed25519', 'ssh-ed25519-cert-v01@openssh.com', 'ssh-dss', 'ssh-rsa', 'ssh-xmss@openssh.com', 'ssh-xmss-cert-v01@openssh.com',
	'rsa-sha2-256', 'rsa-sha2-512', 'ssh-rsa-cert-v01@openssh.com', 'rsa-sha2-256-cert-v01@openssh.com', 'rsa-sha2-512-cert-v01@openssh.com',
	'ssh-dss-cert-v01@openssh.com',
]);

/** Options in the order written; an option may come more than once (several permitopen=). */
export type KeyOptions = ReadonlyArray<readonly [string, string | undefined]>;

/** One line of the file: a key, or a line kept as it is (`kept`, its text in `id`). */
export interface KeyLine {
	/** The key's base64 blob: a key's identity in the file. For kept lines, the line itself. */
	readonly id: string;
	readonly type: string | 'kept';
	readonly options: KeyOptions;
	readonly comment: string;
	/** Where it goes: lines are written in rank order. */
	readonly rank: number;
}

/** `no-pty,from="a,b"`: commas inside quotes do not separate options. */
export function parseOptions(text: string): KeyOptions {
	return (text.match(/(?:[^,"']|"[^"]*"|'[^']*')+/g) ?? []).map(part => {
		const equals = part.indexOf('=');
		return equals < 0 ? [part, undefined] as const : [part.slice(0, equals), part.slice(equals + 1)] as const;
	});
}

/** A key line, a kept line (a `# comment`), or undefined when the line holds no key type it knows. */
export function parseKeyLine(raw: string, rank: number): KeyLine | undefined {
	const text = raw.replaceAll('\\#', '#');
	const words = text.split(/[ \t\r\n]+/).filter(Boolean);
	if (words[0] === '#') {
		return {id: text, type: 'kept', options: [], comment: '', rank};
	}

	const at = words.findIndex(word => keyTypes.has(word));
	const key = words[at + 1];
	if (at < 0 || key === undefined) {
		return undefined;
	}

	return {id: key, type: words[at]!, options: parseOptions(words.slice(0, at).join(' ')), comment: words.slice(at + 2).join(' '), rank};
}

/** The file's lines by identity, in the order first met; a later line with the same identity replaces the earlier one. */
export function parseKeyFile(content: string): Map<string, KeyLine> {
	const keys = new Map<string, KeyLine>();
	const lines = content.match(/[^\n]*\n|[^\n]+$/g) ?? [];
	for (const [rank, line] of lines.entries()) {
		const parsed = parseKeyLine(line, rank) ?? {id: line, type: 'kept', options: [], comment: '', rank};
		keys.set(parsed.id, parsed);
	}

	return keys;
}

function optionsText(options: KeyOptions): string {
	return options.length === 0 ? '' : `${options.map(([name, value]) => (value === undefined ? name : `${name}=${value}`)).join(',')} `;
}

export function serializeKeys(keys: ReadonlyMap<string, KeyLine>): string {
	return [...keys.values()].sort((a, b) => a.rank - b.rank)
		.map(line => (line.type === 'kept' ? line.id : `${optionsText(line.options)}${line.type} ${line.id} ${line.comment}\n`))
		.join('');
}

/** Options as sets of values per name: their order does not make two keys differ. */
function sameOptions(a: KeyOptions, b: KeyOptions): boolean {
	const byName = (options: KeyOptions) => {
		const map = new Map<string, Array<string | undefined>>();
		for (const [name, value] of options) {
			map.set(name, [...map.get(name) ?? [], value]);
		}

		return map;
	};

	const left = byName(a);
	const right = byName(b);
	return left.size === right.size && [...left].every(([name, values]) => JSON.stringify(right.get(name)) === JSON.stringify(values));
}

function sameKey(a: KeyLine, b: KeyLine): boolean {
	return a.id === b.id && a.type === b.type && sameOptions(a.options, b.options) && a.comment === b.comment;
}

export interface KeyEdit {
	readonly state: 'present' | 'absent';
	/** Replace every given key's options with these. */
	readonly keyOptions?: string | undefined;
	/** Replace every given key's comment with this. */
	readonly comment?: string | undefined;
	/** Remove every other line of the file. */
	readonly exclusive: boolean;
}

/**
 * The file's content once `keys` (one or more key lines) are present or absent, and whether it
 * is to be written; a string names a key line that holds no key. A key whose options or comment
 * differ is replaced, and goes after the file's other keys, as new keys do.
 */
export function editKeyFile(content: string, keys: string, edit: KeyEdit): {readonly content: string; readonly changed: boolean} | string {
	const existing = parseKeyFile(content);
	const wanted = keys.split(/\r\n|\n|\r/).filter(line => line !== '' && !line.startsWith('#'));
	const staying = new Set<string>();
	const afterExisting = existing.size;
	let changed = false;
	for (const [rank, line] of wanted.entries()) {
		const parsed = parseKeyLine(line, rank);
		if (parsed === undefined) {
			return `invalid key specified: ${line}`;
		}

		const key: KeyLine = {
			...parsed,
			...(edit.keyOptions === undefined ? {} : {options: parseOptions(edit.keyOptions)}),
			...(edit.comment === undefined ? {} : {comment: edit.comment}),
		};
		const current = existing.get(key.id);
		const matched = current !== undefined && (edit.state === 'absent' || sameKey(key, current));
		if (edit.state === 'absent') {
			if (matched) {
				existing.delete(key.id);
				changed = true;
			}

			continue;
		}

		staying.add(key.id);
		if (!matched) {
			existing.delete(key.id);
			existing.set(key.id, {...key, rank: afterExisting + rank});
			changed = true;
		}
	}

	if (edit.state === 'present' && edit.exclusive) {
		for (const id of existing.keys()) {
			if (!staying.has(id)) {
				existing.delete(id);
				changed = true;
			}
		}
	}

	return {content: serializeKeys(existing), changed};
}
