/* What apt-get, apt-cache and dpkg print, read: the read's sections and apt-get's simulation. */

import {type DryRun, markedSections, type PackageChange} from '../package-output.js';

/** Where the read's and apply's output is split: each section starts at a line with this marker. */
export const marker = '@@pb-apt';

export type AptVerb = 'install' | 'remove' | 'autoremove';
/** One package a transaction acts on, as apt-get's simulation lists it. */
export type AptChange = PackageChange<'installed' | 'upgraded' | 'downgraded' | 'removed' | 'purged'>;
/** A simulation of one apt-get command. */
export type AptDryRun = DryRun<AptVerb>;

export type AptState =
	| {readonly kind: 'no-manager'; readonly found: string | undefined}
	| {readonly kind: 'not-root'; readonly user: string}
	| {readonly kind: 'no-sandbox'; readonly reason: string}
	| {readonly kind: 'failed'; readonly message: string}
	| {
		readonly kind: 'read';
		/** Whether the read ran apt-get update (in its namespace): the real run will too. */
		readonly updated: boolean;
		/** The lists' time (update-success-stamp's or the lists directory's mtime), seconds: as the host has it now, and after the update when there was one. */
		readonly cacheTimeBefore: number;
		readonly cacheTime: number;
		readonly dryRuns: readonly AptDryRun[];
		/** For a deb: its package name, and what dpkg has of it now. */
		readonly deb?: {readonly name: string; readonly version: string; readonly installed: string | undefined};
	};

/** The output split at marker lines: each marker's words and the lines up to the next one. */
export function sections(stdout: string): Array<{words: string[]; body: string}> {
	return markedSections(stdout, marker);
}

export function parseRead(stdout: string): AptState {
	const parts = sections(stdout);
	let updated = false;
	const cacheTimes: number[] = [];
	let deb: {name: string; version: string; installed: string | undefined} | undefined;
	const dryRuns: AptDryRun[] = [];
	for (const [index, {words, body}] of parts.entries()) {
		const [kind = '', ...rest] = words;
		const code = Number(parts[index + 1]?.words[1] ?? 1);
		switch (kind) {
			case 'no-manager': {
				return {kind, found: rest[0]};
			}

			case 'not-root': {
				return {kind, user: rest.join(' ')};
			}

			case 'no-sandbox': {
				return {kind, reason: rest.join(' ')};
			}

			case 'update': {
				if (code !== 0) {
					return {kind: 'failed', message: `Failed to update apt cache: ${failureText(body)}`};
				}

				updated = true;
				break;
			}

			case 'cache': {
				cacheTimes.push(Number(rest[0] ?? 0));
				break;
			}

			case 'deb': {
				if (code !== 0) {
					return {kind: 'failed', message: `Unable to install package: ${failureText(body)}`};
				}

				const [name = '', version = '', installed] = body.split('\n')[0]?.split(' ') ?? [];
				deb = {name, version, installed: installed || undefined};
				break;
			}

			case 'dry-run': {
				const [verb, ...specs] = rest;
				dryRuns.push({verb: verb as AptVerb, specs, code, output: body});
				break;
			}

			default:
		}
	}

	return {kind: 'read', updated, cacheTimeBefore: cacheTimes[0] ?? 0, cacheTime: cacheTimes.at(-1) ?? 0, dryRuns, ...(deb && {deb})};
}

const transactionLine = /^(Inst|Remv|Purg) (\S+)(?: \[([^\]]*)\])?(?: \((\S+)[^[]*\[([^\]]+)\]\))?/;

/**
 * The packages an apt-get simulation acts on: `Inst NAME [OLD] (NEW RELEASE [ARCH])` installs or
 * replaces, `Remv NAME [OLD]` removes, `Purg NAME [OLD]` purges (`Purg NAME` alone: only its configuration
 * files were left). Conf lines repeat the Inst ones.
 */
export function parseSimulation(output: string): AptChange[] {
	const changes: AptChange[] = [];
	for (const line of output.split('\n')) {
		const [, verb, name = '', old, version, arch = ''] = transactionLine.exec(line) ?? [];
		if (verb === 'Inst' && version !== undefined) {
			const action = old === undefined ? 'installed' : compareVersions(version, old) < 0 ? 'downgraded' : 'upgraded';
			changes.push({action, name: name.replace(/:[\w-]+$/, ''), arch, version, ...(old !== undefined && {from: old})});
		} else if (verb === 'Remv' || verb === 'Purg') {
			changes.push({action: verb === 'Remv' ? 'removed' : 'purged', name: name.replace(/:[\w-]+$/, ''), arch: /:([\w-]+)$/.exec(name)?.[1] ?? '', version: old ?? ''});
		}
	}

	return changes;
}

const isDigit = (character: string | undefined) => character !== undefined && character >= '0' && character <= '9';

/** The order dpkg gives one character of a non-digit run: ~ before everything, even the end; letters before other signs. */
function order(character: string | undefined): number {
	if (character === undefined || isDigit(character)) {
		return 0;
	}

	if (character === '~') {
		return -1;
	}

	return /[a-z]/i.test(character) ? character.charCodeAt(0) : character.charCodeAt(0) + 256;
}

/** dpkg's comparison of two upstream versions or two revisions: runs of non-digits by `order`, runs of digits as numbers. */
function comparePart(a: string, b: string): number {
	let i = 0;
	let j = 0;
	while (i < a.length || j < b.length) {
		while ((i < a.length && !isDigit(a[i])) || (j < b.length && !isDigit(b[j]))) {
			const difference = order(a[i]) - order(b[j]);
			if (difference !== 0) {
				return difference;
			}

			i++;
			j++;
		}

		while (a[i] === '0') {
			i++;
		}

		while (b[j] === '0') {
			j++;
		}

		let firstDifference = 0;
		while (isDigit(a[i]) && isDigit(b[j])) {
			firstDifference ||= a.charCodeAt(i) - b.charCodeAt(j);
			i++;
			j++;
		}

		if (isDigit(a[i])) {
			return 1;
		}

		if (isDigit(b[j])) {
			return -1;
		}

		if (firstDifference !== 0) {
			return firstDifference;
		}
	}

	return 0;
}

/** Debian's version order ([epoch:]upstream[-revision]), as `dpkg --compare-versions` has it: negative when a is older. */
export function compareVersions(a: string, b: string): number {
	const split = (version: string) => {
		const colon = version.indexOf(':');
		const epoch = colon > 0 ? Number(version.slice(0, colon)) : 0;
		const rest = version.slice(colon + 1);
		const dash = rest.lastIndexOf('-');
		return {epoch, upstream: dash < 0 ? rest : rest.slice(0, dash), revision: dash < 0 ? '' : rest.slice(dash + 1)};
	};

	const left = split(a);
	const right = split(b);
	return (left.epoch - right.epoch) || comparePart(left.upstream, right.upstream) || comparePart(left.revision, right.revision);
}

/** What apt said went wrong: its E: and W: lines, else its last lines. */
export function failureText(output: string): string {
	const lines = output.split('\n').map(line => line.trim()).filter(Boolean);
	const errors = lines.filter(line => /^(E:|Err:|W:|dpkg: error|curl:)/.test(line));
	return (errors.length > 0 ? errors : lines.slice(-5)).join('; ');
}

/** Ansible's words for a package apt cannot find, when apt says so. */
export function missingPackage(output: string): string | undefined {
	const name = /^E: (?:Unable to locate package |Package '?)(\S+?)'?(?: has no installation candidate)?$/m.exec(output)?.[1];
	return name === undefined ? undefined : `No package matching '${name}' is available`;
}
