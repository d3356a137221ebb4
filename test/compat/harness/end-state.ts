import {readFile} from 'node:fs/promises';
import {join} from 'node:path';
import {describePath, diffSnapshots, type UpperEntry, type UpperSnapshot} from '../../lab/upper-snapshot.js';

/**
 * What a host ended up with, read from the machine: a root (a lab host's whole filesystem, or the
 * out_dir a case host had on the local connection) and the paths under it worth comparing.
 */
export interface EndState {
	readonly host: string;
	readonly root: string;
	/** What differs between the two tools' runs by design, and may show in files: see Alias. */
	readonly aliases: readonly Alias[];
}

/**
 * A text that differs between the tools' runs by design (a lab host's name and address, a local
 * out_dir), as a file may hold it (a fact, a path), and the placeholder it reads as when contents
 * and link targets are compared.
 */
export interface Alias {
	readonly text: string;
	readonly placeholder: string;
}

/** What is at a path, or nothing. (Its mtime is never compared: two runs never write at the same moment.) */
export type EndEntry = Exclude<UpperEntry, {type: 'whiteout'}> | {readonly type: 'absent'};

export async function readEntry(state: EndState, path: string): Promise<EndEntry> {
	try {
		const entry = await describePath(join(state.root, path));
		return entry.type === 'whiteout' ? {type: 'absent'} : entry;
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
			return {type: 'absent'};
		}

		throw error;
	}
}

/** A file's text with its aliases replaced by their placeholders; undefined for binary content. */
export async function readText(state: EndState, path: string): Promise<string | undefined> {
	const bytes = await readFile(join(state.root, path));
	if (bytes.includes(0)) {
		return undefined;
	}

	return withPlaceholders(state, bytes.toString('utf8'));
}

const escape = (text: string) => text.replaceAll(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `text` with each alias replaced by its placeholder; the longest first, never inside a longer word (pblab-1 in pblab-12). */
export function withPlaceholders(state: EndState, text: string): string {
	return [...state.aliases].sort((a, b) => b.text.length - a.text.length)
		.reduce((replaced, alias) => replaced.replaceAll(new RegExp(`${escape(alias.text)}(?!\\w)`, 'g'), alias.placeholder), text);
}

/**
 * Paths the tools leave on a lab host whatever a case does, and why. They are left out of the
 * comparison: what differs there says nothing about what the case did. (/tmp and /run are tmpfs on
 * the lab's hosts, not in the upper dir; the journal is volatile, in /run.)
 */
export const noise: readonly RegExp[] = [
	// ansible-playbook's remote_tmp (~/.ansible/tmp): made on every host it reaches, and left there, even with pipelining.
	/^\/root\/\.ansible(\/|$)/,
	// pb's file sums, the quick check's state (engine/host/file-sums.ts): written when a case writes or reads a large file.
	/^\/var\/lib\/pb(\/|$)/,
	// Login records and daemons' logs: SSH logins may write them, and the tools log in a different number of times.
	/^\/var\/log(\/|$)/,
	// Caches (apt, debconf, man-db) a command may refresh as a side effect.
	/^\/var\/cache(\/|$)/,
	// systemd's own bookkeeping (timer stamps, random seed, linger, coredumps), written on its own schedule.
	/^\/var\/lib\/systemd(\/|$)/,
	// A service's PrivateTmp, named after the boot it was made in: a case that reboots a host makes new ones.
	/^\/var\/tmp\/systemd-private-[\da-f]{32}-/,
	// ssh state: the lab's authorized_keys, the known_hosts of an ssh client run on the host.
	/^\/root\/\.ssh(\/|$)/,
	// dpkg's copy of its status file as it was before its last run: how many dpkg runs a tool made to reach the same
	// packages (apt-get installing a deb with its dependencies at once, Ansible's apt in two steps), not which packages.
	/^\/var\/lib\/dpkg\/status-old$/,
	// Python bytecode: ansible-playbook's modules run in the host's python3, which may cache what it compiles.
	/(^|\/)__pycache__(\/|$)|\.pyc$/,
];

const isNoise = (path: string) => noise.some(pattern => pattern.test(path));

/** Every path a lab host's run added, changed or removed (its upper dir before and after), but noise. */
export function changedPaths(before: UpperSnapshot, after: UpperSnapshot): string[] {
	const {added, removed, changed} = diffSnapshots(before, after);
	return [...added, ...removed, ...changed].filter(path => !isNoise(path));
}
