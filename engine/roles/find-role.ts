import {statSync} from 'node:fs';
import {basename, join, resolve} from 'node:path';

/*
 * Where a role named in a play is, looked for as ansible-playbook 2.14 does: roles/ beside the
 * playbook, the roles path, the folder of the role that depends on it (for meta dependencies),
 * the playbook's own folder; and last the name as a path.
 */

/** The folders searched for `name/`, in order. */
export function roleSearchDirs(playDir: string, rolesPath: readonly string[], dependentRoleDir?: string): string[] {
	return [...new Set([join(playDir, 'roles'), ...rolesPath, ...(dependentRoleDir === undefined ? [] : [dependentRoleDir]), playDir])];
}

function isDirectory(path: string): boolean {
	return statSync(path, {throwIfNoEntry: false})?.isDirectory() ?? false;
}

/** The role's name and folder, or undefined when no searched folder holds it. */
export function findRole(name: string, searchDirs: readonly string[]): {name: string; path: string} | undefined {
	// A path found from a searched folder (an absolute one from the first) keeps its name as written, as in Ansible.
	for (const dir of searchDirs) {
		const path = resolve(dir, name);
		if (isDirectory(path)) {
			return {name, path};
		}
	}

	// Else a path from the current directory: named for its folder.
	const path = resolve(name);
	return isDirectory(path) ? {name: basename(path), path} : undefined;
}
