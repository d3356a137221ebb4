import {spawn} from 'node:child_process';
import {createHash} from 'node:crypto';
import {mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import * as tar from 'tar';
import {ArtifactMirror} from '../lab/artifact-mirror.js';
import {pbAsync, pbCli, repoRoot} from '../helpers/playbook-run.js';

/*
 * Many controllers share one artifact cache, mounted read-only (docs/scale-out.md): what
 * `pb artifacts pull` leaves must be all that a run and --check need, and a run must write
 * nothing there. The cache is made really read-only: a read-only bind mount in a mount namespace
 * of pb's own (chmod would not stop root).
 */

/** Mounts `cache` read-only over itself, proves it cannot be written, and runs pb there. */
const readOnlyRun = `set -e
mount --make-rprivate /
mount --bind "$1" "$1"
mount -o remount,bind,ro "$1"
if touch "$1/probe" 2>/dev/null; then echo "$1 is still writable" >&2; exit 97; fi
shift
exec "$@"`;

async function pbReadOnly(cache: string, args: readonly string[]): Promise<{code: number; output: string}> {
	const child = spawn('unshare', ['--mount', 'sh', '-c', readOnlyRun, 'sh', cache, process.execPath, pbCli, ...args], {
		cwd: repoRoot, env: {...process.env, FORCE_COLOR: '0', PB_CACHE_DIR: cache}, stdio: ['ignore', 'pipe', 'pipe'],
	});
	const output: Buffer[] = [];
	child.stdout.on('data', (chunk: Buffer) => output.push(chunk));
	child.stderr.on('data', (chunk: Buffer) => output.push(chunk));
	const code = await new Promise<number>(resolve => child.on('close', status => resolve(status ?? -1)));
	return {code, output: Buffer.concat(output).toString('utf8')};
}

/** Every file under `directory`, with its bytes and mtime: what a run must leave as it was. */
async function contents(directory: string): Promise<Record<string, string>> {
	const listing: Record<string, string> = {};
	for (const name of await readdir(directory, {recursive: true})) {
		const path = join(directory, name);
		const info = await stat(path);
		listing[name] = info.isFile() ? `${info.mtimeMs} ${createHash('sha256').update(await readFile(path)).digest('hex')}` : 'directory';
	}

	return listing;
}

const playbook = `
- hosts: all
  gather_facts: false
  tasks:
    - name: out
      file:
        path: "{{ out }}"
        state: directory
    - name: the tool's archive
      download:
        url: "{{ mirror }}/tool-1.0.tar.gz"
        checksum: "sha256:{{ mirror }}/SHA256SUMS"
        dest: "{{ out }}/"
    - name: the tool in out/tree
      untar:
        src: "{{ out }}/tool-1.0.tar.gz"
        dest: "{{ out }}/tree"
        create_dest: true
`;

test('a run, offline or not, and --check use a cache that pull filled and that is mounted read-only, and write nothing to it; without stamps and member lists they work them out; a missing artifact is named', async t => {
	t.timeout(3 * 60_000);
	const scratch = await mkdtemp(join(tmpdir(), 'pb-read-only-cache-'));
	const served = join(scratch, 'mirror');
	await mkdir(join(scratch, 'tool/bin'), {recursive: true});
	await writeFile(join(scratch, 'tool/bin/tool'), '#!/bin/sh\necho tool 1.0\n', {mode: 0o755});
	await writeFile(join(scratch, 'tool/README'), 'the tool\n');
	await mkdir(served);
	await tar.create({gzip: true, file: join(served, 'tool-1.0.tar.gz'), cwd: join(scratch, 'tool')}, ['bin', 'README']);
	const sum = createHash('sha256').update(await readFile(join(served, 'tool-1.0.tar.gz'))).digest('hex');
	await writeFile(join(served, 'SHA256SUMS'), `${sum}  tool-1.0.tar.gz\n`);
	const mirror = await ArtifactMirror.start(served, '127.0.0.1');
	t.teardown(async () => {
		await mirror.close();
		await rm(scratch, {recursive: true, force: true});
	});

	await writeFile(join(scratch, 'play.yml'), playbook);
	await writeFile(join(scratch, 'hosts'), 'local ansible_connection=local\n');
	const cache = join(scratch, 'cache');
	const run = (out: string) => ['run', join(scratch, 'play.yml'), '-i', join(scratch, 'hosts'), '-e', `mirror=${mirror.url} out=${join(scratch, out)}`];

	const pulled = await pbAsync(['artifacts', 'pull', join(scratch, 'play.yml'), '-i', join(scratch, 'hosts'), '-e', `mirror=${mirror.url} out=${join(scratch, 'pulled')}`], {PB_CACHE_DIR: cache});
	t.is(pulled.code, 0, pulled.stdout + pulled.stderr);
	const filled = await contents(cache);
	t.true(Object.keys(filled).some(name => name.startsWith('members/')), `pull lists the archive's members: ${Object.keys(filled).join(', ')}`);

	const check = await pbReadOnly(cache, [...run('checked'), '--check']);
	t.is(check.code, 0, check.output);
	t.regex(check.output, /changed=3/);
	const real = await pbReadOnly(cache, [...run('out'), '--offline']);
	t.is(real.code, 0, real.output);
	t.is(await readFile(join(scratch, 'out/tree/bin/tool'), 'utf8'), '#!/bin/sh\necho tool 1.0\n');
	t.deepEqual(await contents(cache), filled, 'the runs wrote nothing to the cache');

	// A cache brought in otherwise (import, a copy) lacks pull's stamps and member lists.
	await rm(join(cache, 'verified'), {recursive: true});
	await rm(join(cache, 'members'), {recursive: true});
	const bare = await contents(cache);
	const again = await pbReadOnly(cache, [...run('again'), '--offline']);
	t.is(again.code, 0, again.output);
	t.is(await readFile(join(scratch, 'again/tree/README'), 'utf8'), 'the tool\n');
	t.deepEqual(await contents(cache), bare);

	await rm(join(cache, 'sha256'), {recursive: true});
	const missing = await pbReadOnly(cache, run('missing'));
	t.not(missing.code, 0);
	t.regex(missing.output, /tool-1\.0\.tar\.gz is not in the controller's cache at .*, and this process cannot write there \(EROFS\)/);
	t.regex(missing.output, /pb artifacts pull/);
});
