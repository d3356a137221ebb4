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

/** What changed since systemd last loaded units (script.ts, changedSinceLoad), when the host can tell. */
export type SinceLoad =
	| {readonly known: false}
	| {readonly known: true; readonly watched: readonly string[]; readonly changed: readonly string[]};

/**
 * What the read script found: no systemd (and why), or the user's home, the unit's properties,
 * the loaded units needing a reload and what changed since the last load.
 */
export type ReadOutput =
	| {readonly kind: 'no-systemd'; readonly reason: string}
	| {readonly kind: 'systemd'; readonly home: string; readonly properties: Record<string, string>; readonly needReload: string[]; readonly sinceLoad: SinceLoad};

export function parseReadOutput(stdout: string): ReadOutput {
	if (stdout.startsWith('no-systemd ')) {
		return {kind: 'no-systemd', reason: stdout.slice('no-systemd '.length).trim()};
	}

	const [head = '', reload = ''] = stdout.split(/^--\n/m);
	const watched = /^unit-paths (.*)$/m.exec(reload)?.[1];
	const changed = [...reload.matchAll(/^since-load changed (.+)$/gm)].map(match => match[1]!);
	const sinceLoad: SinceLoad = watched === undefined || (changed.length === 0 && !/^since-load unchanged$/m.test(reload))
		? {known: false}
		: {known: true, watched: watched.split(' ').filter(Boolean), changed};
	const units = unitsNeedingReload(reload.replace(/^(?:unit-paths|since-load) .*$/gm, ''));
	return {kind: 'systemd', home: /^home (.*)$/m.exec(head)?.[1] ?? '/root', properties: parseProperties(head), needReload: units, sinceLoad};
}
