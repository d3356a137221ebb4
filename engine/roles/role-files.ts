import {statSync} from 'node:fs';
import {isAbsolute, join, resolve} from 'node:path';

/** The folders of a role pb reads, each holding a main file (or the one named by *_from). */
export type RoleFolder = 'tasks' | 'handlers' | 'defaults' | 'vars' | 'meta';

function isFile(path: string): boolean {
	return statSync(path, {throwIfNoEntry: false})?.isFile() ?? false;
}

/**
 * The file of `folder` to read, or undefined when the role has none. As Ansible: `main` is
 * tried as main.yml, main.yaml, main.json, then main; a name given with tasks_from and the like
 * is tried as written first, then with those extensions.
 */
export function roleFile(rolePath: string, folder: RoleFolder, from?: string): string | undefined {
	const extensions = from === undefined ? ['.yml', '.yaml', '.json', ''] : ['', '.yml', '.yaml', '.json'];
	const base = join(rolePath, folder, from ?? 'main');
	return extensions.map(extension => `${base}${extension}`).find(path => isFile(path));
}

/**
 * An import_tasks or include_tasks file: inside a role, its tasks/ folder first, as Ansible
 * looks; then the folder of the file naming it.
 */
export function taskFilePath(path: string, dir: string, rolePath: string | undefined): string {
	const inRole = rolePath === undefined || isAbsolute(path) ? undefined : join(rolePath, 'tasks', path);
	return inRole !== undefined && isFile(inRole) ? inRole : resolve(dir, path);
}
