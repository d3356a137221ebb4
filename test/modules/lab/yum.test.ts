import {mkdtemp} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {workspace} from '../../helpers/playbook-run.js';
import {ArtifactMirror} from '../../lab/artifact-mirror.js';
import {labNetwork} from '../../lab/lab-paths.js';
import {useLab} from '../../lab/use-lab.js';
import {addToRepository} from '../yum-repository.js';
import {labRuns} from '../../helpers/lab-runs.js';

/*
 * yum on real hosts with Debian's dnf (the lab's dnf flavour), installing from yum repositories
 * built here and served from the lab bridge. The playbooks write the .repo files themselves, so
 * --check on a fresh host must see the repository a copy task would write, and the files the
 * packages would install.
 */

const lab = useLab(test, {hosts: 2, flavour: 'dnf'});
const {pb, runJson, sh, snapshotAll, assertUnchanged, checkThenRunJson, logins} = labRuns(lab);

let mirror: ArtifactMirror;
let repository: string;
let site: string;
/** A repository of its own holding a daemon package, as openEuler's holds iSulad. */
let services: ArtifactMirror;

/** The task that writes a .repo file for the repository `id` served by `served`. */
function repositoryTask(name: string, dest: string, id: string, served: ArtifactMirror): string {
	return `    - name: ${name}
      copy:
        dest: ${dest}
        content: |
          [${id}]
          name=pb ${id}
          baseurl=${served.url}/
          gpgcheck=0
`;
}

/** A playbook that configures the lab repository, then runs one yum task. */
function playbook(yum: string): string {
	return `- hosts: lab
  gather_facts: false
  tasks:
    - name: repository directory
      file:
        path: /etc/yum.repos.d
        state: directory
${repositoryTask('lab repository', '/etc/yum.repos.d/lab.repo', 'lab', mirror)}    - name: packages
      yum:
${yum.replace(/^/gm, '        ')}
`;
}

test.before('build the yum repository and serve it on the lab bridge', async t => {
	// It waits for the lab below: the first start on a machine builds its base.
	t.timeout(20 * 60_000);
	repository = await mkdtemp(join(tmpdir(), 'pb-lab-yum-'));
	await addToRepository(repository, [{name: 'pb-hello', version: '1.0'}, {name: 'pb-dep', version: '2.0'}, {name: 'pb-world', version: '1.0', requires: 'pb-dep'}]);
	await lab.ready();
	mirror = await ArtifactMirror.start(repository, labNetwork.bridgeAddress);
	const servicesRepository = await mkdtemp(join(tmpdir(), 'pb-lab-yum-services-'));
	await addToRepository(servicesRepository, [{name: 'pb-daemon', version: '1.0', service: true}]);
	services = await ArtifactMirror.start(servicesRepository, labNetwork.bridgeAddress);
	site = workspace({
		// As playbooks/isula.yml: the repository under a file name of its own, then the package without enablerepo, its configuration, its unit.
		'daemon.yml': `- hosts: lab
  gather_facts: false
  tasks:
${repositoryTask('services repository', '/etc/yum.repos.d/pb-from-the-lab.repo', 'services', services)}    - name: packages
      yum:
        name: pb-daemon
    - name: daemon configuration
      template:
        src: daemon.conf.hbs
        dest: /etc/pb-daemon/daemon.conf
        mode: "0600"
    - name: daemon enabled and started
      systemd:
        name: pb-daemon
        enabled: true
        state: started
        daemon_reload: true
`,
		'daemon.conf.hbs': 'name = {{ inventory_hostname }}\n',
		'present.yml': playbook('name: [pb-world, pb-hello]\nenablerepo: lab'),
		'latest.yml': playbook('name: pb-hello\nstate: latest\nenablerepo: lab\nupdate_cache: true'),
		'absent.yml': playbook('name: pb-world\nstate: absent'),
		'missing.yml': playbook('name: [pb-hello, pb-nosuch]\nenablerepo: lab'),
		'dnf.yml': playbook('name: pb-world\nstate: absent').replace('      yum:', '      dnf:'),
		'package.yml': playbook('name: pb-world\nstate: present\nuse: dnf').replace('      yum:', '      package:'),
	});
});

