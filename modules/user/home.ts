import {posix} from 'node:path';
import type {PredictedPath} from '../../engine/host/file-state.js';
import {quoteShell} from '../../engine/shell-words.js';

/*
 * A home directory Ansible's user module makes itself rather than through useradd: one whose
 * parent is missing (useradd cannot make it), or one that went missing after the user was made.
 */

export interface HomeDirectory {
	readonly path: string;
	/** Copied as the new directory; an empty directory when the host has none. */
	readonly skeleton: string;
	/** 0777 less login.defs' UMASK; undefined (mkdir's own) when it sets none. */
	readonly mode: number | undefined;
}

/** The mode of a home made from login.defs' UMASK, as Ansible reads it (`UMASK 022`). */
export function homeMode(loginDefs: Readonly<Record<string, string>>): number | undefined {
	const umask = loginDefs['UMASK'];
	return umask !== undefined && /^\d+$/.test(umask) ? 0o777 & ~Number.parseInt(umask, 8) : undefined;
}

/** The mode useradd -m gives a home: HOME_MODE, else 0777 less UMASK (022 when unset). */
export function useraddHomeMode(loginDefs: Readonly<Record<string, string>>): number {
	const mode = loginDefs['HOME_MODE'];
	return mode !== undefined && /^[0-7]+$/.test(mode) ? Number.parseInt(mode, 8) : homeMode(loginDefs) ?? 0o755;
}

/** The shell that makes `home` as Ansible's create_homedir does, when it is not there. */
export function makeHomeCommand(home: HomeDirectory): string {
	const path = quoteShell(home.path);
	const skeleton = quoteShell(home.skeleton);
	return [
		`if [ ! -e ${path} ]; then`,
		`  if [ -d ${skeleton} ]; then mkdir -p -- ${quoteShell(posix.dirname(home.path))} && cp -a -- ${skeleton} ${path}; else mkdir -p -- ${path}; fi || exit 1`,
		home.mode === undefined ? '' : `  chmod ${home.mode.toString(8)} -- ${path} || exit 1`,
		'fi',
	].filter(Boolean).join('\n');
}

/** A home directory as a later task in check mode should find it. */
export function predictedHome(path: string, mode: number | undefined, owner: string, group: string): PredictedPath {
	return {path, type: 'directory', mode, owner, group};
}
