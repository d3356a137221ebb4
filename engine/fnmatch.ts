// Python's fnmatch.translate: * ? [seq] [!seq]; a [ with no closing ] is a plain character.
export function globToRegex(glob: string): string {
	let regex = '';
	for (let i = 0; i < glob.length; i++) {
		const char = glob[i] ?? '';
		const close = char === '[' ? glob.indexOf(']', i + (glob[i + 1] === '!' ? 3 : 2)) : -1;
		if (char === '*') {
			regex += '.*';
		} else if (char === '?') {
			regex += '.';
		} else if (close === -1) {
			regex += char.replaceAll(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
		} else {
			const body = glob.slice(i + 1, close);
			const negated = body.startsWith('!');
			regex += `[${negated ? '^' : ''}${(negated ? body.slice(1) : body).replaceAll(/[\\\]^[]/g, '\\$&')}]`;
			i = close;
		}
	}

	return regex;
}

/** Python's fnmatch.fnmatch on POSIX: the whole name, case-sensitive. */
export function fnmatch(name: string, glob: string): boolean {
	return new RegExp(`^(?:${globToRegex(glob)})$`, 's').test(name);
}
