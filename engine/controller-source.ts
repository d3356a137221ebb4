import {stat} from 'node:fs/promises';
import {isAbsolute, join} from 'node:path';

/** The folders a task's relative paths start from: its role's, its own file's, then its playbook's. */
export interface SourceDirs {
	readonly roleDir?: string | undefined;
	readonly playbookDir: string;
	readonly playDir?: string | undefined;
}

/**
 * Where a module's relative `src` is on the controller, as Ansible looks: for a role's task, in
 * `folder` (files/ for copy, templates/ for template) of the role, then in the role's folder;
 * then the same beside the task's file; then beside the playbook, when the task came from a
 * task file it imports from elsewhere.
 */
export function sourceCandidates(dirs: SourceDirs, folder: string, src: string): string[] {
	const roots = [...new Set([...(dirs.roleDir === undefined ? [] : [dirs.roleDir]), dirs.playbookDir, dirs.playDir ?? dirs.playbookDir])];
	return isAbsolute(src) ? [src] : roots.flatMap(root => [join(root, folder, src), join(root, src)]);
}

/** The first of sourceCandidates that exists; an error naming them all when none does. */
export async function findSource(dirs: SourceDirs, folder: string, src: string, module: string): Promise<string> {
	const candidates = sourceCandidates(dirs, folder, src);
	for (const candidate of candidates) {
		const info = await stat(candidate).catch(() => undefined);
		if (info?.isDirectory()) {
			throw new Error(`src ${candidate} is a directory; ${module} takes one file: name a file in src`);
		}

		if (info) {
			return candidate;
		}
	}

	throw new Error(`src ${src} not found on the controller; looked for ${candidates.slice(0, -1).join(', ')}${candidates.length > 1 ? ' and ' : ''}${candidates.at(-1)}`);
}
