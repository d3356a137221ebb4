import {join} from 'node:path';
import test, {type ExecutionContext} from 'ava';
import {labRuns} from '../../helpers/lab-runs.js';
import {workspace} from '../../helpers/playbook-run.js';
import type {LabHost} from '../../lab/lab.js';
import {useLab} from '../../lab/use-lab.js';

/*
 * service, service_facts, hostname, modprobe and mount on real Debian hosts, through pb's command
 * line. The hosts share the machine's kernel, which has no loadable modules (no /proc/modules)
 * and hides /sys/module from containers: each host gets a modules.builtin naming two modules, as
 * a kernel with them built in has, so modprobe's persistence can be shown; any other module gets
 * the clear failure. tmpfs and bind mounts work inside the hosts (nspawn leaves them
 * CAP_SYS_ADMIN), and so does hostnamectl.
 */

const lab = useLab(test, {hosts: 2});
const {pb, runJson, sh, snapshotAll, assertUnchanged, rejectsBeforeAnyHost} = labRuns(lab);

const unit = `[Unit]
Description=pb lab web
[Service]
ExecStart=/bin/sleep infinity
[Install]
WantedBy=multi-user.target
`;

const fstab = '# /etc/fstab: static file system information.\n/dev/vda1 / ext4 errors=remount-ro 0 1\n/swapfile none swap sw 0 0\n';

const site = workspace({
	'site.yml': `- hosts: lab
  gather_facts: false
  tasks:
    - name: services as they are
      service_facts:
    - name: sshd is among them
      assert:
        that: ansible_facts.services['ssh.service'].state == 'running' and ansible_facts.services['ssh.service'].source == 'systemd'
    - name: unit file
      copy:
        dest: /etc/systemd/system/pb-web.service
        content: ${JSON.stringify(unit)}
    - name: web service enabled and running
      service:
        name: pb-web
        state: started
        enabled: true
    - name: host name
      hostname:
        name: web-{{ inventory_hostname }}
    - name: br_netfilter at boot
      community.general.modprobe:
        name: br_netfilter
        persistent: present
    - name: bridge with options at boot
      community.general.modprobe:
        name: bridge
        params: multicast_snooping=0
        persistent: present
    - name: scratch tmpfs
      ansible.posix.mount:
        path: /srv/scratch
        src: tmpfs
        fstype: tmpfs
        opts: size=16m
        state: mounted
    - name: data directory
      file:
        path: /srv/data
        state: directory
    - name: data bound under /mnt
      ansible.posix.mount:
        path: /mnt/data
        src: /srv/data
        fstype: none
        opts: bind
        state: mounted
    - name: a disk at boot, not mounted now
      ansible.posix.mount:
        path: /srv/disk
        src: UUID=0a1b2c3d
        fstype: ext4
        opts: noatime
        boot: false
        state: present
    - name: no swap at boot, as Kubernetes wants
      ansible.posix.mount:
        path: none
        src: /swapfile
        fstype: swap
        state: absent
`,
});

/** What each host holds once the playbook ran. */
async function assertHost(t: ExecutionContext, host: LabHost): Promise<void> {
	t.is(await sh(t, host, 'systemctl is-enabled pb-web; systemctl is-active pb-web'), 'enabled\nactive\n');
	t.is(await sh(t, host, 'hostname; cat /etc/hostname'), `web-${host.name}\nweb-${host.name}\n`);
	t.is(await sh(t, host, 'cat /etc/modules-load.d/br_netfilter.conf /etc/modules-load.d/bridge.conf /etc/modprobe.d/bridge.conf'), 'br_netfilter\nbridge\noptions bridge multicast_snooping=0\n');
	t.is(await sh(t, host, 'cat /etc/fstab'), '# /etc/fstab: static file system information.\n/dev/vda1 / ext4 errors=remount-ro 0 1\ntmpfs /srv/scratch tmpfs size=16m 0 0\n/srv/data /mnt/data none bind 0 0\nUUID=0a1b2c3d /srv/disk ext4 noatime,noauto 0 0\n');
	t.is(await sh(t, host, 'findmnt -n -o FSTYPE /srv/scratch; touch /srv/data/seen; ls /mnt/data'), 'tmpfs\nseen\n');
}

/**
 * Every host's upper dir, once systemd-hostnamed is stopped: hostnamectl starts it, and when idle
 * it exits and removes its private /var/tmp, which is no change of --check's.
 */
async function snapshotQuiet(t: ExecutionContext) {
	for (const host of lab().hosts) {
		await sh(t, host, 'systemctl stop systemd-hostnamed');
	}

	return snapshotAll();
}

