import {readFile, stat} from 'node:fs/promises';
import {hostsFieldMatches, parseKnownHosts, type KnownHostEntry} from './known-hosts.js';

/**
 * known_hosts files read once and indexed, for runs that connect to hundreds of hosts: reading and
 * matching the whole file for every connection cost each of 1000 hosts a parse of 1000 lines (a
 * RegExp per pattern) and a copy of the file held for the connection's life.
 */

interface IndexedKnownHosts {
	/** Lines by each plain name their hosts field lists (lowercased, as ssh compares them). */
	readonly byName: ReadonlyMap<string, readonly KnownHostEntry[]>;
	/** Lines that must be matched name by name: hashed, wildcard or negated patterns. */
	readonly patterned: readonly KnownHostEntry[];
}

interface CachedFile {
	/** Inode, size and mtime when read: a file changed since (an added key) is read again. */
	readonly stamp: string;
	readonly indexed: Promise<IndexedKnownHosts>;
}

const files = new Map<string, CachedFile>();

function isPlainName(pattern: string): boolean {
	return !/[*?!]/.test(pattern);
}

function indexEntries(entries: readonly KnownHostEntry[]): IndexedKnownHosts {
	const byName = new Map<string, KnownHostEntry[]>();
	const patterned: KnownHostEntry[] = [];
	for (const entry of entries) {
		const patterns = entry.hosts.toLowerCase().split(',');
		if (entry.hosts.startsWith('|1|') || !patterns.every(pattern => isPlainName(pattern))) {
			patterned.push(entry);
			continue;
		}

		for (const name of new Set(patterns)) {
			const listed = byName.get(name);
			if (listed) {
				listed.push(entry);
			} else {
				byName.set(name, [entry]);
			}
		}
	}

	return {byName, patterned};
}

async function stampOf(file: string): Promise<string | undefined> {
	try {
		const stats = await stat(file, {bigint: true});
		return `${stats.ino}:${stats.size}:${stats.mtimeNs}`;
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
			return undefined;
		}

		throw error;
	}
}

async function indexedFile(file: string): Promise<IndexedKnownHosts | undefined> {
	const stamp = await stampOf(file);
	if (stamp === undefined) {
		return undefined;
	}

	const cached = files.get(file);
	if (cached?.stamp === stamp) {
		return cached.indexed;
	}

	const indexed = readFile(file, 'utf8').then(text => indexEntries(parseKnownHosts(text, file)));
	const entry = {stamp, indexed};
	files.set(file, entry);
	indexed.catch(() => {
		if (files.get(file) === entry) {
			files.delete(file);
		}
	});
	return indexed;
}

/** The key lines of `file` whose hosts field names `lookupName` (from knownHostsName), in file order; none when the file does not exist. */
export async function knownHostsLinesFor(file: string, lookupName: string): Promise<KnownHostEntry[]> {
	const indexed = await indexedFile(file);
	if (!indexed) {
		return [];
	}

	const name = lookupName.toLowerCase();
	const matching = [...indexed.byName.get(name) ?? [], ...indexed.patterned.filter(entry => hostsFieldMatches(entry.hosts, name))];
	return matching.sort((a, b) => a.line - b.line);
}
