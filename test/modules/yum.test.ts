import {execSync} from 'node:child_process';
import test from 'ava';
import {checkParams} from '../../engine/playbook/params.js';
import yum from '../../modules/yum/index.js';
import {parseTransaction} from '../../modules/yum/parse.js';
import {localHost, runTask} from '../helpers/host-context.js';

const where = {file: 'site.yml', line: 7, column: 9};

test('a long name dnf wraps onto its own line reads like any other row', t => {
	const output = `Installing:
 python3-a-package-with-a-very-long-name-indeed
                       x86_64      2:1.22.3-4.el9        appstream      1.2 M
 pb-hello              noarch      1.1-1                 lab             12
Upgrading:
 pb-dep                noarch      2.1-1                 lab            5.9 k

Transaction Summary`;
	t.deepEqual(parseTransaction(output), [
		{action: 'installed', name: 'python3-a-package-with-a-very-long-name-indeed', arch: 'x86_64', version: '2:1.22.3-4.el9'},
		{action: 'installed', name: 'pb-hello', arch: 'noarch', version: '1.1-1'},
		{action: 'upgraded', name: 'pb-dep', arch: 'noarch', version: '2.1-1'},
	]);
});

test('yum 3\'s sections and dnf 5\'s replacing rows', t => {
	const yum3 = `Updating:
 pb-hello          noarch          1.1-1            lab          5.9 k
Updating for dependencies:
 pb-dep            noarch          2.1-1            lab          5.9 k
Removing for dependencies:
 pb-old            noarch          0.9-1            @lab           12
`;
	t.deepEqual(parseTransaction(yum3).map(change => `${change.action} ${change.name}`), ['upgraded pb-hello', 'upgraded pb-dep', 'removed pb-old']);
	const dnf5 = `Upgrading:
 pb-hello  noarch  1.1-1  lab  12.0   B
   replacing pb-hello  noarch  1.0-1  lab  12.0   B
Installing:
 pb-new    noarch  1.0-1  lab  12.0   B
   replacing pb-old  noarch  0.9-1  lab  12.0   B

Transaction Summary:`;
	t.deepEqual(parseTransaction(dnf5), [
		{action: 'upgraded', name: 'pb-hello', arch: 'noarch', version: '1.1-1', from: '1.0-1'},
		{action: 'installed', name: 'pb-new', arch: 'noarch', version: '1.0-1'},
		{action: 'removed', name: 'pb-old', arch: 'noarch', version: '0.9-1'},
	]);
});

test('what dnf prints after the table (progress, the summary of what was installed) is not read as rows', t => {
	const output = `Installing:
 pb-hello   noarch   1.1-1   lab   5.9 k

Transaction Summary
================================================================================
Install  1 Package

Running transaction
  Preparing        :                                                        1/1
  Installing       : pb-hello-1.1-1.noarch                                  1/1

Installed:
  pb-hello-1.1-1.noarch

Complete!`;
	t.deepEqual(parseTransaction(output).map(change => change.name), ['pb-hello']);
});

test('bad names and states are rejected before the run, at the task\'s line', t => {
	const check = (args: Record<string, unknown>) => t.throws(() => checkParams(yum, args, () => where, 'load'))?.message;
	t.is(check({name: 'pb-hello', state: 'newest'}), 'yum: parameter \'state\' must be one of present, installed, latest, absent, removed; got `"newest"` (string)');
	t.is(check({name: ['pb-hello >= 1.0']}), 'yum: "pb-hello >= 1.0" is not a package or repository as dnf takes them: one word, no spaces, quotes or leading dash (write a version as name-version, e.g. pb-hello-1.1)');
	t.is(check({name: 'pb-hello', enablerepo: ['$(reboot)']}), 'yum: "$(reboot)" is not a package or repository as dnf takes them: one word, no spaces, quotes or leading dash (write a version as name-version, e.g. pb-hello-1.1)');
	t.is(check({name: []}), 'yum: name is empty: give a package, or a list of them');
	t.deepEqual(checkParams(yum, {name: 'pb-hello,pb-world'}, () => where, 'load')['name'], ['pb-hello', 'pb-world']);
});

// This machine is Debian, with apt and without dnf or yum: the module says so, in check mode too, in one round trip.
const hasRpmManager = ['dnf', 'yum'].some(command => {
	try {
		execSync(`command -v ${command}`, {stdio: 'ignore', shell: '/bin/sh'});
		return true;
	} catch {
		return false;
	}
});
(hasRpmManager ? test.skip : test)('a host with apt and no dnf or yum fails saying so', async t => {
	for (const check of [true, false]) {
		const report = await runTask(yum, {name: ['pb-hello'], state: 'present', enablerepo: [], disablerepo: []}, localHost({check}));
		t.like(report, {status: 'failed', msg: 'yum works on hosts with dnf or yum; this host has apt', roundTrips: 1});
	}
});