test.after.always('stop the mirrors', async () => {
	await mirror?.close();
	await services?.close();
});

test.serial('fresh hosts: --check of a package, a template into its directory and its unit predicts the run and changes nothing', async t => {
	t.timeout(5 * 60_000);
	const {check} = await checkThenRunJson(t, join(site, 'daemon.yml'));
	for (const host of lab().hosts) {
		const reported = check.reported.filter(result => result.host === host.name);
		t.deepEqual(reported.map(({task, status}) => `${task}: ${status}`), ['services repository: changed', 'packages: changed', 'daemon configuration: changed', 'daemon enabled and started: changed']);
		t.is(reported[1]?.msg, 'installed pb-daemon-1.0-1.noarch');
		t.is(reported[2]?.msg, `/etc/pb-daemon/daemon.conf: new file, ${`name = ${host.name}\n`.length} bytes`);
		t.is(reported[3]?.msg, 'pb-daemon.service: enabled, started');
	}

	for (const host of lab().hosts) {
		t.is(await sh(t, host, 'systemctl is-enabled pb-daemon; systemctl is-active pb-daemon; cat /etc/pb-daemon/daemon.conf'), `enabled\nactive\nname = ${host.name}\n`);
	}

	t.deepEqual((await runJson(join(site, 'daemon.yml'))).changed, Object.fromEntries(lab().hosts.map(host => [host.name, 0])));
});

test.serial('fresh hosts: --check lists what dnf then installs and changes nothing; the second run changes nothing', async t => {
	t.timeout(5 * 60_000);
	const {real} = await checkThenRunJson(t, join(site, 'present.yml'));
	for (const host of lab().hosts) {
		t.like(real.reported.find(result => result.host === host.name && result.task === 'packages'), {
			status: 'changed',
			msg: 'installed pb-hello-1.0-1.noarch, pb-world-1.0-1.noarch, pb-dep-2.0-1.noarch',
			diff: [{
				header: 'packages',
				before: 'pb-dep.noarch: absent\npb-hello.noarch: absent\npb-world.noarch: absent\n',
				after: 'pb-dep.noarch: 2.0-1\npb-hello.noarch: 1.0-1\npb-world.noarch: 1.0-1\n',
			}],
		});
		t.is(await sh(t, host, 'rpm -q pb-hello pb-world pb-dep'), 'pb-hello-1.0-1.noarch\npb-world-1.0-1.noarch\npb-dep-2.0-1.noarch\n');
		t.is(await sh(t, host, 'cat /usr/share/pb-world/version'), '1.0\n');
	}

	const registered = real.events.find(event => event.kind === 'host-result' && event.task === 'packages');
	t.like(registered?.kind === 'host-result' ? registered.result : {}, {
		changed: true,
		results: ['Installed: pb-hello-1.0-1.noarch', 'Installed: pb-world-1.0-1.noarch', 'Installed: pb-dep-2.0-1.noarch'],
	});

	const second = await runJson(join(site, 'present.yml'));
	t.is(second.code, 0, second.output);
	t.deepEqual(second.changed, Object.fromEntries(lab().hosts.map(host => [host.name, 0])));
	t.like(second.reported.find(result => result.task === 'packages'), {status: 'ok', msg: 'pb-world, pb-hello: installed (pb-world-1.0-1.noarch, pb-hello-1.0-1.noarch)'});
});

