/** One mount as /proc/self/mountinfo describes it. */
export interface MountRecord {
	readonly path: string;
	readonly fstype: string;
	readonly src: string;
	readonly opts: string;
}

/** mountinfo writes space, tab, newline and backslash in paths as octal escapes (\040). */
function unescapeOctal(field: string): string {
	return field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8)));
}

/** The mounts, by mount point; a point mounted over more than once is its last (topmost) mount. */
export function parseMountinfo(text: string): Map<string, MountRecord> {
	const mounts = new Map<string, MountRecord>();
	for (const line of text.split('\n')) {
		const fields = line.split(' ');
		const separator = fields.indexOf('-', 6);
		if (separator < 0) {
			continue;
		}

		const path = unescapeOctal(fields[4] ?? '');
		mounts.set(path, {path, opts: fields[5] ?? '', fstype: fields[separator + 1] ?? '', src: unescapeOctal(fields[separator + 2] ?? '')});
	}

	return mounts;
}
