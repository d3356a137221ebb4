/*
 * fstab(5) entries edited as ansible.posix.mount edits them on Linux, so a file both tools manage
 * ends up the same: the entry's fields escaped (\040 for a space), comments, blank lines and other
 * entries kept byte for byte, a matching entry rewritten only when a field differs.
 */

/** The six fields of an entry, escaped as fstab holds them. */
export interface FstabEntry {
	readonly src: string;
	readonly name: string;
	readonly fstype: string;
	readonly opts: string;
	readonly dump: string;
	readonly passno: string;
}

/** A field as fstab writes it: backslash, space and ampersand as octal escapes. */
export function escapeField(value: string): string {
	return value.replaceAll('\\', '\\134').replaceAll(' ', '\\040').replaceAll('&', '\\046');
}

function entryLine(entry: FstabEntry): string {
	return `${entry.src} ${entry.name} ${entry.fstype} ${entry.opts} ${entry.dump} ${entry.passno}\n`;
}

/** The file's lines, each with its newline (a last line without one keeps it missing). */
function lines(text: string): string[] {
	return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/** Whether an entry with these fields is the one for `name`: swap entries (all named none) also need the same src. */
function isEntryFor(fields: readonly string[], name: string, src: string | undefined): boolean {
	const [lineSrc, lineName, fstype] = fields;
	if (lineName !== name) {
		return false;
	}

	return !(src !== undefined && lineName === 'none' && fstype === 'swap' && lineSrc !== src);
}

function isEntryLine(line: string): boolean {
	return line.trim() !== '' && !line.trim().startsWith('#');
}

/**
 * The file with `entry` in it: every entry for its mount point set to its fields (entries of 4 or
 * 5 fields read dump and passno as missing, so they are rewritten whole), or the entry appended.
 * Once one entry is rewritten, later ones for the same point are rewritten too, as Ansible does.
 */
export function setEntry(text: string, entry: FstabEntry): {readonly text: string; readonly changed: boolean} {
	let exists = false;
	let changed = false;
	const edited = lines(text).map(line => {
		const withNewline = line.endsWith('\n') ? line : `${line}\n`;
		const fields = line.trim().split(/\s+/);
		if (!isEntryLine(line) || fields.length < 4 || fields.length > 6 || !isEntryFor(fields, entry.name, entry.src)) {
			return withNewline;
		}

		exists = true;
		const [src = '', name = '', fstype = '', opts = '', dump, passno] = fields;
		const current = {src, name, fstype, opts, dump, passno};
		const merged = {...current, src: entry.src, fstype: entry.fstype, opts: entry.opts, dump: entry.dump, passno: entry.passno};
		if ((['src', 'fstype', 'opts', 'dump', 'passno'] as const).some(key => current[key] !== entry[key])) {
			changed = true;
		}

		return changed ? entryLine(merged) : withNewline;
	});
	if (!exists) {
		edited.push(entryLine(entry));
		changed = true;
	}

	return {text: changed ? edited.join('') : text, changed};
}

/** The file without the entries (of exactly six fields, as Ansible reads them) for `name`. */
export function unsetEntry(text: string, name: string, src: string | undefined): {readonly text: string; readonly changed: boolean} {
	const kept = lines(text).filter(line => {
		const fields = line.trim().split(/\s+/);
		return !isEntryLine(line) || fields.length !== 6 || !isEntryFor(fields, name, src);
	});
	const edited = kept.join('');
	return {text: edited, changed: edited !== text};
}
