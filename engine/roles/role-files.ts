import {readdirSync, statSync} from 'node:fs';
import {extname, isAbsolute, join, resolve} from 'node:path';

/** The folders of a role pb reads, each holding a main file (or the one named by *_from). */
export type RoleFolder = 'tasks' | 'handlers' | 'defaults' | 'vars' | 'meta';

function isFile(path: string): boolean {
	return statSync(path, {throwIfNoEntry: false})?.isFile() ?? false;
}

/** As Ansible: `main` is tried as main.yml, main.yaml, main.json, then main; a *_from name as written first. */
function candidates(rolePath: string, folder: RoleFolder, from: string | undefined): string[] {
	const extensions = from === undefined ? ['.yml', '.yaml', '.json', ''] : ['', '.yml', '.yaml', '.json'];
	const base = join(rolePath, folder, from ?? 'main');
	return extensions.map(extension => `${base}${extension}`);
}

/** The file of `folder` to read (tasks, handlers, meta), or undefined when the role has none. */
export function roleFile(rolePath: string, folder: RoleFolder, from?: string): string | undefined {
	return candidates(rolePath, folder, from).find(path => isFile(path));
}

/** Every variables file below a folder, in name order, as Ansible reads a vars/main/ folder. */
function filesBelow(dir: string): string[] {
	return readdirSync(dir, {withFileTypes: true})
		.filter(entry => !entry.name.startsWith('.') && !entry.name.endsWith('~'))
		.sort((a, b) => a.name.localeCompare(b.name))
		.flatMap(entry => (entry.isDirectory() ? filesBelow(join(dir, entry.name)) : ['.yml', '.yaml', '.json', ''].includes(extname(entry.name)) ? [join(dir, entry.name)] : []));
}

/**
 * The files of vars/ or defaults/ to read, merged in order: main.yml and the like, or a folder
 * of that name whose files are all read (vars/main/*.yml), as Ansible allows for variables.
 */
export function roleVariableFiles(rolePath: string, folder: 'vars' | 'defaults', from?: string): string[] {
	for (const path of candidates(rolePath, folder, from)) {
		const info = statSync(path, {throwIfNoEntry: false});
		if (info?.isDirectory()) {
			return filesBelow(path);
		}

		if (info?.isFile()) {
			return [path];
		}
	}

	return [];
}

/**
 * An import_tasks or include_tasks file: inside a role, its tasks/ folder first, as Ansible
 * looks; then the folder of the file naming it.
 */
export function taskFilePath(path: string, dir: string, rolePath: string | undefined): string {
	const inRole = rolePath === undefined || isAbsolute(path) ? undefined : join(rolePath, 'tasks', path);
	return inRole !== undefined && isFile(inRole) ? inRole : resolve(dir, path);
}
