import {mkdtemp, readdir, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {ArtifactMirror} from '../lab/artifact-mirror.js';
import {labArtifacts} from '../lab/fixtures/artifacts.js';
import {writeLabPlaybookVars} from '../lab/fixtures/playbook-vars.js';
import {labNetwork} from '../lab/lab-paths.js';
import {useLab} from '../lab/use-lab.js';
import {labRuns} from '../helpers/lab-runs.js';

/*
 * An air-gapped controller: `pb artifacts pull` fills the cache where the mirror is reachable,
 * export and import carry it, and containerd.yml then completes on a fresh host with the mirror
 * gone. Offline, a missing artifact stops the run before any host is changed.
 */

const lab = useLab(test, {hosts: 1});
let cache = '';
const {pb, sh, snapshotAll, assertUnchanged} = labRuns(lab, () => ({PB_CACHE_DIR: cache}));

test.serial('offline: a missing artifact stops the run before any host changes; after pull, export and import, containerd.yml completes with the mirror stopped', async t => {
	t.timeout(15 * 60_000);
	const artifacts = await labArtifacts();
	const scratch = await mkdtemp(join(tmpdir(), 'pb-offline-'));
	const mirror = await ArtifactMirror.start(artifacts.directory, labNetwork.bridgeAddress);
	try {
		const vars = await writeLabPlaybookVars(scratch, artifacts, mirror.url);
		const run = ['run', 'playbooks/containerd.yml', '-i', lab().inventoryPath, '-e', `@${vars}`];

		cache = join(scratch, 'empty-cache');
		const snapshots = await snapshotAll();
		const refused = await pb([...run, '--offline']);
		t.not(refused.code, 0);
		t.regex(refused.stderr, /the run is offline, and the controller's cache lacks what it would download:/);
		t.regex(refused.stderr, /containerd-1\.6\.20-linux-amd64\.tar\.gz \(containerd : containerd 1\.6\.20 release, amd64\)/);
		t.regex(refused.stderr, /runc\.amd64 \(containerd : runc 1\.1\.5, amd64\)/);
		await assertUnchanged(t, snapshots);

		cache = join(scratch, 'online-cache');
		const pulled = await pb(['artifacts', 'pull', 'playbooks/containerd.yml', '-i', lab().inventoryPath, '-e', `@${vars}`]);
		t.is(pulled.code, 0, pulled.stderr);
		t.regex(pulled.stdout, /3 artifact\(s\) in the controller's cache/);
		const exported = await pb(['artifacts', 'export', join(scratch, 'cache.tar')]);
		t.is(exported.code, 0, exported.stderr);

		cache = join(scratch, 'air-gapped-cache');
		const imported = await pb(['artifacts', 'import', join(scratch, 'cache.tar')]);
		t.is(imported.code, 0, imported.stderr);
		t.is((await readdir(join(cache, 'sha256'))).length, 3);
		const requestsBefore = mirror.requests.length;
		await mirror.close();

		const offline = await pb([...run, '--offline']);
		t.is(offline.code, 0, offline.stdout + offline.stderr);
		t.is(mirror.requests.length, requestsBefore);
		const host = lab().hosts[0]!;
		t.is((await sh(t, host, 'systemctl is-active containerd; systemctl is-enabled containerd')).trim(), 'active\nenabled');
	} finally {
		await mirror.close().catch(() => undefined);
		await rm(scratch, {recursive: true, force: true});
	}
});
