import {stat} from 'node:fs/promises';
import {isAbsolute, join} from 'node:path';

/**
 * Where a module's relative `src` is on the controller: in the playbook's `folder` (files/ for
 * copy, templates/ for template) first, then beside the playbook, as Ansible looks.
 */
export async function findSource(playbookDir: string, folder: string, src: string, module: string): Promise<string> {
	const candidates = isAbsolute(src) ? [src] : [join(playbookDir, folder, src), join(playbookDir, src)];
	for (const candidate of candidates) {
		const info = await stat(candidate).catch(() => undefined);
		if (info?.isDirectory()) {
			throw new Error(`src ${candidate} is a directory; ${module} takes one file: name a file in src`);
		}

		if (info) {
			return candidate;
		}
	}

	throw new Error(`src ${src} not found on the controller; looked for ${candidates.join(' and ')}`);
}
