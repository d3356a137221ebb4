import {join} from 'node:path';
import test from 'ava';
import {changedSinceLoad} from '../../../modules/systemd/script.js';
import {labRuns} from '../../helpers/lab-runs.js';
import {workspace} from '../../helpers/playbook-run.js';
import type {LabHost} from '../../lab/lab.js';
import {useLab} from '../../lab/use-lab.js';

/*
 * template, systemd and sysctl on real Debian hosts, through pb's command line. A net.* sysctl
 * set here stays in the host's network namespace; fs.may_detach_mounts is gone from the kernel
 * these hosts share with the machine.
 */

const lab = useLab(test, {hosts: 3});
const {pb, runJson, sh, snapshotAll, assertUnchanged, rejectsBeforeAnyHost} = labRuns(lab);

const unit = `[Unit]
Description=pb lab sleeper
[Service]
ExecStart=/bin/sleep infinity
[Install]
WantedBy=multi-user.target
`;

const site = workspace({
	'templates/app.conf.hbs': 'host={{ inventory_hostname }}\naddress={{ ansible_host }}\nport={{ port }}\n',
	'site.yml': `- hosts: lab
  gather_facts: false
  vars:
    port: 8080
  tasks:
    - name: config from a template
      template:
        src: app.conf.hbs
        dest: /etc/pb-app.conf
        mode: '0640'
        validate: grep -q ^host= %s
    - name: unit file
      copy:
        dest: /etc/systemd/system/pb-sleep.service
        content: ${JSON.stringify(unit)}
    - name: sleeper enabled and running
      systemd:
        name: pb-sleep
        state: started
        enabled: true
        daemon_reload: true
    # Already so after the task above: --check must know it too.
    - name: sleeper still enabled and running
      systemd:
        name: pb-sleep
        state: started
        enabled: true
    - name: forwarding
      sysctl:
        name: net.ipv4.ip_forward
        value: '1'
    - name: port range in sysctl.conf
      sysctl:
        name: net.ipv4.ip_local_port_range
        value: "20000   40000"
        sysctl_file: /etc/sysctl.conf
    - name: a key recent kernels lack
      sysctl:
        name: fs.may_detach_mounts
        value: '1'
        ignore_missing: true
`,
});

