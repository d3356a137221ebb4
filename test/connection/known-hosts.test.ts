import {createHmac} from 'node:crypto';
import test from 'ava';
import {hostsFieldMatches, knownHostsName, parseKnownHosts} from '../../engine/connection/known-hosts.js';

const key = 'AAAAC3NzaC1lZDI1NTE5AAAAIFq1';

test('parses key lines with their markers and 1-based line numbers, skipping comments and junk', t => {
	const text = [
		'# comment',
		'',
		`host1,host2 ssh-ed25519 ${key} a comment`,
		`@revoked * ssh-ed25519 ${key}`,
		`@cert-authority *.example ssh-ed25519 ${key}`,
		`@unknown-marker host ssh-ed25519 ${key}`,
		'host-with-no-key ssh-ed25519',
		'old-ssh1-style 1024 35 1234567',
	].join('\n');
	t.deepEqual(parseKnownHosts(text, 'kh'), [
		{file: 'kh', line: 3, marker: undefined, hosts: 'host1,host2', keyType: 'ssh-ed25519', keyBase64: key},
		{file: 'kh', line: 4, marker: 'revoked', hosts: '*', keyType: 'ssh-ed25519', keyBase64: key},
		{file: 'kh', line: 5, marker: 'cert-authority', hosts: '*.example', keyType: 'ssh-ed25519', keyBase64: key},
	]);
});

test('the lookup name carries the port only when it is not 22', t => {
	t.is(knownHostsName('10.0.0.1', 22), '10.0.0.1');
	t.is(knownHostsName('10.0.0.1', 2222), '[10.0.0.1]:2222');
});

const cases: Array<[hosts: string, lookup: string, matches: boolean]> = [
	['node1', 'node1', true],
	['Node1', 'node1', true],
	['node1', 'node10', false],
	['a,node1,b', 'node1', true],
	['[10.0.0.1]:2222', '[10.0.0.1]:2222', true],
	['10.0.0.1', '[10.0.0.1]:2222', false],
	['[10.0.0.1]:2222', '10.0.0.1', false],
	['*.example.com', 'web.example.com', true],
	['*.example.com', 'example.com', false],
	['node?', 'node7', true],
	['10.0.0.*', '10.0.0.12', true],
	['*,!bad.example', 'bad.example', false],
	['!bad.example,*', 'good.example', true],
	['a.b', 'aXb', false],
];

for (const [hosts, lookup, matches] of cases) {
	test(`hosts field ${JSON.stringify(hosts)} ${matches ? 'matches' : 'does not match'} ${lookup}`, t => {
		t.is(hostsFieldMatches(hosts, lookup), matches);
	});
}

test('a hashed hosts field matches the name it was hashed from, and only it', t => {
	const salt = Buffer.from('0123456789abcdefghij');
	const hashed = `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update('[10.0.0.1]:2222').digest('base64')}`;
	t.true(hostsFieldMatches(hashed, '[10.0.0.1]:2222'));
	t.false(hostsFieldMatches(hashed, '10.0.0.1'));
	t.false(hostsFieldMatches('|1|broken', '10.0.0.1'));
});
