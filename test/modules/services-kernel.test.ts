import test from 'ava';
import {checkParams} from '../../engine/playbook/params.js';
import hostname from '../../modules/hostname.js';
import {loadedAtBoot, persistedParams} from '../../modules/modprobe/config.js';
import {parseReadOutput} from '../../modules/modprobe/parse.js';
import {escapeField, setEntry, unsetEntry} from '../../modules/mount/fstab.js';
import mount from '../../modules/mount/index.js';
import {parseMountinfo} from '../../modules/mount/parse.js';
import service from '../../modules/service.js';
import {parseServices} from '../../modules/service_facts.js';

const where = {file: 'site.yml', line: 7, column: 9};

test('service_facts reads service --status-all and systemctl\'s lists as Ansible does', t => {
	const stdout = [
		'== sysv',
		' [ + ]  ssh',
		' [ - ]  hwclock.sh',
		' [ ? ]  weird',
		'== units',
		'  UNIT                                 LOAD      ACTIVE   SUB     DESCRIPTION',
		'● auditd.service                       not-found inactive dead    auditd.service',
		'  e2scrub_reap.service                 loaded    inactive dead    Remove Stale Online ext4 Metadata Check Snapshots',
		'  modprobe@loop.service                loaded    inactive dead    Load Kernel Module loop',
		'  ssh.service                          loaded    active   running OpenBSD Secure Shell server',
		'● console-getty.service                masked    inactive dead    console-getty.service',
		'',
		'LOAD   = Reflects whether the unit definition was properly loaded.',
		'== files',
		'UNIT FILE                              STATE           PRESET',
		'apt-daily.service                      static          -',
		'console-getty.service                  masked          disabled',
		'e2scrub_reap.service                   enabled         enabled',
		'getty@.service                         enabled         enabled',
		'ssh.service                            enabled         enabled',
		'sshd.service                           alias           -',
		'',
		'6 unit files listed.',
		'== show',
		'apt-daily.service',
		'sshd.service',
		'ActiveState=inactive',
		'',
		'ActiveState=active',
	].join('\n');
	t.deepEqual(parseServices(stdout), {
		ssh: {name: 'ssh', state: 'running', source: 'sysv'},
		'hwclock.sh': {name: 'hwclock.sh', state: 'stopped', source: 'sysv'},
		'auditd.service': {name: 'auditd.service', state: 'stopped', status: 'not-found', source: 'systemd'},
		'e2scrub_reap.service': {name: 'e2scrub_reap.service', state: 'stopped', status: 'enabled', source: 'systemd'},
		'modprobe@loop.service': {name: 'modprobe@loop.service', state: 'stopped', status: 'inactive', source: 'systemd'},
		'ssh.service': {name: 'ssh.service', state: 'running', status: 'enabled', source: 'systemd'},
		'console-getty.service': {name: 'console-getty.service', state: 'stopped', status: 'masked', source: 'systemd'},
		'apt-daily.service': {name: 'apt-daily.service', state: 'inactive', status: 'static', source: 'systemd'},
		'getty@.service': {name: 'getty@.service', state: 'unknown', status: 'enabled', source: 'systemd'},
		'sshd.service': {name: 'sshd.service', state: 'active', status: 'alias', source: 'systemd'},
	});
});

test('mountinfo: mount points unescaped, the last mount on a point wins', t => {
	const mounts = parseMountinfo([
		'24 1 0:22 / / rw,relatime shared:1 - overlay overlay rw,lowerdir=/a',
		'30 24 0:40 /srv/a /mnt/bind\\040dir rw,relatime shared:3 - overlay overlay rw',
		'31 24 0:41 / /srv/scratch rw,relatime shared:4 - tmpfs tmpfs rw,size=16384k',
		'32 31 0:42 / /srv/scratch rw,relatime shared:5 - tmpfs other rw',
	].join('\n'));
	t.deepEqual(mounts.get('/mnt/bind dir'), {path: '/mnt/bind dir', opts: 'rw,relatime', fstype: 'overlay', src: 'overlay'});
	t.is(mounts.get('/srv/scratch')?.src, 'other');
	t.false(mounts.has('/srv'));
});

