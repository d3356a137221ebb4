import {readFile, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import sysctl, {normalValue, procPath} from '../../modules/sysctl.js';
import {localHost, runTask} from '../helpers/host-context.js';
import {checkThenApply} from './check-then-apply.js';
import {tempDir} from './tree-snapshot.js';

/*
 * On this machine only values the kernel already has are asked for, so nothing live changes:
 * live changes are proven on the lab's hosts (test/modules/lab/).
 */

const portRange = 'net.ipv4.ip_local_port_range';

async function liveValue(key: string): Promise<string> {
	return (await readFile(procPath(key), 'utf8')).trim();
}

test('keys map to /proc/sys paths, a slash marking a dot inside a level', t => {
	t.is(procPath('net.ipv4.ip_forward'), '/proc/sys/net/ipv4/ip_forward');
	t.is(procPath('net.ipv4.conf.eth0/100.rp_filter'), '/proc/sys/net/ipv4/conf/eth0.100/rp_filter');
	t.is(procPath('net/ipv4/ip_forward'), '/proc/sys/net/ipv4/ip_forward');
	t.is(normalValue(' 1024\t 65000 '), '1024 65000');
});

test('persisted in a new file beside the kernel\'s own value: check predicted it, then unchanged', async t => {
	const dir = await tempDir(t);
	const file = join(dir, '99-pb.conf');
	// /proc shows the range with a tab; the task writes it with spaces: the same value.
	const value = (await liveValue(portRange)).replace('\t', '  ');
	const first = await checkThenApply(t, sysctl, {name: portRange, value, sysctl_file: file}, dir);
	const persisted = `${portRange} = ${normalValue(value)}\n`;
	t.like(first, {status: 'changed', msg: `${portRange} = ${normalValue(value)}: written to ${file}`, roundTrips: 2});
	t.deepEqual(first.diff, [{header: file, before: '', after: persisted}]);
	t.is(await readFile(file, 'utf8'), persisted);
	const second = await checkThenApply(t, sysctl, {name: portRange, value: value.replace('  ', '\t'), sysctl_file: file}, dir);
	t.like(second, {status: 'ok', msg: `${portRange} is ${normalValue(value)} live and in ${file}`, roundTrips: 1});
});

test('an existing file is edited in place: comments and other keys kept', async t => {
	const dir = await tempDir(t);
	const file = join(dir, 'sysctl.conf');
	const value = normalValue(await liveValue(portRange));
	await writeFile(file, `# tuned by hand\nvm.swappiness = 10\n${portRange}=1 2\n; the end\n`);
	const report = await checkThenApply(t, sysctl, {name: portRange, value, sysctl_file: file}, dir);
	t.is(report.status, 'changed');
	t.is(await readFile(file, 'utf8'), `# tuned by hand\nvm.swappiness = 10\n${portRange}=${value}\n; the end\n`);
	await checkThenApply(t, sysctl, {name: portRange, state: 'absent', sysctl_file: file}, dir);
	t.is(await readFile(file, 'utf8'), '# tuned by hand\nvm.swappiness = 10\n; the end\n');
	t.is(normalValue(await liveValue(portRange)), value, 'absent leaves the live value alone');
});

test('a key the kernel lacks fails, or with ignore_missing warns and is only persisted', async t => {
	const dir = await tempDir(t);
	const file = join(dir, '99-pb.conf');
	const failed = await checkThenApply(t, sysctl, {name: 'fs.may_detach_mounts', value: '1', sysctl_file: file}, dir);
	t.like(failed, {status: 'failed'});
	t.regex(failed.msg, /^fs\.may_detach_mounts does not exist on this host's kernel \(no \/proc\/sys\/fs\/may_detach_mounts\).*set ignore_missing: true/);

	const host = localHost();
	const persisted = await runTask(sysctl, {name: 'fs.may_detach_mounts', value: '1', sysctl_file: file, ignore_missing: true}, host);
	t.like(persisted, {status: 'changed', msg: `fs.may_detach_mounts = 1: written to ${file}`});
	t.deepEqual(host.warnings, [`fs.may_detach_mounts does not exist on this host's kernel (no /proc/sys/fs/may_detach_mounts); ignore_missing: only written to ${file}`]);
	t.is(await readFile(file, 'utf8'), 'fs.may_detach_mounts = 1\n');
});