test.before(async () => {
	await lab.ready();
	for (const host of lab().hosts) {
		const result = await lab().ssh(host, `mkdir -p /lib/modules/$(uname -r) && printf 'kernel/net/bridge/bridge.ko\\nkernel/net/bridge/br_netfilter.ko\\n' > /lib/modules/$(uname -r)/modules.builtin && printf '%s' '${fstab}' > /etc/fstab`);
		if (result.exitCode !== 0) {
			throw new Error(`${host.name}: ${result.stderr}`);
		}
	}
});

test.serial('fresh hosts: --check predicts exactly what the run does and changes nothing; the second run changes nothing', async t => {
	t.timeout(5 * 60_000);
	const playbook = join(site, 'site.yml');
	const snapshots = await snapshotQuiet(t);
	const check = await runJson(playbook, '--check', '--diff');
	t.is(check.code, 0, check.output);
	await assertUnchanged(t, snapshots);

	const real = await runJson(playbook, '--diff');
	t.is(real.code, 0, real.output);
	t.deepEqual(real.reported, check.reported, 'check mode reported what the real run did');
	const [first] = lab().hosts;
	const mine = (task: string) => real.reported.find(result => result.host === first!.name && result.task === task);
	t.like(mine('services as they are'), {status: 'ok'});
	t.like(mine('web service enabled and running'), {status: 'changed', msg: 'pb-web.service: enabled, started'});
	t.like(mine('host name'), {status: 'changed', msg: `host name set to web-${first!.name} (was ${first!.name} across reboots, ${first!.name} live)`});
	t.like(mine('br_netfilter at boot'), {status: 'changed', msg: 'br_netfilter: /etc/modules-load.d/br_netfilter.conf written'});
	t.like(mine('bridge with options at boot'), {status: 'changed', msg: 'bridge: /etc/modules-load.d/bridge.conf written, /etc/modprobe.d/bridge.conf written'});
	t.like(mine('scratch tmpfs'), {status: 'changed', msg: '/srv/scratch: written to /etc/fstab, mounted'});
	t.like(mine('data bound under /mnt'), {status: 'changed', msg: '/mnt/data: written to /etc/fstab, mounted'});
	t.like(mine('a disk at boot, not mounted now'), {status: 'changed', msg: '/srv/disk: written to /etc/fstab'});
	t.like(mine('no swap at boot, as Kubernetes wants'), {status: 'changed', msg: 'none: removed from /etc/fstab'});
	for (const host of lab().hosts) {
		await assertHost(t, host);
	}

	const second = await runJson(playbook);
	t.is(second.code, 0, second.output);
	t.deepEqual(second.changed, Object.fromEntries(lab().hosts.map(host => [host.name, 0])), second.output);
	t.like(second.reported.find(result => result.task === 'bridge with options at boot'), {msg: 'bridge is built into the kernel (' + (await sh(t, first!, 'uname -r')).trim() + '), and loaded at boot'});
});

test.serial('--diff shows each change: the unit, the name, the module files, fstab and the mount', async t => {
	t.timeout(3 * 60_000);
	const playbook = join(site, 'site.yml');
	const [host] = lab().hosts;
	await sh(t, host!, 'systemctl stop pb-web && hostnamectl set-hostname other && rm /etc/modprobe.d/bridge.conf && umount /srv/scratch');
	const snapshots = await snapshotQuiet(t);
	const result = await pb(['run', playbook, '-i', lab().inventoryPath, '--check', '--diff', '--limit', host!.name]);
	t.is(result.code, 0, result.stdout);
	await assertUnchanged(t, snapshots);
	for (const text of [
		'--- before: pb-web.service\n+++ after: pb-web.service\n@@ -1,2 +1,2 @@\n enabled: true\n-state: inactive\n+state: active',
		'--- before: hostname (hostnamectl)\n+++ after: hostname (hostnamectl)\n@@ -1,1 +1,1 @@\n-hostname = other\n+hostname = web-pblab',
		'--- before: /etc/modprobe.d/bridge.conf\n+++ after: /etc/modprobe.d/bridge.conf\n@@ -0,0 +1,1 @@\n+options bridge multicast_snooping=0',
		'--- before: /srv/scratch\n+++ after: /srv/scratch\n@@ -1,1 +1,1 @@\n-mounted: no\n+mounted: yes',
	]) {
		t.true(result.stdout.includes(text), `${text}\nnot in:\n${result.stdout}`);
	}

	t.regex(result.stdout, /changed=4 /);
	const real = await runJson(playbook, '--limit', host!.name);
	t.is(real.code, 0, real.output);
	await assertHost(t, host!);
});

