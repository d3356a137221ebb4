/* What dnf, yum and rpm print, read: the read's sections, dnf's transaction tables, its errors. */

import {type DryRun as CommandDryRun, markedSections, type PackageChange as TransactionChange} from '../package-output.js';

/** Where the read's and apply's output is split: each section starts at a line with this marker. */
export const marker = '@@pb-yum';

export type Verb = 'install' | 'upgrade' | 'remove';
export type Action = 'installed' | 'upgraded' | 'downgraded' | 'reinstalled' | 'removed';
/** One package a transaction acts on, as dnf's transaction table lists it: its version [epoch:]version-release. */
export type PackageChange = TransactionChange<Action>;
/** A dry run of one dnf command. */
export type DryRun = CommandDryRun<Verb>;

export type YumState =
	| {readonly kind: 'no-manager'; readonly found: string | undefined}
	| {readonly kind: 'not-root'; readonly manager: string; readonly user: string}
	| {readonly kind: 'no-sandbox'; readonly manager: string; readonly reason: string}
	| {
		readonly kind: 'read';
		readonly manager: string;
		/** Per spec rpm could answer for: the installed packages matching it (empty: not installed). */
		readonly installed: ReadonlyMap<string, readonly string[]>;
		readonly dryRuns: readonly DryRun[];
		/** name.arch -> installed [epoch:]version-release, read only when a dry run upgrades, downgrades or reinstalls. */
		readonly versions: ReadonlyMap<string, string>;
		/** Check mode: the paths the packages to be installed or upgraded ship that are not on the host yet, from the repositories' file lists. */
		readonly shipped: readonly string[];
		/** Check mode: the files (not directories) of the packages to be removed, from rpm. */
		readonly removedFiles: readonly string[];
	};

/** The output split at marker lines: each marker's words and the lines up to the next one. */
export function sections(stdout: string): Array<{words: string[]; body: string}> {
	return markedSections(stdout, marker);
}

/**
 * Check mode: the paths a file list names: repoquery's (every path a package ships) or rpm's (its
 * files, not directories: rpm keeps a directory another package owns or something else is in).
 * When the list could not be had, the person is told: later tasks may then be predicted wrong.
 */
function listedPaths(kind: 'shipped' | 'removed-files', body: string, code: number, warn: (message: string) => void): string[] {
	if (code !== 0) {
		warn(`--check cannot list the files of the packages to be ${kind === 'shipped' ? 'installed' : 'removed'}: ${failureText(body)}; later tasks that use them may be predicted wrong`);
		return [];
	}

	const lines = body.split('\n');
	return kind === 'shipped' ? lines.filter(line => line.startsWith('/')) : lines.flatMap(line => /^[^d]\S* (\/.*)$/.exec(line)?.[1] ?? []);
}

export function parseRead(stdout: string, warn: (message: string) => void): YumState {
	const parts = sections(stdout);
	const first = parts[0]?.words ?? [];
	if (first[0] === 'no-manager') {
		return {kind: 'no-manager', found: first[1]};
	}

	const manager = first[1] ?? 'dnf';
	const installed = new Map<string, string[]>();
	const dryRuns: DryRun[] = [];
	const versions = new Map<string, string>();
	const files = {shipped: [] as string[], 'removed-files': [] as string[]};
	for (const [index, {words, body}] of parts.entries()) {
		const [kind = '', ...rest] = words;
		if (kind === 'not-root' || kind === 'no-sandbox') {
			return kind === 'not-root' ? {kind, manager, user: rest.join(' ')} : {kind, manager, reason: rest.join(' ')};
		}

		if (kind === 'spec') {
			installed.set(rest.join(' '), body.split('\n').filter(Boolean));
		} else if (kind === 'dry-run') {
			const [verb, ...specs] = rest;
			dryRuns.push({verb: verb as Verb, specs, code: Number(parts[index + 1]?.words[1] ?? 1), output: body});
		} else if (kind === 'versions') {
			for (const [key = '', version = ''] of body.split('\n').map(line => line.split(' '))) {
				versions.set(key, version);
			}
		} else if (kind === 'shipped' || kind === 'removed-files') {
			files[kind] = listedPaths(kind, body, Number(parts[index + 1]?.words[1] ?? 1), warn);
		}
	}

	return {kind: 'read', manager, installed, dryRuns, versions, shipped: files.shipped, removedFiles: files['removed-files']};
}

