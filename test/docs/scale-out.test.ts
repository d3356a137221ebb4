import {readdir, readFile} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import {loadAll, load} from 'js-yaml';
import {Job} from 'kubernetes-models/batch/v1/Job';
import {PersistentVolumeClaim} from 'kubernetes-models/v1/PersistentVolumeClaim';
import type {IContainer} from 'kubernetes-models/v1/Container';
import type {IVolume} from 'kubernetes-models/v1/Volume';
import {repoRoot} from '../helpers/playbook-run.js';

/*
 * The examples of docs/scale-out.md are the files users copy: each Kubernetes manifest is valid
 * against Kubernetes' schemas (kubernetes-models), and both examples hold together: the slice
 * count given to --slice is the Job's parallelism and completions, or the CI matrix's slices; the
 * cache is mounted read-only wherever pb runs a slice; the merge reads every slice.
 */

const examples = join(repoRoot, 'docs/scale-out');

/** The schema each kind of the manifests is checked against, by apiVersion and kind. */
const models: Readonly<Record<string, (object: object) => {validate(): void}>> = {
	'batch/v1 Job': object => new Job(object),
	'v1 PersistentVolumeClaim': object => new PersistentVolumeClaim(object),
};

interface Manifest {
	readonly file: string;
	readonly apiVersion: string;
	readonly kind: string;
	readonly metadata: {readonly name: string};
	readonly spec: Record<string, unknown>;
}

async function manifests(): Promise<Manifest[]> {
	const directory = join(examples, 'kubernetes');
	const all: Manifest[] = [];
	for (const file of (await readdir(directory)).filter(name => name.endsWith('.yaml')).sort()) {
		for (const document of loadAll(await readFile(join(directory, file), 'utf8'))) {
			all.push({file, ...document as Omit<Manifest, 'file'>});
		}
	}

	return all;
}

function jobNamed(all: readonly Manifest[], name: string): Job {
	const found = all.find(manifest => manifest.kind === 'Job' && manifest.metadata.name === name);
	if (!found) {
		throw new Error(`no Job ${name} among the manifests`);
	}

	return jobOf(found);
}

/** The manifest read as a Job; its schema is checked apart, by validate(). */
function jobOf(manifest: Manifest): Job {
	return new Job(manifest as object);
}

/** The claim a container's mount at `path` reads, and whether the mount and the volume are read-only. */
function mountAt(job: Job, container: IContainer, path: string): {claim: string | undefined; secret: string | undefined; readOnly: boolean} {
	const mount = container.volumeMounts?.find(candidate => candidate.mountPath === path);
	const volume: IVolume | undefined = job.spec?.template.spec?.volumes?.find(candidate => candidate.name === mount?.name);
	if (!mount || !volume) {
		throw new Error(`${job.metadata?.name}: container ${container.name} mounts no volume at ${path}`);
	}

	return {
		claim: volume.persistentVolumeClaim?.claimName,
		secret: volume.secret?.secretName,
		readOnly: mount.readOnly === true && volume.persistentVolumeClaim?.readOnly === true,
	};
}

function onlyContainer(job: Job): IContainer {
	const containers = job.spec?.template.spec?.containers ?? [];
	if (containers.length !== 1) {
		throw new Error(`${job.metadata?.name}: expected one container, found ${containers.length}`);
	}

	return containers[0]!;
}

function commandOf(container: IContainer): string {
	return [...container.command ?? [], ...container.args ?? []].join(' ');
}

function envOf(container: IContainer, name: string): string | undefined {
	return container.env?.find(variable => variable.name === name)?.value;
}

test('every Kubernetes manifest of docs/scale-out is valid against Kubernetes\' schemas, and the doc shows each file', async t => {
	const all = await manifests();
	t.true(all.length >= 5, `manifests: ${all.map(manifest => `${manifest.file} ${manifest.kind}`).join(', ')}`);
	const doc = await readFile(join(repoRoot, 'docs/scale-out.md'), 'utf8');
	for (const manifest of all) {
		const model = models[`${manifest.apiVersion} ${manifest.kind}`];
		t.truthy(model, `${manifest.file}: ${manifest.apiVersion} ${manifest.kind} has no schema in this test`);
		t.notThrows(() => model?.(manifest).validate(), `${manifest.file}: ${manifest.kind} ${manifest.metadata.name}`);
		t.true(doc.includes(`scale-out/kubernetes/${manifest.file}`), `docs/scale-out.md links ${manifest.file}`);
	}
});

test('the schemas catch a broken manifest: the check is not one that cannot fail', async t => {
	const all = await manifests();
	const run = all.find(manifest => manifest.metadata.name === 'pb-run')!;
	const broken = structuredClone(run) as Manifest & {spec: {completionMode: string; template: {spec: {containers?: unknown}}}};
	broken.spec.completionMode = 'Sliced';
	t.throws(() => jobOf(broken).validate(), {message: /completionMode/});
	broken.spec.completionMode = 'Indexed';
	delete broken.spec.template.spec.containers;
	t.throws(() => jobOf(broken).validate(), {message: /containers/});
});

