/*
 * Which uid or gid useradd and groupadd (shadow 4.13, Debian 12's) give a new account when none is
 * asked for, so that --check and --diff name the id the real run then gets. The ranges come from
 * /etc/login.defs, as the tools read them.
 */

/** /etc/login.defs: `NAME value` lines; comments and blank lines left out. */
export function parseLoginDefs(text: string): Record<string, string> {
	return Object.fromEntries(text.split('\n').flatMap(line => {
		const match = /^\s*([A-Z_]+)\s+(\S+)/.exec(line);
		return match ? [[match[1]!, match[2]!]] : [];
	}));
}

/** `useradd -D`: `NAME=value` lines. */
export function parseUseraddDefaults(text: string): Record<string, string> {
	return Object.fromEntries(text.split('\n').flatMap(line => {
		const at = line.indexOf('=');
		return at > 0 ? [[line.slice(0, at), line.slice(at + 1)]] : [];
	}));
}

function number(defs: Readonly<Record<string, string>>, name: string, fallback: number): number {
	const value = Number(defs[name]);
	return Number.isInteger(value) ? value : fallback;
}

/** getdef_bool: only `yes` (in any case) is true. */
export function defsFlag(defs: Readonly<Record<string, string>>, name: string): boolean {
	return defs[name]?.toLowerCase() === 'yes';
}

export interface IdRange {
	readonly min: number;
	readonly max: number;
	/** The smallest id a preferred id (useradd's gid = uid) may have. */
	readonly preferredMin: number;
}

/** The range new ids are taken from: kind `UID` or `GID`, system accounts or not. */
export function idRange(defs: Readonly<Record<string, string>>, kind: 'UID' | 'GID', system: boolean): IdRange {
	if (system) {
		const max = number(defs, `SYS_${kind}_MAX`, number(defs, `${kind}_MIN`, 1000) - 1);
		return {min: Math.max(1, number(defs, `SYS_${kind}_MIN`, 101)), max, preferredMin: 1};
	}

	const min = number(defs, `${kind}_MIN`, 1000);
	return {min, max: number(defs, `${kind}_MAX`, 60000), preferredMin: min};
}

/**
 * shadow's find_new_uid/find_new_gid: `used` lists the ids in the database's order. A preferred id
 * is taken when free; otherwise system accounts get the first free id below the lowest one in use
 * in the range, others the first free one above the highest; when that runs out of the range, the
 * whole range is searched from its far end. Undefined when no id is free.
 */
export function newId(used: readonly number[], range: IdRange, system: boolean, preferred?: number): number | undefined {
	const taken = new Set(used);
	if (preferred !== undefined && preferred >= range.preferredMin && preferred <= range.max && !taken.has(preferred)) {
		return preferred;
	}

	let lowest = range.max;
	let highest = range.min;
	for (const id of used) {
		if (id <= lowest && id >= range.min) {
			lowest = id - 1;
		}

		if (id >= highest && id <= range.max) {
			highest = id + 1;
		}
	}

	const free = (id: number) => id >= range.min && id <= range.max && !taken.has(id);
	if (system) {
		const start = lowest < range.min ? range.max : lowest;
		for (let id = start; id >= range.min; id--) {
			if (free(id)) {
				return id;
			}
		}

		for (let id = range.max; start !== range.max && id >= range.min; id--) {
			if (free(id)) {
				return id;
			}
		}

		return undefined;
	}

	const start = highest > range.max ? range.min : highest;
	for (let id = start; id <= range.max; id++) {
		if (free(id)) {
			return id;
		}
	}

	for (let id = range.min; start !== range.min && id <= range.max; id++) {
		if (free(id)) {
			return id;
		}
	}

	return undefined;
}
