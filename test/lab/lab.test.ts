import {createHash, randomBytes} from 'node:crypto';
import {mkdtemp, readdir, readFile, rm, stat, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {ArtifactMirror} from './artifact-mirror.js';
import {labNetwork} from './lab-paths.js';
import {diffSnapshots} from './upper-snapshot.js';
import {useLab} from './use-lab.js';

const lab = useLab(test, {hosts: 3});

function hostAt(position: number) {
	const host = lab().hosts[position];
	if (!host) {
		throw new Error(`the lab has no host #${position}`);
	}

	return host;
}

test.serial('each host answers ssh with strict host key checking, under its own name', async t => {
	for (const host of lab().hosts) {
		const result = await lab().ssh(host, 'hostname');
		t.is(result.exitCode, 0, result.stderr);
		t.is(result.stdout.trim(), host.name);
	}

	const inventory = await readFile(lab().inventoryPath, 'utf8');
	t.regex(inventory, new RegExp(`^${hostAt(0).name} ansible_host=${hostAt(0).address.replaceAll('.', '\\.')}$`, 'm'));
	t.regex(inventory, /^ansible_ssh_known_hosts_file=\/.+known_hosts$/m);
});

test.serial('systemd reaches running or degraded on every host', async t => {
	for (const host of lab().hosts) {
		const result = await lab().ssh(host, 'timeout 60 systemctl is-system-running --wait');
		t.true(['running', 'degraded'].includes(result.stdout.trim()), `${host.name}: ${result.stdout}${result.stderr}`);
	}
});

/** Every process in the cgroup or under it, as the machine numbers them. */
async function processesUnder(cgroup: string): Promise<number[]> {
	const entries = await readdir(cgroup, {withFileTypes: true});
	const own = (await readFile(join(cgroup, 'cgroup.procs'), 'utf8')).split('\n').filter(Boolean).map(Number);
	const below = await Promise.all(entries.filter(entry => entry.isDirectory()).map(async entry => processesUnder(join(cgroup, entry.name))));
	return [...own, ...below.flat()];
}

test.serial('each host\'s processes run under cgroups of its own, so hosts never share a unit\'s cgroup', async t => {
	for (const host of lab().hosts) {
		const cgroups = await lab().cgroupsOf(host);
		t.true(cgroups.length > 0, `${host.name} has no cgroup of its own`);
		for (const cgroup of cgroups) {
			// nspawn keeps itself in `supervisor` beside the host's processes in `payload`.
			const pids = await processesUnder(join(cgroup, 'payload'));
			const commands = await Promise.all(pids.map(async pid => (await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '')).trim()));
			t.true(commands.includes('systemd') && commands.includes('sshd'), `${cgroup} holds ${commands.join(', ')}`);
			// Seen through each process's own root: a process of another host would name that host.
			const hostnames = await Promise.all(pids.map(async pid => readFile(`/proc/${pid}/root/etc/hostname`, 'utf8').then(name => name.trim(), () => host.name)));
			t.deepEqual([...new Set(hostnames)], [host.name], `${cgroup}: a process of another host`);
		}
	}
});

test.serial('a net.* sysctl set inside a host leaves the machine\'s own value alone', async t => {
	const path = '/proc/sys/net/ipv4/ip_forward';
	const machineBefore = (await readFile(path, 'utf8')).trim();
	const wanted = machineBefore === '1' ? '0' : '1';
	const set = await lab().ssh(hostAt(0), `sysctl -w net.ipv4.ip_forward=${wanted} && cat ${path}`);
	t.is(set.exitCode, 0, set.stderr);
	t.regex(set.stdout, new RegExp(`^${wanted}$`, 'm'));
	t.is((await readFile(path, 'utf8')).trim(), machineBefore);
	t.is((await lab().ssh(hostAt(1), `cat ${path}`)).stdout.trim(), '0');
});

