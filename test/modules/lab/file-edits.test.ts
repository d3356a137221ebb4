import {join} from 'node:path';
import test from 'ava';
import {labRuns} from '../../helpers/lab-runs.js';
import {workspace} from '../../helpers/playbook-run.js';
import {useLab} from '../../lab/use-lab.js';

/*
 * lineinfile, blockinfile, replace and cron on real Debian hosts, through pb's command line. The
 * edits follow each other in one file, so --check must predict each from the one before it. The
 * lab's hosts have no cron: cron is tested with cron_file (which needs no crontab command); a
 * user's crontab fails there with a clear message.
 */

const lab = useLab(test, {hosts: 2});
const {runJson, sh, rejectsBeforeAnyHost, checkThenRunJson, checkDiffOn} = labRuns(lab);

const site = workspace({
	'site.yml': `- hosts: lab
  gather_facts: false
  tasks:
    - name: a new file
      lineinfile:
        path: /etc/pb-edits/app.conf
        line: '# app settings'
        create: true
        mode: '0640'
    - name: a setting
      lineinfile:
        path: /etc/pb-edits/app.conf
        regexp: '^listen='
        line: listen=8080
        insertafter: '^# app'
        validate: grep -q '^listen=8080$' %s
    - name: a block of upstreams
      blockinfile:
        path: /etc/pb-edits/app.conf
        insertbefore: '^listen='
        block: |
          upstream=10.0.0.1
          upstream=10.0.0.2
    - name: a note under the title
      replace:
        path: /etc/pb-edits/app.conf
        regexp: '^(# app settings)\\n(?!# edited)'
        replace: '\\1\\n# edited by pb\\n'
    - name: sshd allows fewer tries
      replace:
        path: /etc/ssh/sshd_config
        regexp: '^#MaxAuthTries 6$'
        replace: MaxAuthTries 4
        validate: /usr/sbin/sshd -t -f %s
    - name: the cron.d directory
      file:
        path: /etc/cron.d
        state: directory
    - name: a nightly job
      cron:
        name: prune
        minute: '30'
        hour: '3'
        user: root
        job: /usr/bin/find /tmp -mtime +7 -delete
        cron_file: pb-prune
    - name: its variable
      cron:
        name: MAILTO
        env: true
        job: ''
        user: root
        cron_file: pb-prune
`,
});

const app = 'upstream=10.0.0.1\nupstream=10.0.0.2\n';
const head = '# app settings\n# edited by pb\n';
const block = `# BEGIN ANSIBLE MANAGED BLOCK\n${app}# END ANSIBLE MANAGED BLOCK\n`;
const cronFile = 'MAILTO=""\n#Ansible: prune\n30 3 * * * root /usr/bin/find /tmp -mtime +7 -delete\n';

test.serial('fresh hosts: --check predicts every edit from the one before and changes nothing; the run does it; the second run changes nothing', async t => {
	t.timeout(5 * 60_000);
	const playbook = join(site, 'site.yml');
	const {real} = await checkThenRunJson(t, playbook);
	const [first] = lab().hosts;
	const mine = (task: string) => real.reported.find(result => result.host === first!.name && result.task === task);
	t.like(mine('a new file'), {status: 'changed', msg: 'line added and ownership, perms or SE linux context changed'});
	t.like(mine('a setting'), {status: 'changed', msg: 'line added', diff: [{before: '# app settings\n', after: '# app settings\nlisten=8080\n'}]});
	t.like(mine('a block of upstreams'), {status: 'changed', msg: 'Block inserted'});
	t.like(mine('a note under the title'), {status: 'changed', msg: '1 replacements made', diff: [{after: `${head}${block}listen=8080\n`}]});
	t.like(mine('sshd allows fewer tries'), {status: 'changed', msg: '1 replacements made'});
	t.like(mine('a nightly job'), {status: 'changed', diff: [{header: '/etc/cron.d/pb-prune', before: '', after: '#Ansible: prune\n30 3 * * * root /usr/bin/find /tmp -mtime +7 -delete\n'}]});
	t.like(mine('its variable'), {status: 'changed', diff: [{after: cronFile}]});

	for (const host of lab().hosts) {
		t.is(await sh(t, host, 'cat /etc/pb-edits/app.conf'), `${head}${block}listen=8080\n`);
		t.is(await sh(t, host, 'stat -c %a /etc/pb-edits/app.conf /etc/cron.d/pb-prune'), '640\n644\n');
		t.is(await sh(t, host, 'grep -c "^MaxAuthTries 4$" /etc/ssh/sshd_config'), '1\n');
		t.is(await sh(t, host, 'cat /etc/cron.d/pb-prune'), cronFile);
	}

	const second = await runJson(playbook);
	t.is(second.code, 0, second.output);
	t.deepEqual(second.changed, Object.fromEntries(lab().hosts.map(host => [host.name, 0])));
});

