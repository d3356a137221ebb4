import {createHmac} from 'node:crypto';
import {appendFile, mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {knownHostsLinesFor} from '../../engine/connection/known-hosts-file.js';
import {hostsFieldMatches, parseKnownHosts} from '../../engine/connection/known-hosts.js';

const key = (n: number) => `AAAAC3NzaC1lZDI1NTE5AAAAI${n}`;
const salt = Buffer.from('0123456789abcdefghij');
const hashed = (name: string) => `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;

const lines = [
	`10.0.0.1 ssh-ed25519 ${key(1)}`,
	`*.example,!bad.example ssh-ed25519 ${key(2)}`,
	`Web.Example,10.0.0.2 ssh-rsa ${key(3)}`,
	`${hashed('10.0.0.1')} ecdsa-sha2-nistp256 ${key(4)}`,
	`@revoked 10.0.0.? ssh-ed25519 ${key(5)}`,
	`[10.0.0.1]:2222 ssh-ed25519 ${key(6)}`,
	`10.0.0.1,10.0.0.1 ssh-rsa ${key(7)}`,
];

async function withFile(text: string, use: (file: string) => Promise<void>): Promise<void> {
	const directory = await mkdtemp(join(tmpdir(), 'pb-known-hosts-'));
	try {
		const file = join(directory, 'known_hosts');
		await writeFile(file, text);
		await use(file);
	} finally {
		await rm(directory, {recursive: true, force: true});
	}
}

for (const name of ['10.0.0.1', '10.0.0.2', 'web.example', 'bad.example', '[10.0.0.1]:2222', '10.0.0.9', 'other']) {
	test(`the lines naming ${name} are those a scan of the whole file finds, in file order`, async t => {
		await withFile(`${lines.join('\n')}\n`, async file => {
			const scanned = parseKnownHosts(`${lines.join('\n')}\n`, file).filter(entry => hostsFieldMatches(entry.hosts, name));
			t.deepEqual(await knownHostsLinesFor(file, name), scanned);
		});
	});
}

test('a line added to the file after it was read is found by the next lookup', async t => {
	await withFile(`${lines[0]!}\n`, async file => {
		t.deepEqual((await knownHostsLinesFor(file, '10.0.0.3')).length, 0);
		await appendFile(file, `10.0.0.3 ssh-ed25519 ${key(8)}\n`);
		t.deepEqual((await knownHostsLinesFor(file, '10.0.0.3')).map(entry => entry.line), [2]);
	});
});

test('a file that does not exist names no host', async t => {
	t.deepEqual(await knownHostsLinesFor(join(tmpdir(), 'pb-no-such-dir', 'known_hosts'), '10.0.0.1'), []);
});
