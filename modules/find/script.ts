import {quoteShell} from '../../engine/shell-words.js';

/*
 * The shell find runs: one listing of every path, each entry's lstat fields printed by find
 * itself (no process per file), NUL-separated so any file name survives; then, only when
 * contains or get_checksum asks, a second look at the candidate files alone.
 */

/** The fields printed per entry, before its path: parse.ts reads them in this order. */
export const entryFormat = '%d %y %Y %m %U %G %s %i %D %n %A@ %T@ %C@ %u %g';

export interface ListingOptions {
	readonly paths: readonly string[];
	/** How deep find looks: 1 without recurse, depth + 1 with it (Ansible counts that level as examined), none for all. */
	readonly maxDepth: number | undefined;
	readonly follow: boolean;
}

/** The host's clock, then per path `dir PATH` and its entries, or `notdir PATH`. */
export function listingScript({paths, maxDepth, follow}: ListingOptions): string {
	const find = `find ${follow ? '-L' : '-H'} "$p" -mindepth 1${maxDepth === undefined ? '' : ` -maxdepth ${maxDepth}`} -printf '${entryFormat}\\0%p\\0'`;
	return [
		'printf \'%s\\0\' "$(date +%s.%N)"',
		...paths.map(path => `p=${quoteShell(path)}; if [ -d "$p" ]; then printf 'dir\\0%s\\0' "$p"; ${find}; else printf 'notdir\\0%s\\0' "$p"; fi`),
	].join('\n');
}

/**
 * For each candidate file: its path when its content matches (grep -P, Python's regex dialect;
 * per line from its start as re.match, or anywhere in the whole file), then its sha1 or nothing.
 */
export function contentScript(files: readonly string[], contains: string | undefined, wholeFile: boolean, checksum: boolean): string {
	const test = contains === undefined ? ':' : wholeFile ? `grep -q -z -P -- ${quoteShell(contains)} "$f"` : `grep -q -P -- ${quoteShell(`^(?:${contains})`)} "$f"`;
	const sum = checksum ? ' h=$(sha1sum < "$f") || h=; printf \'%s\\0\' "${h%% *}";' : ' printf \'\\0\';';
	return files.map(file => `f=${quoteShell(file)}; if ${test} 2>/dev/null; then printf '%s\\0' "$f";${sum} fi`).join('\n');
}