test.serial('--diff prints unified diffs of each edit; backup keeps the file replaced; a validate that fails leaves the file', async t => {
	t.timeout(3 * 60_000);
	const dir = workspace({
		'again.yml': `- hosts: lab
  gather_facts: false
  tasks:
    - lineinfile: {path: /etc/pb-edits/app.conf, regexp: '^listen=', line: listen=9090, backup: true}
      register: edited
    - blockinfile: {path: /etc/pb-edits/app.conf, state: absent}
    - replace: {path: /etc/pb-edits/app.conf, regexp: '9090', replace: '9091', validate: 'false %s'}
      ignore_errors: true
    - cron: {name: prune, state: absent, cron_file: pb-prune}
    - copy: {dest: /etc/pb-edits/backup-name, content: '{{ edited.backup }}'}
`,
	});
	const playbook = join(dir, 'again.yml');
	const [host] = lab().hosts;
	const stdout = await checkDiffOn(t, playbook, host!);
	for (const text of [
		'--- before: /etc/pb-edits/app.conf\n+++ after: /etc/pb-edits/app.conf\n',
		'-listen=8080\n+listen=9090',
		'-# BEGIN ANSIBLE MANAGED BLOCK\n-upstream=10.0.0.1\n-upstream=10.0.0.2\n-# END ANSIBLE MANAGED BLOCK\n listen=9090',
		'-listen=9090\n+listen=9091',
		'--- before: /etc/cron.d/pb-prune\n+++ after: /etc/cron.d/pb-prune\n@@ -1,3 +1,1 @@\n MAILTO=""\n-#Ansible: prune',
	]) {
		t.true(stdout.includes(text), `${text}\nnot in:\n${stdout}`);
	}

	const real = await runJson(playbook, '--limit', host!.name);
	t.is(real.code, 0, real.output);
	t.like(real.reported.find(result => result.task === 'replace'), {status: 'failed'});
	t.is(await sh(t, host!, 'cat /etc/pb-edits/app.conf'), `${head}listen=9090\n`, 'the file validate refused was not written');
	const backup = await sh(t, host!, 'cat /etc/pb-edits/backup-name');
	t.regex(backup, /^\/etc\/pb-edits\/app\.conf\.\d{4}-\d\d-\d\d@\d\d:\d\d:\d\d~$/);
	t.is(await sh(t, host!, `cat ${backup}`), `${head}${block}listen=8080\n`);
	t.is(await sh(t, host!, 'cat /etc/cron.d/pb-prune'), 'MAILTO=""\n');
});

test.serial('cron without cron_file on a host without crontab fails saying what to do', async t => {
	const dir = workspace({'user.yml': '- hosts: lab\n  gather_facts: false\n  tasks:\n    - cron: {name: j, job: /bin/true}\n'});
	const result = await runJson(join(dir, 'user.yml'), '--limit', lab().hosts[0]!.name);
	t.is(result.code, 2);
	t.like(result.reported[0], {status: 'failed', msg: 'Failed to find required executable "crontab": install cron on the host, or give cron_file to write a file in /etc/cron.d instead'});
});

for (const [module, task, message] of [
	['lineinfile', 'lineinfile: {path: /etc/x, line: a, insertafter: EOF, insertbefore: BOF}', 'lineinfile: parameters are mutually exclusive: insertbefore|insertafter'],
	['blockinfile', 'blockinfile: {path: etc/x, block: a}', 'blockinfile: path etc/x must be an absolute path on the host'],
	['replace', 'replace: {path: /etc/x, regexp: \'(unclosed\'}', 'replace: regexp "(unclosed" is not a regular expression'],
	['cron', 'cron: {name: j, job: /bin/true, cron_file: pb-j}', 'cron: To use cron_file=... parameter you must specify user=... as well'],
] as const) {
	test.serial(`${module}: a bad parameter is rejected with file:line:col before any host is contacted`, async t => {
		await rejectsBeforeAnyHost(t, `    - ${task}
`, 4, message);
	});
}