test.serial('fresh hosts: --check predicts exactly what the run does and changes nothing; the second run changes nothing', async t => {
	t.timeout(5 * 60_000);
	const playbook = join(site, 'site.yml');
	const snapshots = await snapshotAll();
	const check = await runJson(playbook, '--check', '--diff');
	t.is(check.code, 0, JSON.stringify(check.reported, undefined, 1));
	await assertUnchanged(t, snapshots);

	const real = await runJson(playbook, '--diff');
	t.is(real.code, 0);
	t.deepEqual(real.reported, check.reported, 'check mode reported what the real run did');
	const [first] = lab().hosts;
	const mine = (task: string) => real.reported.find(result => result.host === first!.name && result.task === task);
	const rendered = (host: LabHost) => `host=${host.name}\naddress=${host.address}\nport=8080\n`;
	t.like(mine('config from a template'), {status: 'changed', msg: `/etc/pb-app.conf: new file, ${rendered(first!).length} bytes`, diff: [{after: rendered(first!)}, {after: 'mode: 0640\n'}]});
	t.like(mine('sleeper enabled and running'), {
		status: 'changed', msg: 'pb-sleep.service: enabled, started',
		diff: [{header: 'pb-sleep.service', before: 'enabled: false\nstate: inactive\n', after: 'enabled: true\nstate: active\n'}],
	});
	t.like(mine('sleeper still enabled and running'), {status: 'ok', msg: 'pb-sleep.service is already as wanted (enabled: true, state: active)'});
	t.like(mine('forwarding'), {status: 'changed', msg: 'net.ipv4.ip_forward = 1: set live, written to /etc/sysctl.d/99-pb.conf'});
	t.like(mine('port range in sysctl.conf'), {status: 'changed', msg: 'net.ipv4.ip_local_port_range = 20000 40000: set live, written to /etc/sysctl.conf'});
	t.like(mine('a key recent kernels lack'), {status: 'changed', msg: 'fs.may_detach_mounts = 1: written to /etc/sysctl.d/99-pb.conf'});
	const warnings = real.events.flatMap(event => (event.kind === 'warning' ? [event.msg] : []));
	t.true(warnings.some(msg => msg.startsWith('fs.may_detach_mounts does not exist on this host\'s kernel')), warnings.join('\n'));

	for (const host of lab().hosts) {
		t.is(await sh(t, host, 'cat /etc/pb-app.conf'), rendered(host));
		t.is(await sh(t, host, 'stat -c %a /etc/pb-app.conf'), '640\n');
		t.is(await sh(t, host, 'systemctl is-enabled pb-sleep; systemctl is-active pb-sleep'), 'enabled\nactive\n');
		t.is(await sh(t, host, 'cat /proc/sys/net/ipv4/ip_forward /proc/sys/net/ipv4/ip_local_port_range'), '1\n20000\t40000\n');
		t.is(await sh(t, host, 'cat /etc/sysctl.d/99-pb.conf'), 'net.ipv4.ip_forward = 1\nfs.may_detach_mounts = 1\n');
		const conf = await sh(t, host, 'cat /etc/sysctl.conf');
		t.regex(conf, /^#net\.ipv4\.ip_forward=1$/m, 'Debian\'s comments are kept');
		t.true(conf.endsWith('\nnet.ipv4.ip_local_port_range = 20000 40000\n'));
	}

	const second = await runJson(playbook);
	t.is(second.code, 0);
	t.deepEqual(second.changed, Object.fromEntries(lab().hosts.map(host => [host.name, 0])));
});

test.serial('--diff prints unified diffs: the rendered file, the unit key by key, the sysctl live and in its file', async t => {
	t.timeout(3 * 60_000);
	const playbook = join(site, 'site.yml');
	const [host] = lab().hosts;
	await sh(t, host!, 'systemctl stop pb-sleep && systemctl disable pb-sleep && sysctl -qw net.ipv4.ip_forward=0');
	const snapshots = await snapshotAll();
	const result = await pb(['run', playbook, '-i', lab().inventoryPath, '--check', '--diff', '--limit', host!.name, '-e', 'port=9090']);
	t.is(result.code, 0, result.stdout);
	await assertUnchanged(t, snapshots);
	const expected = [
		'--- before: /etc/pb-app.conf\n+++ after: /etc/pb-app.conf\n@@ -1,3 +1,3 @@\n host=pblab',
		'-port=8080\n+port=9090',
		'--- before: pb-sleep.service\n+++ after: pb-sleep.service\n@@ -1,2 +1,2 @@\n-enabled: false\n-state: inactive\n+enabled: true\n+state: active',
		'--- before: net.ipv4.ip_forward (live)\n+++ after: net.ipv4.ip_forward (live)\n@@ -1,1 +1,1 @@\n-net.ipv4.ip_forward = 0\n+net.ipv4.ip_forward = 1',
	];
	for (const text of expected) {
		t.true(result.stdout.includes(text), `${text}\nnot in:\n${result.stdout}`);
	}

	t.regex(result.stdout, /changed=3 /);
	t.is((await runJson(playbook, '--limit', host!.name)).code, 0, 'the real run puts the host back');
});

test.serial('a handler restarts the unit only when its file changed, after a daemon-reload, and --check predicts both', async t => {
	const dir = workspace({
		'restart.yml': `- hosts: lab
  gather_facts: false
  tasks:
    - name: unit file, now with a description of its own
      copy:
        dest: /etc/systemd/system/pb-sleep.service
        content: ${JSON.stringify(unit.replace('pb lab sleeper', 'pb lab sleeper, restarted'))}
      notify: restart sleeper
  handlers:
    - name: restart sleeper
      systemd:
        name: pb-sleep.service
        state: restarted
        daemon_reload: true
`,
	});
	t.timeout(3 * 60_000);
	const playbook = join(dir, 'restart.yml');
	const [host] = lab().hosts;
	const pid = await sh(t, host!, 'systemctl show -p MainPID --value pb-sleep');
	const snapshots = await snapshotAll();
	const check = await runJson(playbook, '--check', '--diff', '--limit', host!.name);
	await assertUnchanged(t, snapshots);
	const real = await runJson(playbook, '--diff', '--limit', host!.name);
	t.deepEqual(real.reported, check.reported);
	t.like(real.reported.find(result => result.task === 'restart sleeper'), {
		status: 'changed', msg: 'pb-sleep.service: daemon reloaded, restarted',
		diff: [{header: 'pb-sleep.service', before: 'daemon_reload: needed (pb-sleep.service changed on disk)\nstate: active\n', after: 'daemon_reload: done\nstate: active (restarted)\n'}],
	});
	t.not(await sh(t, host!, 'systemctl show -p MainPID --value pb-sleep'), pid, 'a new process runs');
	t.is(await sh(t, host!, 'systemctl show -p Description --value pb-sleep; systemctl show -p NeedDaemonReload --value pb-sleep'), 'pb lab sleeper, restarted\nno\n');
	const again = await runJson(playbook, '--limit', host!.name);
	t.deepEqual(again.reported.map(result => [result.task, result.status]), [['unit file, now with a description of its own', 'ok']], 'no change, so no handler');
});

test.serial('daemon_reload: a drop-in added or removed, a unit file touched since systemd\'s last load are seen without asking every unit', async t => {
	t.timeout(3 * 60_000);
	const [host] = lab().hosts;
	const unchanged = async (): Promise<boolean> => {
		const result = await lab().ssh(host!, changedSinceLoad);
		t.regex(result.stdout, /^unit-paths \/etc\/systemd\/system .*\n(since-load unchanged|(since-load changed \/etc\/systemd\/system\S*\n?)+)\n$/);
		t.is(result.exitCode, result.stdout.endsWith('unchanged\n') ? 0 : 1);
		return result.exitCode === 0;
	};

	// A clock tick after the edit before the load, as a task after a task is.
	const reloaded = async () => sh(t, host!, 'sleep 0.05; systemctl daemon-reload');
	await reloaded();
	t.true(await unchanged(), 'nothing changed since the reload');
	await sh(t, host!, 'systemctl enable -q pb-sleep; systemctl disable -q pb-sleep; systemctl enable -q --now pb-sleep');
	t.true(await unchanged(), 'enable and disable change links only, and reload on their own');

	await sh(t, host!, 'mkdir /etc/systemd/system/pb-sleep.service.d');
	t.false(await unchanged(), 'a new drop-in directory');
	await reloaded();
	// systemd 252 itself says NeedDaemonReload=no after the copy: its cache of paths is from the load.
	const playbook = join(workspace({'drop-in.yml': `- hosts: lab
  gather_facts: false
  tasks:
    - copy:
        dest: /etc/systemd/system/pb-sleep.service.d/nice.conf
        content: "[Service]\\nNice=5\\n"
    - systemd: {daemon_reload: true}
`}), 'drop-in.yml');
	const check = await runJson(playbook, '--limit', host!.name, '--check', '--diff');
	const real = await runJson(playbook, '--limit', host!.name, '--diff');
	t.deepEqual(real.reported, check.reported, '--check foresees the reload');
	t.like(real.reported[1], {status: 'changed', msg: 'daemon reloaded', diff: [{before: 'daemon_reload: needed (pb-sleep.service changed on disk)\n'}]});
	t.is(await sh(t, host!, 'systemctl show -p DropInPaths -p Nice --value pb-sleep'), '5\n/etc/systemd/system/pb-sleep.service.d/nice.conf\n', 'the drop-in is loaded');
	t.true(await unchanged());
	t.like((await runJson(playbook, '--limit', host!.name)).reported, [{status: 'ok'}, {status: 'ok', msg: 'no unit file changed on disk: no daemon-reload needed'}]);

	await sh(t, host!, 'rm -r /etc/systemd/system/pb-sleep.service.d');
	t.false(await unchanged(), 'a drop-in directory removed');
	await reloaded();
	await sh(t, host!, 'touch -d 2001-01-01 /etc/systemd/system/pb-sleep.service');
	t.false(await unchanged(), 'a unit file given an old mtime: its ctime is new');
	await reloaded();
	t.true(await unchanged());
});

for (const [module, task, line, message] of [
	['template', 'template: {src: app.conf.hbs, dest: /etc/x.conf, mode: 644}', 4, 'mode 644 is the decimal number 644'],
	['systemd', 'systemd: {name: pb-sleep, state: started, masked: true}', 4, 'systemd: masked: true contradicts state: started'],
	['sysctl', 'sysctl: {name: net.ipv4.ip_forward, value: \'1\', stat: present}', 4, 'sysctl: unknown parameter \'stat\''],
] as const) {
	test.serial(`${module}: a bad parameter is rejected with file:line before any host is contacted`, async t => {
		await rejectsBeforeAnyHost(t, `    - ${task}\n`, line, message);
	});
}
