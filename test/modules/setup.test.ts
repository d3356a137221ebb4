import {readFile} from 'node:fs/promises';
import {cpus, hostname, machine, release, totalmem, userInfo} from 'node:os';
import test from 'ava';
import setup, {countCpus} from '../../modules/setup.js';
import {localHost, runTask} from '../helpers/host-context.js';

test('facts about this machine match what Node reads of it, in one round trip', async t => {
	const host = localHost();
	const report = await runTask(setup, {}, host);
	t.is(report.roundTrips, 1);
	const facts = await setup.plan(await setup.read(host, {}), {}).effects?.facts ?? {};
	const osRelease = await readFile('/etc/os-release', 'utf8');
	t.like(facts, {
		hostname: hostname(),
		kernel: release(),
		machine: machine(),
		architecture: machine(),
		system: 'Linux',
		processor_vcpus: cpus().length,
		memtotal_mb: Math.round(totalmem() / 1024 / 1024),
		user_id: userInfo().username,
		distribution_version: /^VERSION_ID="?([^"\n]*)/m.exec(osRelease)?.[1],
	});
	t.is(facts['arch'], machine() === 'x86_64' ? 'amd64' : machine() === 'aarch64' ? 'arm64' : machine());
	t.is(facts['service_mgr'], (await readFile('/proc/1/comm', 'utf8')).trim() || 'unknown');
});

test('online CPUs are counted from the kernel\'s list of ranges', t => {
	t.is(countCpus('0'), 1);
	t.is(countCpus('0-1'), 2);
	t.is(countCpus('0-3,6,8-9'), 7);
	t.is(countCpus(''), 1);
	t.is(countCpus('garbage'), 1);
});