test.serial('the upper dir shows a host\'s writes, apart from what a control login changes', async t => {
	const host = hostAt(1);
	const background = await lab().controlLoginChanges(host);
	const before = await lab().snapshotUpper(host);
	const write = await lab().ssh(host, 'echo probe > /etc/pb-lab-probe && chmod 0640 /etc/pb-lab-probe');
	t.is(write.exitCode, 0, write.stderr);
	const after = await lab().snapshotUpper(host);
	t.deepEqual(diffSnapshots(before, after, background), {added: ['/etc/pb-lab-probe'], removed: [], changed: []});
	t.like(after.get('/etc/pb-lab-probe'), {type: 'file', mode: 0o640});
	const quiet = await lab().ssh(host, 'true');
	t.is(quiet.exitCode, 0, quiet.stderr);
	t.deepEqual(diffSnapshots(after, await lab().snapshotUpper(host), background), {added: [], removed: [], changed: []});
});

test.serial('hosts reach the artifact mirror on the bridge, and nothing beyond the lab subnet', async t => {
	const directory = await mkdtemp(join(tmpdir(), 'pb-lab-mirror-'));
	const content = randomBytes(100_000);
	await writeFile(join(directory, 'artifact.bin'), content);
	const mirror = await ArtifactMirror.start(directory, labNetwork.bridgeAddress);
	try {
		const result = await lab().ssh(hostAt(0), `curl -fsS ${mirror.urlOf('artifact.bin')} | sha256sum`);
		t.is(result.exitCode, 0, result.stderr);
		t.is(result.stdout.split(' ')[0], createHash('sha256').update(content).digest('hex'));
	} finally {
		await mirror.close();
		await rm(directory, {recursive: true, force: true});
	}

	const outside = await lab().ssh(hostAt(0), 'ip route get 192.0.2.1');
	t.not(outside.exitCode, 0, `a host must have no route out of the lab: ${outside.stdout}`);
});

test.serial('a host whose network is cut does not answer while the others do', async t => {
	const cut = hostAt(2);
	await lab().cutNetwork(cut);
	try {
		const result = await lab().ssh(cut, 'true', 2);
		t.is(result.exitCode, 255, 'ssh to a cut host must fail');
		for (const host of lab().hosts.filter(other => other !== cut)) {
			t.is((await lab().ssh(host, 'true')).exitCode, 0, `${host.name} must still answer`);
		}
	} finally {
		await lab().restoreNetwork(cut);
	}

	const back = await lab().ssh(cut, 'true');
	t.is(back.exitCode, 0, `the host answers again once its network is back: ${back.stderr}`);
});

test.serial('a killed host restarts with its files and its host key', async t => {
	const host = hostAt(1);
	t.is((await lab().ssh(host, 'echo kept > /root/kept')).exitCode, 0);
	await lab().killHost(host);
	t.is((await lab().ssh(host, 'true', 2)).exitCode, 255, 'a killed host must not answer');
	await lab().restartHost(host);
	const result = await lab().ssh(host, 'cat /root/kept');
	t.is(result.exitCode, 0, result.stderr);
	t.is(result.stdout, 'kept\n');
});

test.serial('a reset host forgets every change it made, and keeps its name and host key', async t => {
	const host = hostAt(2);
	const made = await lab().ssh(host, 'echo gone > /root/gone && rm /etc/issue && mkdir /srv/gone');
	t.is(made.exitCode, 0, made.stderr);
	await lab().resetHost(host);
	const result = await lab().ssh(host, 'hostname; cat /etc/issue; ls /root/gone /srv/gone 2>&1');
	t.is(result.exitCode, 2, result.stderr);
	t.regex(result.stdout, new RegExp(`^${host.name}\n`));
	t.regex(result.stdout, /cannot access '\/root\/gone'/);
	t.regex(result.stdout, /cannot access '\/srv\/gone'/);
	t.regex(result.stdout, /^Debian GNU\/Linux 12/m, '/etc/issue is back from the base');
});

test.serial('stop leaves nothing behind: no processes, mounts, namespaces, links or cgroups', async t => {
	await lab().stop();
	t.deepEqual(await lab().remains(), {processes: [], mounts: [], namespaces: [], links: [], cgroups: []});
	await t.throwsAsync(stat(lab().directory), {code: 'ENOENT'});
});
