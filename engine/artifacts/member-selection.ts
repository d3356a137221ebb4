import type {ArchiveMember} from './tar-members.js';

/** An archive member with the path it gets under dest, once strip_components and include apply. */
export interface SelectedMember extends ArchiveMember {
	/** Relative to dest, without '.' parts or a trailing slash. */
	readonly path: string;
}

/** A glob as a regular expression: `*` and `?` stay within one path part, `**` crosses parts. */
function globPattern(glob: string): RegExp {
	const source = glob.split(/(\*\*|\*|\?)/).map(part => {
		if (part === '**') {
			return '.*';
		}

		if (part === '*') {
			return '[^/]*';
		}

		return part === '?' ? '[^/]' : part.replaceAll(/[.+^${}()|[\]\\]/g, '\\$&');
	}).join('');
	return new RegExp(`^${source}$`);
}

/**
 * A tar --exclude pattern as GNU tar matches it: `*`, `?` and `[...]` match across '/', and the
 * pattern may match the whole name or any part of it after a '/'.
 */
function excludePattern(pattern: string): RegExp {
	const source = pattern.replace(/\/+$/, '').split(/(\*|\?|\[[^\]]*\])/).map(part => {
		if (part === '*') {
			return '.*';
		}

		if (part === '?') {
			return '.';
		}

		return part.startsWith('[') && part.endsWith(']') && part.length > 2 ? part.replace(/^\[!/, '[^') : part.replaceAll(/[.+^${}()|[\]\\]/g, '\\$&');
	}).join('');
	return new RegExp(`(?:^|/)${source}$`);
}

/** Whether `path` or one of the directories above it matches one of the patterns: naming a directory takes what it holds. */
function included(path: string, patterns: readonly RegExp[]): boolean {
	const parts = path.split('/');
	return parts.some((_, index) => {
		const prefix = parts.slice(0, index + 1).join('/');
		return patterns.some(pattern => pattern.test(prefix));
	});
}

/**
 * The members extracted under dest, as GNU tar places them: leading '/' removed, then
 * `strip` leading parts ('.' counts as one, as tar counts it); members left with no path are
 * skipped. `include` patterns match the path under dest ('bin/', 'bin/*', '**\/crictl');
 * `exclude` patterns match the stored name as tar --exclude does (a directory takes what it holds).
 * A later member for the same path replaces an earlier one, as extraction would. Sorted by
 * path: the same order on every run, and each directory before what it holds.
 */
export function selectMembers(archive: string, members: readonly ArchiveMember[], strip: number, include: readonly string[], exclude: readonly string[] = []): SelectedMember[] {
	const patterns = include.map(pattern => globPattern(pattern.replace(/^(?:\.\/)+/, '').replace(/\/+$/, '')));
	const excluded = exclude.map(pattern => excludePattern(pattern));
	const selected = new Map<string, SelectedMember>();
	for (const member of members) {
		const parts = member.name.replace(/^\/+/, '').replace(/\/+$/, '').split('/');
		if (parts.includes('..')) {
			throw new Error(`${archive}: member ${member.name} climbs out of dest with '..'; untar refuses such archives`);
		}

		const path = parts.slice(strip).filter(part => part !== '' && part !== '.').join('/');
		const stored = member.name.replace(/^\/+/, '').replace(/\/+$/, '');
		if (path === '' || (patterns.length > 0 && !included(path, patterns)) || (excluded.length > 0 && included(stored, excluded))) {
			continue;
		}

		selected.delete(path);
		selected.set(path, {...member, path});
	}

	return [...selected.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
