/* What the package modules (apt, yum/dnf) read from their managers alike: the packages a transaction acts on, a dry run's output, the read's marked sections. */

/** One package a transaction acts on. */
export interface PackageChange<Action extends string> {
	readonly action: Action;
	readonly name: string;
	readonly arch: string;
	/** The version after the transaction; for a removal, the version removed. */
	readonly version: string;
	/** The version it replaces, when the manager says. */
	readonly from?: string | undefined;
}

/** A dry run of one command of the manager: which specs, its exit code and what it printed. */
export interface DryRun<Verb extends string> {
	readonly verb: Verb;
	readonly specs: readonly string[];
	readonly code: number;
	readonly output: string;
}

/** The output split at lines starting with `marker`: each marker line's words and the lines up to the next one. */
export function markedSections(stdout: string, marker: string): Array<{words: string[]; body: string}> {
	const result: Array<{words: string[]; body: string[]}> = [];
	for (const line of stdout.split('\n')) {
		if (line.startsWith(`${marker} `)) {
			result.push({words: line.slice(marker.length + 1).split(' ').filter(Boolean), body: []});
		} else {
			result.at(-1)?.body.push(line);
		}
	}

	return result.map(({words, body}) => ({words, body: body.join('\n').trim()}));
}
