import {join} from 'node:path';
import test, {type ExecutionContext} from 'ava';
import {workspace} from '../../helpers/playbook-run.js';
import {labRuns} from '../../helpers/lab-runs.js';
import {serveAptRepository, type ServedAptRepository} from '../../lab/apt-repository.js';
import {useLab} from '../../lab/use-lab.js';

/*
 * apt on real Debian hosts whose only apt source is a flat repository of Debian's own packages
 * built here and served on the lab bridge, as an air-gapped site's nodes have: real socat and
 * conntrack, with their dependencies. Each test starts from hosts reset to the lab's base with that
 * one source and no package lists yet.
 */

const lab = useLab(test, {hosts: 2});
const {pb, runJson, sh, checkThenRunJson, logins} = labRuns(lab);

let repository: ServedAptRepository;
let site: string;

function playbook(apt: string): string {
	return `- hosts: lab
  gather_facts: false
  tasks:
    - name: packages
      apt:
${apt.replace(/^/gm, '        ')}
`;
}

test.before('build the flat apt repository and serve it on the lab bridge', async t => {
	t.timeout(20 * 60_000);
	await lab.ready();
	repository = await serveAptRepository(undefined, line => t.log(line));
	site = workspace({
		'present.yml': playbook('name: [socat, conntrack]\nupdate_cache: true'),
		'no-lists.yml': playbook('name: socat'),
		'absent.yml': playbook('name: socat\nstate: absent\npurge: true'),
		'version.yml': playbook(`name: socat=${repository.versions['socat']!}\nupdate_cache: true\ncache_valid_time: 3600`),
		'deb.yml': playbook(`deb: ${repository.url}/${debFile('ipset')}`),
		'cache-only.yml': playbook('update_cache: true'),
		'facts.yml': `- hosts: lab
  gather_facts: false
  tasks:
    - name: facts
      package_facts:
    - name: conntrack
      debug:
        msg: "{{ ansible_facts.packages['conntrack'][0].version }} {{ ansible_facts.packages['conntrack'][0].arch }} {{ ansible_facts.packages['conntrack'][0].source }} {{ 'socat' in ansible_facts.packages }}"
`,
		'repository.yml': `- hosts: lab
  gather_facts: false
  tasks:
    - name: repository
      apt_repository:
        repo: "${repository.source}"
    - name: packages
      apt:
        name: socat
`,
		'repository-absent.yml': `- hosts: lab
  gather_facts: false
  tasks:
    - name: repository
      apt_repository:
        repo: "${repository.source}"
        state: absent
`,
		// package picks apt from the pkg_mgr fact the play gathers.
		'package.yml': `- hosts: lab
  tasks:
    - name: packages
      package:
        name: ebtables
        state: present
`,
	});
});

test.after.always('stop the mirror', async () => {
	await repository?.close();
});

/** The file name dpkg-scanpackages listed for a package (apt-get download's name: name_version_arch.deb, the epoch's colon escaped). */
function debFile(name: string): string {
	const version = repository.versions[name]!.replace(':', '%3a');
	return `${name}_${version}_amd64.deb`;
}

/** Both hosts as the lab made them, their only apt source the flat repository, no package lists yet. */
async function freshHosts(t: ExecutionContext): Promise<void> {
	for (const host of lab().hosts) {
		await lab().resetHost(host);
		await sh(t, host, `rm -rf /etc/apt/sources.list.d/* /var/lib/apt/lists/* && echo '${repository.source}' > /etc/apt/sources.list`);
	}
}

test.serial('fresh hosts: --check updates the lists and simulates in private, predicts the install exactly and changes nothing; the second run changes nothing', async t => {
	t.timeout(6 * 60_000);
	await freshHosts(t);
	const {real} = await checkThenRunJson(t, join(site, 'present.yml'));
	const versions = repository.versions;
	for (const host of lab().hosts) {
		const reported = real.reported.find(result => result.host === host.name);
		t.is(reported?.status, 'changed');
		for (const name of ['socat', 'conntrack', 'libnetfilter-conntrack3', 'libnfnetlink0']) {
			t.true(reported?.msg.includes(`${name} ${versions[name]!}`), `${name} in ${reported?.msg}`);
			t.true(reported?.diff?.[0]?.before.includes(`${name}: absent\n`), `${name} absent before`);
			t.true(reported?.diff?.[0]?.after.includes(`${name}: ${versions[name]!}\n`), `${name} after`);
		}

		t.is(await sh(t, host, 'dpkg-query -W -f=\'${Package} ${Version}\\n\' socat conntrack'), `conntrack ${versions['conntrack']!}\nsocat ${versions['socat']!}\n`);
		t.regex(await sh(t, host, 'socat -V | head -2'), /socat version/);
		t.is(await sh(t, host, 'apt-mark showmanual socat conntrack'), 'conntrack\nsocat\n');
		t.is(await sh(t, host, 'apt-mark showauto libnfnetlink0'), 'libnfnetlink0\n');
	}

	const registered = real.events.find(event => event.kind === 'host-result' && event.task === 'packages');
	t.like(registered?.kind === 'host-result' ? registered.result : {}, {changed: true, cache_updated: true});
	t.regex(String(registered?.kind === 'host-result' ? registered.result?.['stdout'] : ''), /Setting up socat/);

	const second = await runJson(join(site, 'present.yml'));
	t.is(second.code, 0, second.output);
	t.deepEqual(second.changed, Object.fromEntries(lab().hosts.map(host => [host.name, 0])));
	t.like(second.reported[0], {status: 'ok', msg: 'socat, conntrack: installed'});
});

