import {mkdtemp, mkdir, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

/** The fixtures folder in the source tree (tests run from dist/test/inventory/). */
export const fixtures = fileURLToPath(new URL('../../../../test/inventory/fixtures/', import.meta.url));

/** Writes files (relative path -> text) into a new temporary directory and returns its path. */
export async function writeInventory(files: Readonly<Record<string, string>>): Promise<string> {
	const dir = await mkdtemp(path.join(tmpdir(), 'pb-inventory-'));
	for (const [name, text] of Object.entries(files)) {
		await mkdir(path.dirname(path.join(dir, name)), {recursive: true});
		await writeFile(path.join(dir, name), text);
	}

	return dir;
}