test.serial('latest with update_cache: --check --diff shows the upgrade from a repository updated since, and changes nothing', async t => {
	t.timeout(3 * 60_000);
	await addToRepository(repository, [{name: 'pb-hello', version: '1.1'}]);
	const [host] = lab().hosts;
	const snapshots = await snapshotAll();
	const check = await pb(['run', join(site, 'latest.yml'), '-i', lab().inventoryPath, '--check', '--diff', '--limit', host!.name]);
	t.is(check.code, 0, check.stdout + check.stderr);
	await assertUnchanged(t, snapshots);
	const expected = '--- before: packages\n+++ after: packages\n@@ -1,1 +1,1 @@\n-pb-hello.noarch: 1.0-1\n+pb-hello.noarch: 1.1-1';
	t.true(check.stdout.includes(expected), `${expected}\nnot in:\n${check.stdout}`);

	const jsonCheck = await runJson(join(site, 'latest.yml'), '--check', '--limit', host!.name);
	t.like(jsonCheck.reported.find(result => result.task === 'packages'), {status: 'changed', msg: 'upgraded pb-hello-1.1-1.noarch'});
	const real = await runJson(join(site, 'latest.yml'), '--limit', host!.name);
	t.is(real.code, 0, real.output);
	t.deepEqual(real.reported, jsonCheck.reported);
	t.is(await sh(t, host!, 'rpm -q pb-hello'), 'pb-hello-1.1-1.noarch\n');
	t.deepEqual((await runJson(join(site, 'latest.yml'), '--limit', host!.name)).changed, {[host!.name]: 0});
});

test.serial('absent removes the package and the dependency nothing else needs, as --check said', async t => {
	t.timeout(3 * 60_000);
	const [, host] = lab().hosts;
	const snapshots = await snapshotAll();
	const check = await runJson(join(site, 'absent.yml'), '--check', '--diff', '--limit', host!.name);
	await assertUnchanged(t, snapshots);
	const real = await runJson(join(site, 'absent.yml'), '--diff', '--limit', host!.name);
	t.deepEqual(real.reported, check.reported);
	t.like(real.reported.find(result => result.task === 'packages'), {
		status: 'changed', msg: 'removed pb-world-1.0-1.noarch, pb-dep-2.0-1.noarch',
		diff: [{before: 'pb-dep.noarch: 2.0-1\npb-world.noarch: 1.0-1\n', after: 'pb-dep.noarch: absent\npb-world.noarch: absent\n'}],
	});
	t.is(await sh(t, host!, 'rpm -q pb-world pb-dep pb-hello || true'), 'package pb-world is not installed\npackage pb-dep is not installed\npb-hello-1.0-1.noarch\n');
	t.deepEqual((await runJson(join(site, 'absent.yml'), '--limit', host!.name)).changed, {[host!.name]: 0});
});

test.serial('dnf is yum\'s implementation under dnf\'s name; package with use: dnf is too', async t => {
	t.timeout(3 * 60_000);
	const [host] = lab().hosts;
	const removed = await runJson(join(site, 'dnf.yml'), '--limit', host!.name);
	t.is(removed.code, 0, removed.output);
	t.like(removed.reported.find(result => result.task === 'packages'), {status: 'changed', msg: 'removed pb-world-1.0-1.noarch, pb-dep-2.0-1.noarch'});
	const snapshots = await snapshotAll();
	const check = await runJson(join(site, 'package.yml'), '--check', '--limit', host!.name);
	await assertUnchanged(t, snapshots);
	const installed = await runJson(join(site, 'package.yml'), '--limit', host!.name);
	t.is(installed.code, 0, installed.output);
	t.deepEqual(installed.reported, check.reported);
	t.like(installed.reported.find(result => result.task === 'packages'), {status: 'changed', msg: 'installed pb-world-1.0-1.noarch, pb-dep-2.0-1.noarch'});
	t.is(await sh(t, host!, 'rpm -q pb-world'), 'pb-world-1.0-1.noarch\n');
});