test.serial('--diff shows the packages and their versions, before and after', async t => {
	// The hosts have socat from the test before; a purge shows it going.
	const [host] = lab().hosts;
	const check = await pb(['run', join(site, 'absent.yml'), '-i', lab().inventoryPath, '--check', '--diff', '--limit', host!.name]);
	t.is(check.code, 0, check.stdout + check.stderr);
	const expected = `-socat: ${repository.versions['socat']!}\n+socat: absent`;
	t.true(check.stdout.includes(expected), `${expected}\nnot in:\n${check.stdout}`);
});

test.serial('absent with purge removes the package and its configuration, as --check said; the second run changes nothing', async t => {
	t.timeout(3 * 60_000);
	const {real} = await checkThenRunJson(t, join(site, 'absent.yml'));
	for (const host of lab().hosts) {
		t.like(real.reported.find(result => result.host === host.name), {status: 'changed', msg: `purged socat ${repository.versions['socat']!}`});
		t.is(await sh(t, host, 'dpkg-query -W -f=\'${db:Status-Abbrev}\' socat 2>/dev/null || echo gone'), 'gone\n');
		t.is(await sh(t, host, 'dpkg-query -W -f=\'${Package}\\n\' conntrack'), 'conntrack\n');
	}

	t.deepEqual((await runJson(join(site, 'absent.yml'))).changed, Object.fromEntries(lab().hosts.map(host => [host.name, 0])));
});

test.serial('name=version and cache_valid_time: lists fresh enough are not fetched again', async t => {
	t.timeout(3 * 60_000);
	const {real} = await checkThenRunJson(t, join(site, 'version.yml'));
	const registered = real.events.find(event => event.kind === 'host-result' && event.task === 'packages');
	t.like(registered?.kind === 'host-result' ? registered.result : {}, {changed: true, cache_updated: false});
	for (const host of lab().hosts) {
		t.is(await sh(t, host, 'dpkg-query -W -f=\'${Version}\' socat'), repository.versions['socat']!);
	}

	t.deepEqual((await runJson(join(site, 'version.yml'))).changed, Object.fromEntries(lab().hosts.map(host => [host.name, 0])));
});

test.serial('update_cache alone updates the lists, and says so; an update that fetches nothing new changes nothing, as Ansible counts it', async t => {
	for (const host of lab().hosts) {
		await sh(t, host, 'find /var/lib/apt/lists -maxdepth 1 -type f -name \'*Packages*\' -delete');
	}

	const {real} = await checkThenRunJson(t, join(site, 'cache-only.yml'));
	t.like(real.reported[0], {status: 'changed', msg: 'apt-get update'});
	const registered = real.events.find(event => event.kind === 'host-result' && event.task === 'packages');
	t.like(registered?.kind === 'host-result' ? registered.result : {}, {cache_updated: true});

	// The mirror answers 304 to the lists apt has: the update leaves their time as it was.
	const again = await runJson(join(site, 'cache-only.yml'));
	t.like(again.reported[0], {status: 'ok'});
	const unchanged = again.events.find(event => event.kind === 'host-result' && event.task === 'packages');
	t.like(unchanged?.kind === 'host-result' ? unchanged.result : {}, {cache_updated: false});
});

