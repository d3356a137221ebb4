import type {TestFn} from 'ava';
import {ArtifactMirror} from './artifact-mirror.js';
import {type LabArtifacts, labArtifacts} from './fixtures/artifacts.js';
import {labNetwork} from './lab-paths.js';
import type {useLab} from './use-lab.js';

export interface ServedArtifacts {
	readonly artifacts: LabArtifacts;
	readonly mirror: ArtifactMirror;
}

/**
 * The lab's artifacts, built (or found in the cache) before the file's tests and served on the lab
 * bridge until after them. Returns a getter; a test that runs when they could not be served fails
 * saying so. Before hooks run side by side: one that needs the mirror cannot rely on it.
 */
export function useArtifactMirror(test: TestFn, lab: ReturnType<typeof useLab>): () => ServedArtifacts {
	let served: ServedArtifacts | undefined;
	test.before('build the artifacts and serve them on the lab bridge', async t => {
		t.timeout(15 * 60_000, 'the lab artifacts were not built in time');
		const artifacts = await labArtifacts();
		await lab.ready();
		served = {artifacts, mirror: await ArtifactMirror.start(artifacts.directory, labNetwork.bridgeAddress)};
	});
	test.after.always('stop the mirror', async () => {
		await served?.mirror.close();
	});
	return () => {
		if (!served) {
			throw new Error('the artifacts were not built or served (see the failed hook)');
		}

		return served;
	};
}