test.serial('modprobe: a module the kernel cannot load fails saying why, before anything is written, in check mode alike', async t => {
	t.timeout(3 * 60_000);
	const dir = workspace({
		'modules.yml': `- hosts: lab
  gather_facts: false
  tasks:
    - name: dummy, which this kernel lacks
      community.general.modprobe:
        name: dummy
        params: numdummies=2
        persistent: present
      ignore_errors: true
    - name: bridge cannot be unloaded
      community.general.modprobe:
        name: bridge
        state: absent
      ignore_errors: true
`,
	});
	const playbook = join(dir, 'modules.yml');
	const [host] = lab().hosts;
	const release = (await sh(t, host!, 'uname -r')).trim();
	const check = await runJson(playbook, '--check', '--limit', host!.name);
	const real = await runJson(playbook, '--limit', host!.name);
	t.deepEqual(real.reported, check.reported);
	t.like(real.reported[0], {status: 'failed', msg: `the kernel (${release}) has no loadable module support (no /proc/modules), and dummy is not built into it (not in /lib/modules/${release}/modules.builtin nor /sys/module)`});
	t.like(real.reported[1], {status: 'failed', msg: `bridge is built into the kernel (${release}): it cannot be unloaded`});
	t.is(await sh(t, host!, 'ls /etc/modules-load.d /etc/modprobe.d'), '/etc/modprobe.d:\nbridge.conf\n\n/etc/modules-load.d:\nbr_netfilter.conf\nbridge.conf\nmodules.conf\n');
});

test.serial('mount: unmounted leaves fstab; absent unmounts, drops the entry and removes the mount point; --check predicts both', async t => {
	t.timeout(3 * 60_000);
	const dir = workspace({
		'unmount.yml': `- hosts: lab
  gather_facts: false
  tasks:
    - name: scratch unmounted
      ansible.posix.mount:
        path: /srv/scratch
        state: unmounted
    - name: bind mount gone
      ansible.posix.mount:
        path: /mnt/data
        state: absent
    - name: gone already
      ansible.posix.mount:
        path: /mnt/data
        state: absent
`,
	});
	const playbook = join(dir, 'unmount.yml');
	const [host] = lab().hosts;
	const snapshots = await snapshotQuiet(t);
	const check = await runJson(playbook, '--check', '--limit', host!.name);
	await assertUnchanged(t, snapshots);
	const real = await runJson(playbook, '--limit', host!.name);
	t.deepEqual(real.reported, check.reported);
	t.deepEqual(real.reported.map(result => [result.status, result.msg]), [
		['changed', '/srv/scratch: unmounted'],
		['changed', '/mnt/data: removed from /etc/fstab, unmounted, /mnt/data removed'],
		['ok', '/mnt/data is not in /etc/fstab'],
	]);
	t.is(await sh(t, host!, 'grep -c -e " /srv/scratch " -e " /mnt/data " /proc/self/mountinfo; test -e /mnt/data || echo gone; grep -c scratch /etc/fstab; ls /srv/data'), '0\ngone\n1\nseen\n');
});

test.serial('hostname without hostnamectl (use: alpine): /etc/hostname written and the live name set; --check predicts it', async t => {
	t.timeout(3 * 60_000);
	const dir = workspace({'name.yml': '- hosts: lab\n  gather_facts: false\n  tasks:\n    - name: file-named\n      hostname: {name: "file-{{ inventory_hostname }}", use: alpine}\n'});
	const playbook = join(dir, 'name.yml');
	const [host] = lab().hosts;
	const snapshots = await snapshotQuiet(t);
	const check = await runJson(playbook, '--check', '--diff', '--limit', host!.name);
	await assertUnchanged(t, snapshots);
	const real = await runJson(playbook, '--diff', '--limit', host!.name);
	t.deepEqual(real.reported, check.reported);
	t.like(real.reported[0], {status: 'changed', diff: [{header: '/etc/hostname', before: `hostname = web-${host!.name}\n`, after: `hostname = file-${host!.name}\n`}]});
	t.is(await sh(t, host!, 'hostname; cat /etc/hostname'), `file-${host!.name}\nfile-${host!.name}\n`);
	t.deepEqual((await runJson(playbook, '--limit', host!.name)).changed, {[host!.name]: 0});
});

for (const [module, task, message] of [
	['service', 'service: {name: pb-web}', 'service: one of the following is required: state, enabled'],
	['service_facts', 'service_facts: {gather: all}', 'service_facts: unknown parameter \'gather\''],
	['hostname', 'hostname: {name: "web_1"}', 'hostname: name "web_1" is not a host name'],
	['modprobe', 'community.general.modprobe: {name: dummy, persistent: yes}', 'parameter \'persistent\' must be one of disabled, present, absent'],
	['mount', 'ansible.posix.mount: {path: /srv/x, src: tmpfs, state: mounted}', 'mount: state is mounted but all of the following are missing: fstype'],
] as const) {
	test.serial(`${module}: a bad parameter is rejected with file:line:col before any host is contacted`, async t => {
		await rejectsBeforeAnyHost(t, `    - ${task}
`, 4, message);
	});
}
