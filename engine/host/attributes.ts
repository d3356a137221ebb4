import {quoteShell} from '../shell-words.js';
import {type Attributes, HostFileError, type HostRunner} from './file-state.js';

/*
 * A file's mode, owner and group: reading them from parameters, comparing them, showing them in a
 * diff, and the commands that set them.
 */

/** The argument chown takes for these (owner, owner:group or :group), or undefined when neither is set. */
export function ownership(owner: string | undefined, group: string | undefined): string | undefined {
	if (owner !== undefined) {
		return group === undefined ? owner : `${owner}:${group}`;
	}

	return group === undefined ? undefined : `:${group}`;
}

/**
 * Reads a `mode` parameter. An int is the mode itself, as the YAML 1.1 loader reads `0644`
 * (420); a string is octal digits, with or without the leading 0 ('0644', '644', '0o644').
 */
export function parseMode(value: unknown): number {
	if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 0o7777) {
		// `mode: 644` without the 0 is the decimal 644 (0o1204): always a slip, never meant.
		if (value > 0o777 && value <= 777 && /^[0-7]+$/.test(String(value))) {
			throw new Error(`mode ${value} is the decimal number ${value} (octal ${value.toString(8)}); write mode: '0${value}' or mode: 0${value}`);
		}

		return value;
	}

	if (typeof value === 'string' && /^(?:0o)?[0-7]{1,4}$/.test(value)) {
		return Number.parseInt(value.replace(/^0o/, ''), 8);
	}

	throw new Error(`mode must be octal permissions like '0644' (a quoted string) or 0644, got ${JSON.stringify(value)} (${typeof value})`);
}

/** The mode, owner and group a task's parameters ask for (mode as parseMode reads it). */
export function wantedAttributes(params: {readonly mode?: unknown; readonly owner?: string | undefined; readonly group?: string | undefined}): Attributes {
	return {mode: params.mode === undefined ? undefined : parseMode(params.mode), owner: params.owner, group: params.group};
}

/** A mode as people write it: 0644, 4755. */
export function formatMode(mode: number): string {
	return mode.toString(8).padStart(4, '0');
}

/** Whether a wanted owner or group (a name or a numeric id) is the one a file has. */
export function sameOwner(wanted: string, id: number, name: string): boolean {
	return /^\d+$/.test(wanted) ? Number(wanted) === id : wanted === name;
}

/** The wanted attributes that an existing file does not have yet. */
export function attributeChanges(current: {readonly mode: number; readonly uid: number; readonly gid: number; readonly owner: string; readonly group: string}, wanted: Attributes): Attributes {
	return {
		...(wanted.mode !== undefined && wanted.mode !== current.mode ? {mode: wanted.mode} : {}),
		...(wanted.owner !== undefined && !sameOwner(wanted.owner, current.uid, current.owner) ? {owner: wanted.owner} : {}),
		...(wanted.group !== undefined && !sameOwner(wanted.group, current.gid, current.group) ? {group: wanted.group} : {}),
	};
}

/** The current values of the attributes named in `changes` (the 'before' of a diff). */
export function currentAttributes(current: {readonly mode: number; readonly owner: string; readonly group: string}, changes: Attributes): Attributes {
	return {
		mode: changes.mode === undefined ? undefined : current.mode,
		owner: changes.owner === undefined ? undefined : current.owner,
		group: changes.group === undefined ? undefined : current.group,
	};
}

/** `mode: 0644` / `owner: root` lines for a before/after diff; unset attributes are left out. */
export function attributeLines(attributes: Attributes): string {
	return [
		attributes.mode === undefined ? '' : `mode: ${formatMode(attributes.mode)}\n`,
		attributes.owner === undefined ? '' : `owner: ${attributes.owner}\n`,
		attributes.group === undefined ? '' : `group: ${attributes.group}\n`,
	].join('');
}

/** Shell commands giving `path` these attributes; `recurse`: also everything beneath it. */
export function attributeCommands(path: string, attributes: Attributes, options: {readonly recurse?: boolean; readonly ofLink?: boolean; readonly shellWord?: string} = {}): string[] {
	const recurse = options.recurse ? '-R ' : '';
	const owners = ownership(attributes.owner, attributes.group);
	// shellWord: the path as a shell expression instead (a loop's "$d").
	const target = options.shellWord ?? quoteShell(path);
	return [
		// Owners before mode: chown clears setuid bits. -h: a link's own owner, not its target's.
		owners === undefined ? '' : `chown ${options.ofLink ? '-h ' : ''}${recurse}${quoteShell(owners)} -- ${target}`,
		attributes.mode === undefined ? '' : `chmod ${recurse}${attributes.mode.toString(8)} -- ${target}`,
	].filter(Boolean);
}

/** Sets mode, owner and group of `path` in one round trip. */
export async function setAttributes(ctx: HostRunner, path: string, attributes: Attributes): Promise<void> {
	const result = await ctx.run(attributeCommands(path, attributes).join(' && '), {inline: true});
	if (result.code !== 0) {
		throw new HostFileError(ctx.host, path, `cannot set ${attributeLines(attributes).trim().replaceAll('\n', ', ')} on ${path} on ${ctx.host}`, result.stderr);
	}
}