test.serial('yum_repository writes the .repo file dnf then installs from: --check predicts both, changes nothing, and the second run changes nothing', async t => {
	t.timeout(5 * 60_000);
	const extraRepository = await mkdtemp(join(tmpdir(), 'pb-lab-yum-extra-'));
	await addToRepository(extraRepository, [{name: 'pb-extra', version: '1.0'}]);
	const extra = await ArtifactMirror.start(extraRepository, labNetwork.bridgeAddress);
	try {
		const dir = workspace({'repository.yml': `- hosts: lab
  gather_facts: false
  tasks:
    - name: repository
      yum_repository:
        name: extra
        description: pb extra
        baseurl: ${extra.url}/
        gpgcheck: false
    - name: packages
      yum:
        name: pb-extra
`});
		const {real} = await checkThenRunJson(t, join(dir, 'repository.yml'));
		for (const host of lab().hosts) {
			const reported = real.reported.filter(result => result.host === host.name);
			t.deepEqual(reported.map(({task, status, msg}) => `${task}: ${status}: ${msg}`), ['repository: changed: /etc/yum.repos.d/extra.repo: section extra added', 'packages: changed: installed pb-extra-1.0-1.noarch']);
			t.is(await sh(t, host, 'cat /etc/yum.repos.d/extra.repo'), `[extra]\nbaseurl = ${extra.url}/\ngpgcheck = 0\nname = pb extra\n\n`);
		}

		t.deepEqual((await runJson(join(dir, 'repository.yml'))).changed, Object.fromEntries(lab().hosts.map(host => [host.name, 0])));
	} finally {
		await extra.close();
	}
});

test.serial('a package no repository has fails with dnf\'s own message, in --check too, and installs nothing', async t => {
	const [host] = lab().hosts;
	for (const flags of [['--check'], []]) {
		const run = await runJson(join(site, 'missing.yml'), '--limit', host!.name, ...flags);
		t.is(run.code, 2, run.output);
		t.like(run.reported.find(result => result.task === 'packages'), {
			status: 'failed', msg: 'dnf install pb-nosuch: No match for argument: pb-nosuch; Error: Unable to find a match: pb-nosuch',
		});
	}
});

test.serial('a locked rpm database fails saying who holds it and what to do', async t => {
	t.timeout(2 * 60_000);
	const [, host] = lab().hosts;
	const lock = (await sh(t, host!, 'rpm --eval %_rpmlock_path')).trim();
	// Held the way rpm holds it (an fcntl write lock) by a process that outlives the ssh session.
	await sh(t, host!, `nohup python3 -c 'import fcntl, time; f = open("${lock}", "a"); fcntl.lockf(f, fcntl.LOCK_EX); time.sleep(120)' >/dev/null 2>&1 & echo $! > /run/pb-lock-holder`);
	try {
		const run = await runJson(join(site, 'present.yml'), '--limit', host!.name);
		t.is(run.code, 2, run.output);
		const result = run.reported.find(reported => reported.task === 'packages');
		t.regex(result?.msg ?? '', new RegExp(`^dnf install pb-world: the rpm database on ${host!.name} is locked by another process \\(another dnf, yum or rpm is running\\): RPM: error: can't create transaction lock on ${lock}`));
		t.regex(result?.msg ?? '', /run again once it has finished$/);
	} finally {
		await sh(t, host!, 'kill "$(cat /run/pb-lock-holder)"; rm /run/pb-lock-holder');
	}

	t.is(await sh(t, host!, 'rpm -q pb-world || true'), 'package pb-world is not installed\n');
});

test.serial('a bad parameter is rejected with file:line before any host is contacted', async t => {
	const dir = workspace({'bad.yml': '- hosts: lab\n  gather_facts: false\n  tasks:\n    - yum: {name: pb-hello, state: newest}\n'});
	const before = await Promise.all(lab().hosts.map(async host => logins(t, host)));
	const result = await pb(['run', join(dir, 'bad.yml'), '-i', lab().inventoryPath]);
	t.is(result.code, 4);
	const output = result.stdout + result.stderr;
	t.true(output.includes('bad.yml:4:'), output);
	t.true(output.includes('yum: parameter \'state\' must be one of present, installed, latest, absent, removed; got `"newest"` (string)'), output);
	// Each count is one login more: the one that counts.
	t.deepEqual(await Promise.all(lab().hosts.map(async host => logins(t, host))), before.map(count => count + 1));
});
