import {readdir, readFile} from 'node:fs/promises';
import {join} from 'node:path';

/** A mirror line in a sources file: its URIs and suites, one-line or deb822 format. */
interface SourceEntry {
	readonly uris: readonly string[];
	readonly suites: readonly string[];
}

function parseOneLine(text: string): SourceEntry[] {
	const entries: SourceEntry[] = [];
	for (const line of text.split('\n')) {
		// deb [options] URI SUITE COMPONENT...
		const match = /^\s*deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)/.exec(line);
		if (match?.[1] && match[2]) {
			entries.push({uris: [match[1]], suites: [match[2]]});
		}
	}

	return entries;
}

function parseDeb822(text: string): SourceEntry[] {
	return text.split(/\n\s*\n/).flatMap(stanza => {
		const field = (name: string) => new RegExp(`^${name}:\\s*(.*)$`, 'mi').exec(stanza)?.[1]?.trim().split(/\s+/) ?? [];
		if (!field('Types').includes('deb')) {
			return [];
		}

		return [{uris: field('URIs'), suites: field('Suites')}];
	});
}

/**
 * The Debian mirror apt on this machine uses for `suite`, so the base is built from the same
 * place the machine's own packages come from (PB_LAB_DEBIAN_MIRROR overrides it).
 */
export async function debianMirror(suite: string): Promise<string> {
	const override = process.env['PB_LAB_DEBIAN_MIRROR'];
	if (override) {
		return override;
	}

	const files = ['/etc/apt/sources.list'];
	const directory = '/etc/apt/sources.list.d';
	for (const name of await readdir(directory).catch(() => [])) {
		files.push(join(directory, name));
	}

	for (const file of files) {
		const text = await readFile(file, 'utf8').catch(() => '');
		const entries = file.endsWith('.sources') ? parseDeb822(text) : file.endsWith('.list') ? parseOneLine(text) : [];
		const entry = entries.find(candidate => candidate.suites.includes(suite));
		if (entry?.uris[0]) {
			return entry.uris[0];
		}
	}

	throw new Error(`no apt source for Debian ${suite} in /etc/apt/sources.list*; set PB_LAB_DEBIAN_MIRROR to a Debian mirror URL`);
}
