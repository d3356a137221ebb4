import {execFileSync} from 'node:child_process';
import {chmod, mkdir, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {workspace} from '../../helpers/playbook-run.js';
import {ArtifactMirror} from '../../lab/artifact-mirror.js';
import {labNetwork} from '../../lab/lab-paths.js';
import {useLab} from '../../lab/use-lab.js';
import {sha256} from '../download-fixtures.js';
import {labRuns, rejectedBeforeContact} from '../../helpers/lab-runs.js';

/*
 * download and untar on real Debian hosts, through pb's command line, fetching from the lab's
 * artifact mirror on the bridge. pb runs as a child process while the mirror answers in this
 * one, so it is started without blocking.
 */

const lab = useLab(test, {hosts: 3});
let cache: string;
const {runJson, sh, snapshotAll, assertUnchanged, checkDiffOn} = labRuns(lab, () => ({PB_CACHE_DIR: cache}));

let mirror: ArtifactMirror;
let site: string;
let artifacts: string;
const files: Record<string, Buffer> = {};

/** A release tarball in the upstream layout (one top folder, bin/ and docs), built here. */
async function buildRelease(version: string): Promise<Buffer> {
	const tree = await mkdtemp(join(tmpdir(), 'pb-lab-release-'));
	await mkdir(join(tree, 'tool', 'bin'), {recursive: true});
	await writeFile(join(tree, 'tool', 'bin', 'toold'), `#!/bin/sh\necho toold ${version}\n`);
	await writeFile(join(tree, 'tool', 'bin', 'toolctl'), `#!/bin/sh\necho toolctl ${version}\n`);
	await chmod(join(tree, 'tool', 'bin', 'toold'), 0o755);
	await chmod(join(tree, 'tool', 'bin', 'toolctl'), 0o755);
	await writeFile(join(tree, 'tool', 'README.md'), `tool ${version}\n`);
	execFileSync('tar', ['-czf', join(tree, 'release.tgz'), '-C', tree, 'tool']);
	const archive = await readFile(join(tree, 'release.tgz'));
	await rm(tree, {recursive: true, force: true});
	return archive;
}

test.before('serve artifacts from the lab bridge', async t => {
	// It waits for the lab below: the first start on a machine builds its base.
	t.timeout(20 * 60_000);
	artifacts = await mkdtemp(join(tmpdir(), 'pb-lab-artifacts-'));
	cache = await mkdtemp(join(tmpdir(), 'pb-lab-cache-'));
	files['releases/tool-1.0.tar.gz'] = await buildRelease('1.0');
	files['releases/tool-2.0.tar.gz'] = await buildRelease('2.0');
	files['releases/tool-cli'] = Buffer.from('#!/bin/sh\necho tool-cli\n');
	for (const name of ['corrupt.bin', 'cut.bin', 'slow.bin']) {
		files[`faults/${name}`] = Buffer.from(`${name} `.repeat(20_000));
	}

	files['releases/SHA256SUMS'] = Buffer.from(['tool-1.0.tar.gz', 'tool-cli'].map(name => `${sha256(files[`releases/${name}`]!)}  ${name}\n`).join(''));
	for (const [path, content] of Object.entries(files)) {
		await mkdir(join(artifacts, path, '..'), {recursive: true});
		await writeFile(join(artifacts, path), content);
	}

	await lab.ready();
	mirror = await ArtifactMirror.start(artifacts, labNetwork.bridgeAddress);
	mirror.setFault('faults/corrupt.bin', {kind: 'wrong-bytes'});
	mirror.setFault('faults/cut.bin', {kind: 'cut', afterBytes: 50_000});
	mirror.setFault('faults/slow.bin', {kind: 'slow', bytesPerSecond: 20_000});
	site = workspace({'site.yml': `- hosts: lab
  gather_facts: false
  tasks:
    - name: release directory
      file:
        path: /opt/pb
        state: directory
    - name: fetch the release
      download:
        url: ${mirror.urlOf('releases/tool-1.0.tar.gz')}
        checksum: sha256:${mirror.urlOf('releases/SHA256SUMS')}
        dest: /opt/pb/
        mode: '0644'
    - name: install its binaries
      untar:
        src: /opt/pb/tool-1.0.tar.gz
        dest: /usr/local
        strip_components: 1
        include: [bin/]
    - name: fetched by the host itself
      download:
        url: ${mirror.urlOf('releases/tool-cli')}
        checksum: sha256:${sha256(files['releases/tool-cli'])}
        dest: /usr/local/bin/tool-cli
        mode: '0755'
        via: host
`});
});

test.after.always('stop serving', async () => {
	await mirror?.close();
	await rm(artifacts, {recursive: true, force: true});
	await rm(cache, {recursive: true, force: true});
});

function gets(path: string): number {
	return mirror.requests.filter(request => request.method === 'GET' && request.path === `/${path}`).length;
}

test.serial('fresh hosts: --check predicts download and untar exactly and changes nothing; one fetch serves 3 hosts; the second run changes nothing', async t => {
	t.timeout(5 * 60_000);
	const playbook = join(site, 'site.yml');
	const snapshots = await snapshotAll();
	const check = await runJson(playbook, '--check', '--diff');
	t.is(check.code, 0, check.output);
	await assertUnchanged(t, snapshots);
	t.is(gets('releases/tool-1.0.tar.gz'), 1, 'three hosts in check mode: one download into the controller\'s cache');
	t.is(gets('releases/SHA256SUMS'), 1);
	t.is(gets('releases/tool-cli'), 0, 'via host with a checksum: predicted without fetching');

	const real = await runJson(playbook, '--diff');
	t.is(real.code, 0, real.output);
	t.deepEqual(real.reported, check.reported, 'check mode reported what the real run did');
	t.is(gets('releases/tool-1.0.tar.gz'), 1, 'the real run pushed the cached file to the 3 hosts');
	t.is(gets('releases/tool-cli'), 3, 'each host fetched its own');
	const archive = files['releases/tool-1.0.tar.gz']!;
	const [first] = lab().hosts;
	const mine = (task: string) => real.reported.find(result => result.host === first!.name && result.task === task);
	t.like(mine('fetch the release'), {
		status: 'changed', msg: `/opt/pb/tool-1.0.tar.gz: new file, ${archive.length} bytes, sha256 ${sha256(archive)}`,
		diff: [{header: '/opt/pb/tool-1.0.tar.gz', before: '', after: `sha256: ${sha256(archive)}\nsize: ${archive.length} bytes\nmode: 0644\n`}],
	});
	t.like(mine('install its binaries'), {status: 'changed', msg: '/usr/local: 2 of 3 members of /opt/pb/tool-1.0.tar.gz written: bin/toolctl, bin/toold'});
	t.like(mine('fetched by the host itself'), {status: 'changed', msg: `/usr/local/bin/tool-cli: new file, sha256 ${sha256(files['releases/tool-cli']!)}`});

	for (const host of lab().hosts) {
		t.is(await sh(t, host, 'sha256sum < /opt/pb/tool-1.0.tar.gz; stat -c %a /opt/pb/tool-1.0.tar.gz'), `${sha256(archive)}  -\n644\n`);
		t.is(await sh(t, host, '/usr/local/bin/toold; /usr/local/bin/toolctl; /usr/local/bin/tool-cli'), 'toold 1.0\ntoolctl 1.0\ntool-cli\n');
		t.is(await sh(t, host, 'ls -A /usr/local/bin /opt/pb | tr "\\n" " "'), '/opt/pb: tool-1.0.tar.gz  /usr/local/bin: tool-cli toolctl toold ', 'only what was asked: no README, no temp files');
	}

	const second = await runJson(playbook);
	t.is(second.code, 0, second.output);
	t.deepEqual(second.changed, Object.fromEntries(lab().hosts.map(host => [host.name, 0])));
	t.deepEqual([gets('releases/tool-1.0.tar.gz'), gets('releases/tool-cli')], [1, 3], 'files matching their checksum are never fetched again');
});

test.serial('--diff shows the members untar would rewrite, before and after', async t => {
	t.timeout(3 * 60_000);
	const playbook = join(site, 'site.yml');
	const [host] = lab().hosts;
	await sh(t, host!, 'echo tampered > /usr/local/bin/toold');
	const stdout = await checkDiffOn(t, playbook, host!);
	const toold = Buffer.from('#!/bin/sh\necho toold 1.0\n');
	const expected = `--- before: /usr/local\n+++ after: /usr/local\n@@ -1,1 +1,1 @@\n-bin/toold 0755 9 bytes sha256:${sha256('tampered\n').slice(0, 16)}\n+bin/toold 0755 ${toold.length} bytes sha256:${sha256(toold).slice(0, 16)}`;
	t.true(stdout.includes(expected), `${expected}\nnot in:\n${stdout}`);
	t.regex(stdout, /changed=1 /);
	const real = await runJson(playbook, '--limit', host!.name);
	t.like(real.reported.find(reported => reported.task === 'install its binaries'), {status: 'changed', msg: '/usr/local: 1 of 3 members of /opt/pb/tool-1.0.tar.gz written: bin/toold'});
	t.is(await sh(t, host!, '/usr/local/bin/toold'), 'toold 1.0\n');
});

test.serial('an archive each host fetched itself (via: host) is extracted from members read back to the controller; the second run fetches and writes nothing', async t => {
	t.timeout(3 * 60_000);
	const archive = files['releases/tool-2.0.tar.gz']!;
	const dir = workspace({'via-host.yml': `- hosts: lab
  gather_facts: false
  tasks:
    - name: fetched by each host
      download:
        url: ${mirror.urlOf('releases/tool-2.0.tar.gz')}
        checksum: sha256:${sha256(archive)}
        dest: /opt/
        via: host
    - name: its binaries
      untar:
        src: /opt/tool-2.0.tar.gz
        dest: /opt/tool
        create_dest: true
        strip_components: 1
        include: [bin/]
`});
	const playbook = join(dir, 'via-host.yml');
	const first = await runJson(playbook);
	t.is(first.code, 0, first.output);
	t.is(gets('releases/tool-2.0.tar.gz'), 3, 'each host fetched its own; the controller fetched nothing');
	t.deepEqual(first.changed, Object.fromEntries(lab().hosts.map(host => [host.name, 2])));
	t.is((await readFile(join(cache, 'sha256', sha256(archive)))).compare(archive), 0, 'the members were listed from the bytes a host sent back');
	for (const host of lab().hosts) {
		t.is(await sh(t, host, '/opt/tool/bin/toold; /opt/tool/bin/toolctl; ls -A /opt/tool'), 'toold 2.0\ntoolctl 2.0\nbin\n');
	}

	const second = await runJson(playbook);
	t.is(second.code, 0, second.output);
	t.deepEqual(second.changed, Object.fromEntries(lab().hosts.map(host => [host.name, 0])));
	t.is(gets('releases/tool-2.0.tar.gz'), 3);
});

test.serial('a corrupt mirror, a cut transfer and a slow mirror each fail clearly, via controller and via host, leaving no file', async t => {
	t.timeout(3 * 60_000);
	const tasks = ['controller', 'host'].flatMap(via => ['corrupt', 'cut', 'slow'].map(fault => `    - name: ${fault} via ${via}
      download:
        url: ${mirror.urlOf(`faults/${fault}.bin`)}
        checksum: sha256:${sha256(files[`faults/${fault}.bin`]!)}
        dest: /opt/pb/${fault}-${via}.bin
        via: ${via}
        timeout: 2
        retries: 1
        retry_delay: 0
      ignore_errors: true
`));
	const dir = workspace({'faults.yml': `- hosts: lab\n  gather_facts: false\n  tasks:\n${tasks.join('')}`});
	const [host] = lab().hosts;
	const run = await runJson(join(dir, 'faults.yml'), '--limit', host!.name);
	const failures = Object.fromEntries(run.reported.map(result => [result.task, result]));
	const wrong = (name: string) => sha256(Buffer.from(files[`faults/${name}`]!.map(byte => byte ^ 0xFF)));
	t.like(failures['corrupt via controller'], {status: 'failed', msg: `cannot download corrupt.bin: sha256 mismatch: expected ${sha256(files['faults/corrupt.bin']!)}, got ${wrong('corrupt.bin')} (240000 bytes); this source serves other bytes than the checksum names, and nothing was kept (from ${mirror.urlOf('faults/corrupt.bin')})`});
	t.like(failures['corrupt via host'], {status: 'failed', msg: `cannot download corrupt.bin: sha256 mismatch: expected ${sha256(files['faults/corrupt.bin']!)}, got ${wrong('corrupt.bin')} (240000 bytes); this source serves other bytes than the checksum names, and nothing was written to /opt/pb/corrupt-host.bin (from ${mirror.urlOf('faults/corrupt.bin')})`});
	t.regex(failures['cut via controller']?.msg ?? '', /^cannot download cut\.bin: transfer cut after \d+ of 160000 bytes/);
	t.regex(failures['cut via host']?.msg ?? '', /^cannot download cut\.bin: transfer cut before the end \(curl: \(18\)/);
	t.regex(failures['slow via controller']?.msg ?? '', /^cannot download slow\.bin: timed out after 2 s with \d+ of 180000 bytes received; raise timeout, or list a faster mirror first/);
	t.regex(failures['slow via host']?.msg ?? '', /^cannot download slow\.bin: timed out after 2 s \(curl: \(28\).*\); raise timeout, or list a faster mirror first/);
	t.is(gets('faults/cut.bin'), 4, 'a cut transfer is retried (retries: 1), by the controller and by the host');
	t.is(gets('faults/corrupt.bin'), 2, 'wrong bytes are not retried');
	t.is(await sh(t, host!, 'ls -A /opt/pb'), 'tool-1.0.tar.gz\n', 'nothing at dest, no temp file');
});

rejectedBeforeContact(test, lab, [
	['download', 'download: {url: \'http://10.213.0.1/x.tgz\', dest: /opt/x.tgz, checksum: \'md5:0123\'}', 'download: checksum \'md5:0123\' uses md5; pb verifies downloads with sha256 only'],
	['untar', 'untar: {src: /opt/x.tgz, dest: /opt, strip_components: 1, extra_opts: [-v]}', 'untar: unknown parameter \'extra_opts\''],
]);
