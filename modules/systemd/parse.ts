/** `Key=value` lines, as `systemctl show` prints them, into a record. */
export function parseProperties(text: string): Record<string, string> {
	const result: Record<string, string> = {};
	for (const line of text.split('\n')) {
		const at = line.indexOf('=');
		if (at > 0) {
			result[line.slice(0, at)] = line.slice(at + 1);
		}
	}

	return result;
}

/** The loaded units that need a daemon-reload, from `systemctl show -p Id,NeedDaemonReload '*'`. */
export function unitsNeedingReload(text: string): string[] {
	return text.split(/\n\n+/).map(block => parseProperties(block)).filter(unit => unit['NeedDaemonReload'] === 'yes').map(unit => unit['Id'] ?? '?');
}

/** What the read script found: no systemd (and why), or the user's home, the unit's properties and the units needing a reload. */
export type ReadOutput =
	| {readonly kind: 'no-systemd'; readonly reason: string}
	| {readonly kind: 'systemd'; readonly home: string; readonly properties: Record<string, string>; readonly needReload: string[]};

export function parseReadOutput(stdout: string): ReadOutput {
	if (stdout.startsWith('no-systemd ')) {
		return {kind: 'no-systemd', reason: stdout.slice('no-systemd '.length).trim()};
	}

	const [head = '', units = ''] = stdout.split(/^--\n/m);
	return {kind: 'systemd', home: /^home (.*)$/m.exec(head)?.[1] ?? '/root', properties: parseProperties(head), needReload: unitsNeedingReload(units)};
}