test('fstab: escaped fields, lines kept byte for byte, a short entry made whole, a missing last newline added only on a change', t => {
	t.is(escapeField('/srv/my data\\&x'), '/srv/my\\040data\\134\\046x');
	const entry = {src: '/dev/sdb1', name: '/srv/old', fstype: 'ext4', opts: 'defaults', dump: '0', passno: '0'};
	t.deepEqual(setEntry('#  comment   kept\n\n/dev/sdb1   /srv/old   ext4   defaults\n', entry), {text: '#  comment   kept\n\n/dev/sdb1 /srv/old ext4 defaults 0 0\n', changed: true});
	t.deepEqual(setEntry('/dev/sdb1\t/srv/old ext4 defaults 0 0', entry), {text: '/dev/sdb1\t/srv/old ext4 defaults 0 0', changed: false});
	t.deepEqual(setEntry('/dev/sda1 / ext4 defaults 0 1', entry), {text: '/dev/sda1 / ext4 defaults 0 1\n/dev/sdb1 /srv/old ext4 defaults 0 0\n', changed: true});
	// Entries of other than six fields are not Ansible's to remove.
	t.deepEqual(unsetEntry('/dev/sdb1 /srv/old ext4 defaults\n/dev/sdc1 /srv/old ext4 defaults 0 0\n', '/srv/old', undefined), {text: '/dev/sdb1 /srv/old ext4 defaults\n', changed: true});
	t.deepEqual(unsetEntry('/swapfile none swap sw 0 0\n/dev/sdc2 none swap sw 0 0\n', 'none', '/dev/sdc2'), {text: '/swapfile none swap sw 0 0\n', changed: true});
});

test('modprobe: the read\'s lines and files, and what the files say of a module', t => {
	const files = (text: string) => Buffer.from(text).toString('base64');
	const facts = parseReadOutput([
		'release 6.1.0-18-amd64', 'proc yes', 'sysfs yes', 'modprobe /usr/sbin/modprobe', 'cap yes',
		'== /etc/modules-load.d yes', `=== /etc/modules-load.d/k8s.conf`, files('overlay\n  br_netfilter  # for kube-proxy\n'),
		'== /etc/modprobe.d no', '',
	].join('\n'));
	t.like(facts, {release: '6.1.0-18-amd64', modular: true, loaded: false, builtin: true, modprobe: '/usr/sbin/modprobe', canLoad: true, findable: undefined, directories: ['/etc/modules-load.d']});
	t.true(loadedAtBoot(facts.files, 'br_netfilter'));
	t.false(loadedAtBoot(facts.files, 'br'));
	t.deepEqual(persistedParams(new Map([['/etc/modprobe.d/a.conf', 'options dummy numdummies=2\noptions dummy a=1 b=2\n#options dummy c=3\n']]), 'dummy'), new Set(['numdummies=2']));
});

test('bad values are rejected before the run, at the task\'s line', t => {
	const check = (module: Parameters<typeof checkParams>[0], args: Record<string, unknown>) => t.throws(() => checkParams(module, args, () => where, 'load'))?.message;
	t.is(check(service, {name: 'app', state: 'started', use: 'sysvinit'}), 'service: use: sysvinit is not a service manager pb drives: it manages services through systemd only (use: auto or systemd)');
	t.is(check(service, {name: 'app'}), 'service: one of the following is required: state, enabled');
	t.is(check(mount, {path: 'data', src: 'tmpfs', fstype: 'tmpfs', state: 'mounted'}), 'mount: path data must be an absolute path on the host for state mounted');
	t.is(check(hostname, {name: 'a'.repeat(65)}), `hostname: name ${'a'.repeat(65)} is longer than 64 characters, which a host name cannot be`);
});
