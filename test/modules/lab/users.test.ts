import {join} from 'node:path';
import test from 'ava';
import {labRuns} from '../../helpers/lab-runs.js';
import {workspace} from '../../helpers/playbook-run.js';
import {useLab} from '../../lab/use-lab.js';

/*
 * group, user and authorized_key on real Debian hosts, through pb's command line: a group, a user
 * in it with a password hash and keys (which --check must predict from the user the task before
 * would make), a system user, a Debian user and group removed.
 */

const lab = useLab(test, {hosts: 2});
const {pb, runJson, sh, snapshotAll, assertUnchanged, checkThenRunJson, rejectsBeforeAnyHost} = labRuns(lab);

const hash = '$6$Hl3qUAhmFXUYGSGu$yMbIhlMLCiO9g8MApwuuh6C2ut1E7ocUxkxqhmC.BXNhMgzXoc3kCS2kErQMrm8OhE8ZcPjuqZkgrH4MwZVbz.';
const key = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIMs2l3s9zs2M0+S4ZLiDO9CRzgxNH5jAVTyKMODBDlx alice@laptop';

const site = workspace({
	'site.yml': `- hosts: lab
  gather_facts: false
  tasks:
    - name: ops group
      group:
        name: ops
    - name: deploy user
      user:
        name: deploy
        comment: Deployments
        shell: /bin/bash
        groups: [ops, adm]
        password: '${hash}'
    - name: deploy's key
      authorized_key:
        user: deploy
        key: ${key}
        key_options: no-port-forwarding
    - name: system user
      user:
        name: exporter
        system: true
        create_home: false
    - name: a Debian user removed
      user:
        name: games
        state: absent
    - name: a Debian group removed
      group:
        name: voice
        state: absent
`,
});

test.serial('fresh hosts: --check predicts exactly what the run does and changes nothing; the second run changes nothing', async t => {
	t.timeout(5 * 60_000);
	const playbook = join(site, 'site.yml');
	const {check, real} = await checkThenRunJson(t, playbook);
	t.false(real.output.includes(hash) || check.output.includes(hash), 'the hash is never shown');
	const [first] = lab().hosts;
	const mine = (task: string) => real.reported.find(result => result.host === first!.name && result.task === task);
	t.like(mine('ops group'), {status: 'changed', msg: 'group ops created with gid 1000', diff: [{header: 'group ops', before: '/etc/group: no ops\n', after: '/etc/group: ops:x:1000:\n'}]});
	t.like(mine('deploy user'), {
		status: 'changed', msg: 'user deploy created',
		diff: [{
			header: 'user deploy',
			before: '/etc/passwd: no deploy\n/etc/group: adm:x:4:\n/etc/group: ops:x:1000:\nhome directory: absent\n',
			after: '/etc/passwd: deploy:x:1000:1001:Deployments:/home/deploy:/bin/bash\n/etc/group: adm:x:4:deploy\n/etc/group: ops:x:1000:deploy\n/etc/group: deploy:x:1001:\npassword: (not shown), changed\nhome directory: /home/deploy\n',
		}],
	});
	t.like(mine('deploy\'s key'), {status: 'changed', diff: [{header: '/home/deploy/.ssh/authorized_keys', before: '', after: `no-port-forwarding ${key}\n`}]});
	t.like(mine('system user'), {status: 'changed', diff: [{after: '/etc/passwd: exporter:x:999:997::/home/exporter:/bin/sh\n/etc/group: exporter:x:997:\n'}]});
	t.like(mine('a Debian user removed'), {status: 'changed', msg: 'user games removed'});
	t.like(mine('a Debian group removed'), {status: 'changed', msg: 'group voice removed'});

	for (const host of lab().hosts) {
		t.is(await sh(t, host, 'getent passwd deploy exporter games; id -Gn deploy; getent group voice || echo no voice'), 'deploy:x:1000:1001:Deployments:/home/deploy:/bin/bash\nexporter:x:999:997::/home/exporter:/bin/sh\ndeploy adm ops\nno voice\n');
		t.is(await sh(t, host, 'getent shadow deploy | cut -d: -f2'), `${hash}\n`);
		t.is(await sh(t, host, 'stat -c "%a %U %G" /home/deploy /home/deploy/.ssh /home/deploy/.ssh/authorized_keys'), '755 deploy deploy\n700 deploy deploy\n600 deploy deploy\n');
	}

	const second = await runJson(playbook);
	t.is(second.code, 0);
	t.deepEqual(second.changed, Object.fromEntries(lab().hosts.map(host => [host.name, 0])));
});

test.serial('--diff prints the passwd and group lines, the key file, and never the hash', async t => {
	t.timeout(3 * 60_000);
	const dir = workspace({
		'change.yml': `- hosts: lab
  gather_facts: false
  tasks:
    - name: deploy leaves adm, gets a new password
      user:
        name: deploy
        groups: [ops]
        password: '${hash.replace('Hl3q', 'Zz9q')}'
    - name: a second key
      authorized_key:
        user: deploy
        key: ${key.replace('alice@laptop', 'alice@desk').replace('IIMs', 'IIMt')}
`,
	});
	const [host] = lab().hosts;
	const snapshots = await snapshotAll();
	const result = await pb(['run', join(dir, 'change.yml'), '-i', lab().inventoryPath, '--check', '--diff', '--limit', host!.name]);
	t.is(result.code, 0, result.stdout);
	await assertUnchanged(t, snapshots);
	const expected = [
		'--- before: user deploy\n+++ after: user deploy\n',
		' /etc/passwd: deploy:x:1000:1001:Deployments:/home/deploy:/bin/bash\n-/etc/group: adm:x:4:deploy\n-password: (not shown)\n+/etc/group: adm:x:4:\n+password: (not shown), changed\n',
		'--- before: /home/deploy/.ssh/authorized_keys\n+++ after: /home/deploy/.ssh/authorized_keys\n',
		'+ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIMt',
	];
	for (const text of expected) {
		t.true(result.stdout.includes(text), `${text}\nnot in:\n${result.stdout}`);
	}

	t.false(result.stdout.includes('$6$'), 'no hash in the output');
	t.regex(result.stdout, /changed=2 /);
});

for (const [module, task, line, message] of [
	['user', 'user: {name: deploy, non_unique: true}', 4, 'non_unique is true but all of the following are missing: uid'],
	['group', 'group: {name: ops, gid: -1}', 4, 'group: parameter \'gid\' must be 0 or more'],
	['authorized_key', 'authorized_key: {user: deploy, key: \'https://example.com/keys\'}', 4, 'pb does not fetch keys from URLs'],
] as const) {
	test.serial(`${module}: a bad parameter is rejected with file:line before any host is contacted`, async t => {
		await rejectsBeforeAnyHost(t, `    - ${task}
`, line, message);
	});
}
