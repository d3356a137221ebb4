import {posix} from 'node:path';
import {modprobeDir, modulesLoadDir} from './script.js';

/*
 * The files that load a module at boot (/etc/modules-load.d) and give its parameters
 * (/etc/modprobe.d), read and edited as community.general.modprobe does: a module line is the
 * name alone, an options line holds one `key=value`; persistent: absent comments them out.
 */

function escapeRegExp(text: string): string {
	return text.replaceAll(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function lines(text: string): string[] {
	return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

function moduleLine(name: string): RegExp {
	return new RegExp(`^ *${escapeRegExp(name)} *(?:[#;].*)?\\n?$`);
}

function optionsLine(name: string): RegExp {
	return new RegExp(`^options ${escapeRegExp(name)} (\\w+=\\S+) *(?:[#;].*)?\\n?$`);
}

function filesIn(files: ReadonlyMap<string, string>, directory: string): Array<[string, string]> {
	return [...files].filter(([path]) => posix.dirname(path) === directory);
}

/** Whether a file in /etc/modules-load.d loads the module. */
export function loadedAtBoot(files: ReadonlyMap<string, string>, name: string): boolean {
	return filesIn(files, modulesLoadDir).some(([, text]) => lines(text).some(line => moduleLine(name).test(line)));
}

/** The `key=value` parameters /etc/modprobe.d gives the module. */
export function persistedParams(files: ReadonlyMap<string, string>, name: string): Set<string> {
	return new Set(filesIn(files, modprobeDir).flatMap(([, text]) => lines(text).flatMap(line => optionsLine(name).exec(line)?.[1] ?? [])));
}

/** Each file with the lines `pattern` matches commented out; only the files that change. */
function commentOut(files: ReadonlyMap<string, string>, directory: string, pattern: RegExp): Map<string, string> {
	const edited = new Map<string, string>();
	for (const [path, text] of filesIn(files, directory)) {
		const after = lines(text).map(line => (pattern.test(line) ? `#${line}` : line)).join('');
		if (after !== text) {
			edited.set(path, after);
		}
	}

	return edited;
}

/** The files to write (path -> text) for `persistent`, given the params wanted; empty when they are as wanted. */
export function persistenceEdits(files: ReadonlyMap<string, string>, name: string, params: readonly string[], persistent: 'present' | 'absent'): Map<string, string> {
	const atBoot = loadedAtBoot(files, name);
	const current = persistedParams(files, name);
	const wanted = new Set(params);
	const paramsSet = current.size === wanted.size && [...wanted].every(param => current.has(param));
	if (persistent === 'present') {
		const edits = new Map<string, string>();
		if (!atBoot) {
			edits.set(posix.join(modulesLoadDir, `${name}.conf`), `${name}\n`);
		}

		if (!paramsSet) {
			for (const [path, text] of commentOut(files, modprobeDir, optionsLine(name))) {
				edits.set(path, text);
			}

			edits.set(posix.join(modprobeDir, `${name}.conf`), `${params.map(param => `options ${name} ${param}`).join('\n')}\n`);
		}

		return edits;
	}

	return new Map([...commentOut(files, modulesLoadDir, moduleLine(name)), ...(current.size > 0 ? commentOut(files, modprobeDir, optionsLine(name)) : [])]);
}
