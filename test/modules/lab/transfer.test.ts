import {execFileSync} from 'node:child_process';
import {createHash} from 'node:crypto';
import {chmod, mkdir, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {labRuns, rejectedBeforeContact} from '../../helpers/lab-runs.js';
import {workspace} from '../../helpers/playbook-run.js';
import {ArtifactMirror} from '../../lab/artifact-mirror.js';
import {labNetwork} from '../../lab/lab-paths.js';
import {useLab} from '../../lab/use-lab.js';

/*
 * get_url, unarchive, fetch, slurp, find, tempfile, script and raw on real Debian hosts, through
 * pb's command line: downloads from the lab's artifact mirror on the bridge, archives from the
 * controller and from the hosts, files brought back to the controller.
 */

const lab = useLab(test, {hosts: 2});
let cache: string;
const {runJson, sh, snapshotAll, assertUnchanged, checkDiffOn} = labRuns(lab, () => ({PB_CACHE_DIR: cache}));

let mirror: ArtifactMirror;
let artifacts: string;
let site: string;
let fetched: string;
let archive: Buffer;

function sha1(content: Buffer | string): string {
	return createHash('sha1').update(content).digest('hex');
}

/** A release in the upstream layout (one top folder: bin/ and a README), as a tar.xz. */
async function buildRelease(): Promise<Buffer> {
	const tree = await mkdtemp(join(tmpdir(), 'pb-lab-release-'));
	await mkdir(join(tree, 'tool', 'bin'), {recursive: true});
	await writeFile(join(tree, 'tool', 'bin', 'toold'), '#!/bin/sh\necho toold 1.0\n');
	await writeFile(join(tree, 'tool', 'bin', 'toolctl'), '#!/bin/sh\necho toolctl 1.0\n');
	await chmod(join(tree, 'tool', 'bin', 'toold'), 0o755);
	await chmod(join(tree, 'tool', 'bin', 'toolctl'), 0o755);
	await writeFile(join(tree, 'tool', 'README.md'), 'tool 1.0\n');
	execFileSync('tar', ['-cJf', join(tree, 'release.tar.xz'), '--owner=0', '--group=0', '-C', tree, 'tool']);
	const bytes = await readFile(join(tree, 'release.tar.xz'));
	await rm(tree, {recursive: true, force: true});
	return bytes;
}

/** The docs as a zip on the controller, in the playbook's files/. */
function buildDocs(directory: string): void {
	const tree = join(directory, 'docs-tree');
	execFileSync('mkdir', ['-p', join(tree, 'docs')]);
	execFileSync('sh', ['-c', 'printf "read me\\n" > docs/guide.txt && chmod 0644 docs/guide.txt && zip -q -r ../files/docs.zip docs'], {cwd: tree});
	execFileSync('rm', ['-rf', tree]);
}

test.before('serve the release from the lab bridge; write the playbook', async t => {
	t.timeout(20 * 60_000);
	artifacts = await mkdtemp(join(tmpdir(), 'pb-lab-artifacts-'));
	cache = await mkdtemp(join(tmpdir(), 'pb-lab-cache-'));
	fetched = await mkdtemp(join(tmpdir(), 'pb-lab-fetched-'));
	archive = await buildRelease();
	await mkdir(join(artifacts, 'releases'));
	await writeFile(join(artifacts, 'releases', 'tool-1.0.tar.xz'), archive);
	await writeFile(join(artifacts, 'releases', 'SHA1SUMS'), `${sha1(archive)}  tool-1.0.tar.xz\n`);
	await lab.ready();
	mirror = await ArtifactMirror.start(artifacts, labNetwork.bridgeAddress);
	site = workspace({
		'files/prepare.sh': '#!/bin/sh\necho "preparing $1"\ntouch /opt/tool/prepared\n',
		'site.yml': `- hosts: lab
  gather_facts: false
  tasks:
    - name: release directory
      file: {path: /opt/rel, state: directory}
    - name: fetch the release
      get_url:
        url: ${mirror.urlOf('releases/tool-1.0.tar.xz')}
        dest: /opt/rel/
        checksum: sha1:${mirror.urlOf('releases/SHA1SUMS')}
        mode: '0644'
    - name: the tool's directory
      file: {path: /opt/tool, state: directory}
    - name: unpack it on the host
      unarchive:
        src: /opt/rel/tool-1.0.tar.xz
        dest: /opt/tool
        remote_src: true
        extra_opts: [--strip-components=1]
        exclude: ['*.md']
    - name: the docs from the controller
      unarchive:
        src: docs.zip
        dest: /opt/tool
        list_files: true
      register: docs
    - name: sshd's drop-ins
      find:
        paths: /etc/ssh
        patterns: '*.conf'
        recurse: true
      register: found
    - name: the journal's settings
      slurp:
        src: /etc/systemd/journald.conf.d/pb-lab.conf
      register: journald
    - name: what was read
      copy:
        dest: /opt/tool/report.txt
        content: "{{ docs.handler }} {{ docs.files | sort | join(',') }} {{ found.matched }} {{ found.files[0].path }} {{ journald.content | b64decode | trim }}\\n"
    - name: bring the sshd drop-in back
      fetch:
        src: /etc/ssh/sshd_config.d/pb-lab.conf
        dest: ${fetched}
    - name: prepare once
      script: prepare.sh node
      args:
        creates: /opt/tool/prepared
`,
	});
	await mkdir(join(site, 'files'), {recursive: true});
	buildDocs(site);
});

test.after.always('stop serving', async () => {
	await mirror?.close();
	for (const directory of [artifacts, cache, fetched]) {
		await rm(directory, {recursive: true, force: true});
	}
});

test.serial('fresh hosts: --check --diff predicts every task exactly and changes nothing; the real run does it; the second run changes nothing', async t => {
	t.timeout(5 * 60_000);
	const playbook = join(site, 'site.yml');
	const snapshots = await snapshotAll();
	const check = await runJson(playbook, '--check', '--diff');
	t.is(check.code, 0, check.output);
	await assertUnchanged(t, snapshots);
	await t.throwsAsync(readFile(join(fetched, lab().hosts[0]!.name, '/etc/ssh/sshd_config.d/pb-lab.conf')), undefined, 'check mode wrote nothing on the controller');

	const real = await runJson(playbook, '--diff');
	t.is(real.code, 0, real.output);
	t.deepEqual(real.reported, check.reported, 'check mode reported what the real run did');
	const [first] = lab().hosts;
	const mine = (task: string) => real.reported.find(result => result.host === first!.name && result.task === task);
	t.like(mine('fetch the release'), {status: 'changed', diff: [{header: '/opt/rel/tool-1.0.tar.xz', before: ''}]});
	t.like(mine('unpack it on the host'), {status: 'changed', msg: '/opt/tool: 3 of 3 members of /opt/rel/tool-1.0.tar.xz written: bin, bin/toolctl, bin/toold'});
	t.like(mine('the docs from the controller'), {status: 'changed', msg: '/opt/tool: 2 of 2 members of docs.zip written: docs, docs/guide.txt'});
	t.like(mine('bring the sshd drop-in back'), {status: 'changed'});
	t.like(mine('prepare once'), {status: 'changed'});
	t.is(gets('releases/tool-1.0.tar.xz'), 1, 'one fetch into the controller\'s cache served both hosts, in check mode and for real');

	const dropIn = await sh(t, first!, 'cat /etc/ssh/sshd_config.d/pb-lab.conf');
	const journald = '[Journal]\nStorage=volatile';
	for (const host of lab().hosts) {
		t.is(await sh(t, host, 'sha1sum < /opt/rel/tool-1.0.tar.xz; stat -c %a /opt/rel/tool-1.0.tar.xz'), `${sha1(archive)}  -\n644\n`);
		t.is(await sh(t, host, '/opt/tool/bin/toold; cat /opt/tool/docs/guide.txt; ls -A /opt/tool | tr "\\n" " "'), 'toold 1.0\nread me\nbin docs prepared report.txt ', 'no README (excluded), no temp files');
		t.is(await sh(t, host, 'cat /opt/tool/report.txt'), `ZipArchive docs/,docs/guide.txt 1 /etc/ssh/sshd_config.d/pb-lab.conf ${journald}\n`);
		t.is(await readFile(join(fetched, host.name, '/etc/ssh/sshd_config.d/pb-lab.conf'), 'utf8'), dropIn);
	}

	const second = await runJson(playbook);
	t.is(second.code, 0, second.output);
	t.deepEqual(second.changed, Object.fromEntries(lab().hosts.map(host => [host.name, 0])));
	t.like(second.reported.find(result => result.host === first!.name && result.task === 'prepare once'), {status: 'skipped', msg: '/opt/tool/prepared exists, matching creates option'});
	t.is(gets('releases/tool-1.0.tar.xz'), 1, 'a file matching its sha1 is not fetched again');
});

test.serial('--diff shows the member unarchive would rewrite; the real run rewrites only it', async t => {
	t.timeout(3 * 60_000);
	const playbook = join(site, 'site.yml');
	const [host] = lab().hosts;
	await sh(t, host!, 'echo tampered > /opt/tool/bin/toold');
	const stdout = await checkDiffOn(t, playbook, host!);
	t.true(stdout.includes('-bin/toold 0755 9 bytes sha256:'), stdout);
	t.regex(stdout, /changed=1 /);
	const real = await runJson(playbook, '--limit', host!.name);
	t.like(real.reported.find(reported => reported.task === 'unpack it on the host'), {status: 'changed', msg: '/opt/tool: 1 of 3 members of /opt/rel/tool-1.0.tar.xz written: bin/toold'});
	t.is(await sh(t, host!, '/opt/tool/bin/toold'), 'toold 1.0\n');
});

test.serial('tempfile, raw and an unguarded script: skipped by --check, which changes nothing; run for real, each changes the host every time, as in Ansible', async t => {
	t.timeout(3 * 60_000);
	const dir = workspace({
		'files/hello.sh': '#!/bin/sh\necho "hello $1" > /opt/hello.txt\necho done\n',
		'always.yml': `- hosts: lab
  gather_facts: false
  tasks:
    - name: scratch
      tempfile: {state: directory, suffix: .work}
      register: scratch
    - name: bare
      raw: echo bare >> /opt/raw.txt
    - name: hello
      script: hello.sh world
      register: hello
    - name: what they gave
      copy:
        dest: /opt/always.txt
        content: "{{ scratch.path is defined }} {{ hello.stdout_lines | default([]) }}\\n"
`,
	});
	const playbook = join(dir, 'always.yml');
	const snapshots = await snapshotAll();
	const check = await runJson(playbook, '--check');
	t.is(check.code, 0, check.output);
	await assertUnchanged(t, snapshots);
	t.deepEqual(check.reported.filter(result => result.host === lab().hosts[0]!.name).map(result => result.status), ['skipped', 'skipped', 'skipped', 'changed']);
	for (const round of [1, 2]) {
		const real = await runJson(playbook);
		t.is(real.code, 0, real.output);
		t.deepEqual(real.reported.filter(result => result.host === lab().hosts[0]!.name).map(result => result.status), ['changed', 'changed', 'changed', round === 1 ? 'changed' : 'ok']);
	}

	for (const host of lab().hosts) {
		t.is(await sh(t, host, 'cat /opt/hello.txt /opt/raw.txt /opt/always.txt; ls -d /tmp/*.work | wc -l'), 'hello world\nbare\nbare\nTrue [\'done\']\n2\n');
	}
});

rejectedBeforeContact(test, lab, [
	['get_url', 'get_url: {url: \'http://10.213.0.1/x.tgz\', dest: /opt/x.tgz, checksum: \'crc32:0123\'}', 'get_url: checksum \'crc32:0123\' uses crc32'],
	['unarchive', 'unarchive: {src: x.tgz, dest: /opt, include: [a], exclude: [b]}', 'parameters are mutually exclusive: include|exclude'],
	['fetch', 'fetch: {src: /etc/hosts, dest: out, flatten: true}', 'fetch: unknown parameter \'flatten\''],
	['slurp', 'slurp: {}', 'slurp: missing required parameter'],
	['find', 'find: {paths: /etc, age: 3 days}', 'find: age \'3 days\' is not a number'],
	['tempfile', 'tempfile: {state: link}', 'tempfile: parameter \'state\' must be one of file, directory'],
	['script', 'script: {cmd: prepare.sh, chdir: relative}', 'script: chdir relative must be an absolute path'],
	['raw', 'raw: {cmd: uptime, executible: /bin/bash}', 'raw: unknown parameter \'executible\''],
]);

function gets(path: string): number {
	return mirror.requests.filter(request => request.method === 'GET' && request.path === `/${path}`).length;
}