test.serial('deb: a package file from a URL installs with what it depends on; the same version again is nothing to do', async t => {
	t.timeout(3 * 60_000);
	const {real} = await checkThenRunJson(t, join(site, 'deb.yml'));
	for (const host of lab().hosts) {
		t.like(real.reported.find(result => result.host === host.name), {status: 'changed'});
		t.true(real.reported.find(result => result.host === host.name)?.msg.includes(`ipset ${repository.versions['ipset']!}`));
		t.is(await sh(t, host, 'dpkg-query -W -f=\'${Package}\\n\' ipset libipset13'), 'ipset\nlibipset13\n');
	}

	const second = await runJson(join(site, 'deb.yml'));
	t.deepEqual(second.changed, Object.fromEntries(lab().hosts.map(host => [host.name, 0])));
	t.like(second.reported[0], {status: 'ok', msg: `ipset ${repository.versions['ipset']!}: installed`});
});

test.serial('package: apt, picked from the pkg_mgr fact, installs as apt does; --check predicts it and changes nothing', async t => {
	t.timeout(3 * 60_000);
	const {real} = await checkThenRunJson(t, join(site, 'package.yml'));
	for (const host of lab().hosts) {
		const reported = real.reported.find(result => result.host === host.name && result.task === 'packages');
		t.is(reported?.status, 'changed');
		t.true(reported?.msg.includes(`ebtables ${repository.versions['ebtables']!}`), reported?.msg);
		t.is(await sh(t, host, 'dpkg-query -W -f=\'${Version}\' ebtables'), repository.versions['ebtables']!);
	}

	t.deepEqual((await runJson(join(site, 'package.yml'))).changed, Object.fromEntries(lab().hosts.map(host => [host.name, 0])));
});

test.serial('package_facts: the installed packages by name, as Ansible gives them; --check reads them too and changes nothing', async t => {
	const {real} = await checkThenRunJson(t, join(site, 'facts.yml'));
	for (const host of lab().hosts) {
		t.like(real.reported.find(result => result.host === host.name && result.task === 'conntrack'), {status: 'ok', msg: `${repository.versions['conntrack']!} amd64 apt True`});
	}
});

test.serial('apt_repository adds the source and updates the lists, and apt installs from it: --check predicts both and changes nothing; absent removes it', async t => {
	t.timeout(5 * 60_000);
	for (const host of lab().hosts) {
		await lab().resetHost(host);
		await sh(t, host, 'rm -rf /etc/apt/sources.list.d/* /var/lib/apt/lists/* && : > /etc/apt/sources.list');
	}

	const list = `/etc/apt/sources.list.d/${repository.url.replace(/^http:\/\//, '').replaceAll(/[^a-zA-Z0-9]/g, '_')}.list`;
	const {real} = await checkThenRunJson(t, join(site, 'repository.yml'));
	for (const host of lab().hosts) {
		const reported = real.reported.filter(result => result.host === host.name);
		t.deepEqual(reported.map(({task, status}) => `${task}: ${status}`), ['repository: changed', 'packages: changed']);
		t.is(reported[0]?.msg, `${list}: new file`);
		t.is(await sh(t, host, `cat ${list}`), `${repository.source}\n`);
	}

	t.deepEqual((await runJson(join(site, 'repository.yml'))).changed, Object.fromEntries(lab().hosts.map(host => [host.name, 0])));
	const {real: removed} = await checkThenRunJson(t, join(site, 'repository-absent.yml'));
	t.like(removed.reported[0], {status: 'changed', msg: `${list}: removed`});
	t.deepEqual((await runJson(join(site, 'repository-absent.yml'))).changed, Object.fromEntries(lab().hosts.map(host => [host.name, 0])));
});

test.serial('without package lists and without update_cache, a package is not found, in --check too, as Ansible says it', async t => {
	t.timeout(3 * 60_000);
	await freshHosts(t);
	const [host] = lab().hosts;
	for (const flags of [['--check'], []]) {
		const run = await runJson(join(site, 'no-lists.yml'), '--limit', host!.name, ...flags);
		t.is(run.code, 2, run.output);
		t.like(run.reported[0], {status: 'failed', msg: 'No package matching \'socat\' is available'});
	}
});

test.serial('a bad parameter is rejected with file:line:col before any host is contacted', async t => {
	const dir = workspace({'bad.yml': '- hosts: lab\n  gather_facts: false\n  tasks:\n    - apt: {name: socat, state: newest}\n'});
	const before = await Promise.all(lab().hosts.map(async host => logins(t, host)));
	const result = await pb(['run', join(dir, 'bad.yml'), '-i', lab().inventoryPath]);
	t.is(result.code, 4);
	const output = result.stdout + result.stderr;
	t.regex(output, /bad\.yml:4:\d+/);
	t.true(output.includes('apt: parameter \'state\' must be one of present, absent, latest, fixed; got `"newest"` (string)'), output);
	t.deepEqual(await Promise.all(lab().hosts.map(async host => logins(t, host))), before.map(count => count + 1));
});