test('the Indexed Job runs slice JOB_COMPLETION_INDEX + 1 of N in N pods at once, on the cache read-only, with the inventory and keys from the Secret', async t => {
	const all = await manifests();
	const run = jobNamed(all, 'pb-run');
	t.is(run.spec?.completionMode, 'Indexed');
	const pb = onlyContainer(run);
	const script = commandOf(pb);
	t.regex(script, /slice=\$\(\(JOB_COMPLETION_INDEX \+ 1\)\)/);
	const count = Number(/--slice "\$slice\/(\d+)"/.exec(script)?.[1]);
	t.true(count > 1, script);
	t.is(run.spec?.parallelism, count);
	t.is(run.spec?.completions, count);
	t.regex(script, /--json > "\/results\/slice-\$slice\.json"/);

	const cache = mountAt(run, pb, envOf(pb, 'PB_CACHE_DIR') ?? '');
	t.deepEqual(cache, {claim: 'pb-artifacts', secret: undefined, readOnly: true});
	t.is(mountAt(run, pb, '/results').claim, 'pb-results');
	t.is(mountAt(run, pb, '/etc/pb').secret, 'pb-inventory');
	t.is(mountAt(run, pb, '/root/.ssh/known_hosts').secret, 'pb-inventory');
	t.regex(script, /-i \/etc\/pb\/hosts /);
	t.is(envOf(pb, 'ANSIBLE_PRIVATE_KEY_FILE'), '/etc/pb/id_ed25519');
});

test('the cache is filled by pb artifacts pull in a Job of its own, the only one that writes it; the merge reads the run\'s streams', async t => {
	const all = await manifests();
	const claims = all.filter(manifest => manifest.kind === 'PersistentVolumeClaim').map(manifest => manifest.metadata.name).sort();
	t.deepEqual(claims, ['pb-artifacts', 'pb-results']);

	const pull = jobNamed(all, 'pb-artifacts-pull');
	const puller = onlyContainer(pull);
	t.regex(commandOf(puller), /^pb artifacts pull playbooks\/containerd\.yml -i \/etc\/pb\/hosts/);
	t.deepEqual(mountAt(pull, puller, envOf(puller, 'PB_CACHE_DIR') ?? ''), {claim: 'pb-artifacts', secret: undefined, readOnly: false});
	t.is(mountAt(pull, puller, '/etc/pb').secret, 'pb-inventory');
	const writers = all.filter(manifest => manifest.kind === 'Job').map(jobOf).filter(job => (job.spec?.template.spec?.volumes ?? [])
		.some(volume => volume.persistentVolumeClaim?.claimName === 'pb-artifacts' && volume.persistentVolumeClaim.readOnly !== true));
	t.deepEqual(writers.map(job => job.metadata?.name), ['pb-artifacts-pull']);

	const merge = jobNamed(all, 'pb-report-merge');
	const merger = onlyContainer(merge);
	t.regex(commandOf(merger), /pb report merge \/results\/slice-\*\.json/);
	t.deepEqual(mountAt(merge, merger, '/results'), {claim: 'pb-results', secret: undefined, readOnly: true});
});

interface Workflow {
	readonly jobs: Record<string, {
		readonly needs?: string | string[];
		readonly strategy?: {readonly matrix?: {readonly slice?: unknown}};
		readonly steps: Array<{readonly run?: string; readonly uses?: string; readonly with?: Record<string, unknown>}>;
	}>;
}

test('the CI matrix runs slices 1 to N of the --slice it passes, offline from the cache the artifacts job pulled, and the merge job needs them all', async t => {
	const workflow = load(await readFile(join(examples, 'github/pb-slices.yml'), 'utf8')) as Workflow;
	const doc = await readFile(join(repoRoot, 'docs/scale-out.md'), 'utf8');
	t.true(doc.includes('scale-out/github/pb-slices.yml'));
	const {artifacts, run, merge} = workflow.jobs;
	const runs = (job: typeof run) => (job?.steps ?? []).map(step => step.run ?? '').join('\n');

	t.regex(runs(artifacts), /artifacts pull playbooks\/containerd\.yml/);
	const slice = /--slice "\$\{\{ matrix\.slice \}\}\/(\d+)"/.exec(runs(run));
	const count = Number(slice?.[1]);
	t.true(count > 1, runs(run));
	t.deepEqual(run?.strategy?.matrix?.slice, Array.from({length: count}, (_, index) => index + 1));
	t.regex(runs(run), /--offline/);
	t.deepEqual([run?.needs].flat(), ['artifacts']);
	const restored = run?.steps.find(step => step.uses?.startsWith('actions/cache/restore@'));
	const saved = artifacts?.steps.find(step => step.uses?.startsWith('actions/cache@'));
	t.is(restored?.with?.['key'], saved?.with?.['key']);
	t.is(restored?.with?.['fail-on-cache-miss'], true);

	t.true([merge?.needs].flat().includes('run'), 'the merge job waits for every slice of the matrix');
	t.regex(runs(merge), /report merge slices\/slice-\*\.json/);
});
