import {existsSync, readFileSync} from 'node:fs';
import test from 'ava';
import {checkParams} from '../../engine/playbook/params.js';
import systemd, {unitName, unitsToAsk} from '../../modules/systemd/index.js';
import {parseReadOutput} from '../../modules/systemd/parse.js';
import {localHost, runTask} from '../helpers/host-context.js';

const where = {file: 'site.yml', line: 7, column: 9};

test('a name without a type is a service', t => {
	t.is(unitName('containerd'), 'containerd.service');
	t.is(unitName('containerd.service'), 'containerd.service');
	t.is(unitName('fstrim.timer'), 'fstrim.timer');
	t.is(unitName('getty@tty1'), 'getty@tty1.service');
});

test('contradictions and empty tasks are rejected before the run, at the task\'s line', t => {
	const check = (args: Record<string, unknown>) => t.throws(() => checkParams(systemd, args, () => where, 'load'))?.message;
	t.is(check({name: 'x', masked: true, state: 'started'}), 'systemd: masked: true contradicts state: started: a masked unit cannot be enabled or started');
	t.is(check({name: 'x'}), 'systemd: nothing asked of x: give state, enabled, masked or daemon_reload');
	t.is(check({state: 'started'}), 'systemd: needs name (the unit), or daemon_reload: true alone');
	t.is(check({name: 'x', state: 'running'}), 'systemd: parameter \'state\' must be one of started, stopped, restarted, reloaded; got `"running"` (string)');
});

// Where this machine's PID 1 is not systemd (a container, this VM), the module says so.
const booted = existsSync('/run/systemd/system');
(booted ? test.skip : test)('a host whose PID 1 is not systemd fails saying so, in check mode too', async t => {
	const pid1 = readFileSync('/proc/1/comm', 'utf8').trim();
	for (const check of [true, false]) {
		const report = await runTask(systemd, {name: 'containerd', state: 'started'}, localHost({check}));
		t.like(report, {status: 'failed', msg: `this host does not run systemd (PID 1 is ${pid1}, not systemd); the systemd module manages systemd units only`});
	}
});

test('a host without systemctl fails saying so', async t => {
	const local = localHost();
	const host = {...local, run: async (command: string) => local.run(command, {env: {PATH: '/nonexistent'}})};
	const report = await runTask(systemd, {name: 'containerd', state: 'started'}, host);
	t.like(report, {status: 'failed', msg: 'this host does not run systemd (systemctl is not installed); the systemd module manages systemd units only'});
});

test('the facts\' service manager is believed without asking the host', async t => {
	const host = {...localHost(), vars: {ansible_facts: {service_mgr: 'openrc'}}};
	const report = await runTask(systemd, {name: 'containerd', state: 'started'}, host);
	t.like(report, {status: 'failed', msg: 'this host does not run systemd (its service manager is openrc (ansible_facts.service_mgr)); the systemd module manages systemd units only', roundTrips: 0});
});

test('the read output: units systemd names, and what changed since its last load when the host could tell', t => {
	const head = 'home /root\nId=x.service\nLoadState=loaded\n--\n';
	const units = 'Id=a.service\nNeedDaemonReload=yes\n\nId=b.service\nNeedDaemonReload=no\n';
	t.like(parseReadOutput(`${head}unit-paths /etc/systemd/system /lib/systemd/system /etc/fstab\nsince-load unchanged\n`), {
		needReload: [], sinceLoad: {known: true, watched: ['/etc/systemd/system', '/lib/systemd/system', '/etc/fstab'], changed: []},
	});
	t.like(parseReadOutput(`${head}unit-paths /etc/systemd/system\nsince-load changed /etc/systemd/system/x.service.d\nsince-load changed /etc/systemd/system/x.service.d/a.conf\n${units}`), {
		needReload: ['a.service'], sinceLoad: {known: true, changed: ['/etc/systemd/system/x.service.d', '/etc/systemd/system/x.service.d/a.conf']},
	});
	t.like(parseReadOutput(`${head}${units}`), {needReload: ['a.service'], sinceLoad: {known: false}}, 'an older systemd, or the user scope');
});

test('files changed since the last load: only the units they name are asked whether they need a reload, every unit when a file was removed or a drop-in is for many', t => {
	const watched = ['/etc/systemd/system', '/lib/systemd/system', '/etc/fstab'];
	const ask = (...changed: string[]) => unitsToAsk({known: true, watched, changed});
	t.deepEqual(ask('/etc/systemd/system', '/etc/systemd/system/containerd.service'), ['containerd.service'], 'a unit file added (its directory changes with it)');
	t.deepEqual(ask('/etc/systemd/system/x.service.d', '/etc/systemd/system/x.service.d/a.conf', '/lib/systemd/system/y.socket'), ['x.service', 'y.socket']);
	t.deepEqual(ask('/etc/systemd/system/web@.service'), ['web@*.service'], 'a template: its instances');
	t.deepEqual(ask('/etc/systemd/system'), ['*'], 'a directory with nothing changed inside: a file removed');
	t.deepEqual(ask('/etc/fstab'), ['*'], 'a source of generated units');
	t.deepEqual(ask('/etc/systemd/system/service.d/limits.conf'), ['*'], 'a drop-in for every service');
	t.deepEqual(ask('/etc/systemd/system/web-.service.d/limits.conf'), ['*'], 'a drop-in for every web-*.service');
});
