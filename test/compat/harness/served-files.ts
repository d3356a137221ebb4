import {join} from 'node:path';
import {ArtifactMirror} from '../../lab/artifact-mirror.js';
import type {CompatCase} from './cases.js';

/**
 * Runs `compare` with the case's `serve` folder on an HTTP server of its own (on `address`: the
 * lab bridge's, which lab hosts and this machine reach), its URL given to both tools as the extra
 * variable `mirror_url`; a case without `serve` runs as it is.
 */
export async function withServedFiles<T>(compatCase: CompatCase, address: string, compare: (served: CompatCase) => Promise<T>): Promise<T> {
	if (compatCase.serve === undefined) {
		return compare(compatCase);
	}

	const mirror = await ArtifactMirror.start(join(compatCase.directory, compatCase.serve), address);
	try {
		return await compare({...compatCase, extraVars: [...compatCase.extraVars, `mirror_url=${mirror.url}`]});
	} finally {
		await mirror.close();
	}
}
