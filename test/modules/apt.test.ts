import test from 'ava';
import {checkParams} from '../../engine/playbook/params.js';
import apt from '../../modules/apt/index.js';
import {compareVersions, parseRead, parseSimulation} from '../../modules/apt/parse.js';
import {splitSpec} from '../../modules/apt/script.js';
import {parsePackages} from '../../modules/package_facts.js';

test('Debian versions compare as dpkg compares them', t => {
	const ordered = ['1.0~rc1', '1.0', '1.0-1', '1.0-1+b1', '1.0a', '1.0.1', '1.2', '1.10', '1:0.1'];
	for (const [index, version] of ordered.entries()) {
		for (const later of ordered.slice(index + 1)) {
			t.true(compareVersions(version, later) < 0, `${version} < ${later}`);
			t.true(compareVersions(later, version) > 0, `${later} > ${version}`);
		}

		t.is(compareVersions(version, version), 0);
	}

	t.is(compareVersions('1.01', '1.1'), 0);
});

test('specs split as Ansible splits them: name, then = or >= and the version', t => {
	t.deepEqual(splitSpec('socat'), {name: 'socat', op: '', version: ''});
	t.deepEqual(splitSpec('socat=1.7.*'), {name: 'socat', op: '=', version: '1.7.*'});
	t.deepEqual(splitSpec('conntrack>=1:1.4'), {name: 'conntrack', op: '>=', version: '1:1.4'});
});

test('the simulation\'s lines: installs, upgrades with the version replaced, removals, purges; Conf and other lines ignored', t => {
	t.deepEqual(parseSimulation([
		'NOTE: This is only a simulation!',
		'Inst socat (1.7.4.4-2 10.213.0.1 [amd64])',
		'Inst curl [7.88.1-10] (7.88.1-11 Debian:12.12/stable [amd64]) []',
		'Remv libfoo1:amd64 [2.0-1]',
		'Purg netbase [6.4]',
		'Purg mailcap',
		'Conf socat (1.7.4.4-2 10.213.0.1 [amd64])',
	].join('\n')), [
		{action: 'installed', name: 'socat', arch: 'amd64', version: '1.7.4.4-2'},
		{action: 'upgraded', name: 'curl', arch: 'amd64', version: '7.88.1-11', from: '7.88.1-10'},
		{action: 'removed', name: 'libfoo1', arch: 'amd64', version: '2.0-1'},
		{action: 'purged', name: 'netbase', arch: '', version: '6.4'},
		{action: 'purged', name: 'mailcap', arch: '', version: ''},
	]);
});

test('the read\'s sections: the cache times around the update, a deb, the simulations and their exit codes', t => {
	const stdout = [
		'@@pb-apt cache 100', '@@pb-apt update', 'Get:1 http://10.213.0.1 ./ Packages', '@@pb-apt exit 0', '@@pb-apt cache 200',
		'@@pb-apt deb', 'ipset 7.17-1 ', '@@pb-apt exit 0',
		'@@pb-apt dry-run install /root/ipset.deb', 'Inst ipset (7.17-1 local-deb [amd64])', '@@pb-apt exit 0',
	].join('\n');
	t.deepEqual(parseRead(stdout), {
		kind: 'read', updated: true, cacheTimeBefore: 100, cacheTime: 200,
		deb: {name: 'ipset', version: '7.17-1', installed: undefined},
		dryRuns: [{verb: 'install', specs: ['/root/ipset.deb'], code: 0, output: 'Inst ipset (7.17-1 local-deb [amd64])'}],
	});
	t.like(parseRead('@@pb-apt cache 100\n@@pb-apt update\nE: Failed to fetch http://10.213.0.1/debian/./Packages  404  Not Found\n@@pb-apt exit 100'), {
		kind: 'failed', message: 'Failed to update apt cache: E: Failed to fetch http://10.213.0.1/debian/./Packages  404  Not Found',
	});
});

const where = {file: 'site.yml', line: 7, column: 9};

test('parameters: Ansible\'s names and aliases; deb and name exclude each other; one of them (or update_cache, autoremove) is needed', t => {
	const check = (args: Record<string, unknown>) => t.throws(() => checkParams(apt, args, () => where, 'load'))?.message;
	t.deepEqual(checkParams(apt, {pkg: 'socat,conntrack', 'update-cache': true}, () => where, 'load')['name'], ['socat', 'conntrack']);
	t.is(check({name: ['socat'], deb: '/root/x.deb'}), 'apt: parameters are mutually exclusive: deb|name');
	t.is(check({state: 'present'}), 'apt: one of the following is required: autoremove, deb, name, update_cache');
	t.is(check({name: ['socat=1=2']}), 'apt: invalid package spec: "socat=1=2": write a name, name=version or name>=version, one word, no spaces or quotes');
	t.is(check({name: ['sock*']}), 'apt: "sock*": pb\'s apt takes package names without wildcards (a wildcard may stand in the version, after =)');
	t.is(check({deb: '/root/x.deb', state: 'absent'}), 'apt: deb only supports state=present');
	t.is(check({name: 'socat', cache_valid_time: -1}), 'apt: parameter \'cache_valid_time\' must be 0 or more; got `-1` (number)');
});

test('package_facts: dpkg\'s and rpm\'s listings as Ansible\'s packages dict; first keeps the first manager found', t => {
	const stdout = '@@pb-packages apt\nsocat\t1.7.4.4-2\tamd64\tnet\n@@pb-packages rpm\npb-hello\t1.0\t1\t(none)\tnoarch\npb-hello\t1.1\t1\t2\tnoarch\n';
	t.deepEqual(parsePackages(stdout, 'first'), {found: ['apt'], packages: {socat: [{name: 'socat', version: '1.7.4.4-2', arch: 'amd64', category: 'net', origin: '', source: 'apt'}]}});
	t.deepEqual(parsePackages(stdout, 'all').packages['pb-hello'], [
		{name: 'pb-hello', version: '1.0', release: '1', epoch: null, arch: 'noarch', source: 'rpm'},
		{name: 'pb-hello', version: '1.1', release: '1', epoch: 2, arch: 'noarch', source: 'rpm'},
	]);
});