const sectionActions: ReadonlyArray<readonly [RegExp, Action]> = [
	[/^Installing( dependencies| weak dependencies| for dependencies| group\/module packages)?:$/, 'installed'],
	[/^(Upgrading|Updating)( dependencies| for dependencies)?:$/, 'upgraded'],
	[/^Downgrading( dependencies)?:$/, 'downgraded'],
	[/^Reinstalling:$/, 'reinstalled'],
	[/^(Removing|Erasing)( dependent packages| unused dependencies| for dependencies| dependencies)?:$/, 'removed'],
];
const sizeUnit = /^(?:[kMGTP]|[KMGT]iB|B)$/;
export const archWord = /^(noarch|x86_64|i[3-6]86|aarch64|ppc64le|ppc64|s390x|armv7hl|riscv64|src)$/;

/**
 * The packages a dnf or yum transaction table lists (dry run or real run alike), by section.
 * Rows are read as words, so a long name wrapped onto its own line reads the same: name, arch,
 * version, repository, size (and its unit). A `replacing` row names what the row before replaces.
 */
export function parseTransaction(output: string): PackageChange[] {
	const changes: PackageChange[] = [];
	let action: Action | undefined;
	let words: string[] = [];
	const flush = () => {
		for (let at = 0; at < words.length;) {
			if (words[at] === 'replacing') {
				// dnf 5: replacing name arch version repo size unit; dnf 4: replacing name.arch version.
				const long = archWord.test(words[at + 2] ?? '');
				const [name, arch] = long ? [words[at + 1] ?? '', words[at + 2] ?? ''] : splitNameArch(words[at + 1] ?? '');
				const version = words[at + (long ? 3 : 2)] ?? '';
				at += long ? 6 : 3;
				at += long && sizeUnit.test(words[at] ?? '') ? 1 : 0;
				const previous = changes.at(-1);
				if (previous?.name === name && previous.arch === arch) {
					changes[changes.length - 1] = {...previous, from: version};
				} else {
					changes.push({action: 'removed', name, arch, version});
				}

				continue;
			}

			const [name = '', arch = '', version = ''] = words.slice(at, at + 3);
			changes.push({action: action!, name, arch, version});
			at += 5;
			at += sizeUnit.test(words[at] ?? '') ? 1 : 0;
		}

		words = [];
	};

	for (const line of output.split('\n')) {
		if (line.startsWith(' ') && action !== undefined) {
			words.push(...line.trim().split(/\s+/).filter(Boolean));
			continue;
		}

		if (!line.startsWith(' ')) {
			flush();
			action = sectionActions.find(([header]) => header.test(line.trim()))?.[1];
		}
	}

	flush();
	return changes;
}

function splitNameArch(word: string): [string, string] {
	const dot = word.lastIndexOf('.');
	return dot < 0 ? [word, ''] : [word.slice(0, dot), word.slice(dot + 1)];
}

const noise = /^(Unable to detect release version|Last metadata expiration check|Dependencies resolved|Nothing to do|Complete!|Operation aborted|Exiting on user command|Is this ok)/;

/** What dnf said went wrong, without its progress lines and tables. */
export function failureText(output: string): string {
	const lines = output.split('\n').map(line => line.trimEnd()).filter(line => line.trim() !== '' && !noise.test(line.trim()));
	const errors = lines.filter(line => /^(Error|Problem|No match for argument|RPM: error|error:|  - )/.test(line.trimStart()));
	return (errors.length > 0 ? errors : lines.slice(-5)).map(line => line.trim()).join('; ');
}

/** A dry run that ended in an error: rc 0 is nothing to do, and --assumeno ends a resolved transaction with 'Operation aborted'. */
export function dryRunError(run: DryRun): string | undefined {
	return run.code === 0 || /^(Operation aborted|Exiting on user command)/m.test(run.output) ? undefined : failureText(run.output);
}
