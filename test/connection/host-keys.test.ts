import {execFile} from 'node:child_process';
import {createHmac, randomBytes, randomUUID} from 'node:crypto';
import {readFile, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import {promisify} from 'node:util';
import test from 'ava';
import {HostUnreachable} from '../../engine/connection/connection.js';
import {fingerprint} from '../../engine/connection/known-hosts.js';
import {openSsh, type SshOptions} from '../../engine/connection/ssh.js';
import {startSshd, type TestSshd} from '../helpers/sshd.js';
import {createTestUser, type TestUser} from '../helpers/test-user.js';

const run = promisify(execFile);
let sshd: TestSshd;
let user: TestUser;
/** A host key of the same type that is not the server's: what a known_hosts file holds after a reinstall. */
let otherKey: string;

test.before(async () => {
	sshd = await startSshd();
	user = await createTestUser('keys');
	const file = join(sshd.dir, 'other_host_key');
	await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', file]);
	otherKey = (await readFile(`${file}.pub`, 'utf8')).split(' ').slice(0, 2).join(' ');
});

test.after.always(async () => {
	await sshd?.stop();
	await user?.remove();
});

const name = () => `[127.0.0.1]:${sshd.port}`;
const serverFingerprint = () => `ssh-ed25519 ${fingerprint(sshd.hostKey.split(' ')[1] ?? '')}`;

/** Options pointing at a known_hosts file of its own holding `lines`. */
async function withKnownHosts(lines: string[], overrides: Partial<SshOptions> = {}): Promise<SshOptions> {
	const knownHostsFile = join(sshd.dir, `known_hosts-${randomUUID()}`);
	await writeFile(knownHostsFile, lines.map(line => `${line}\n`).join(''));
	return {
		host: 'web1',
		address: sshd.address,
		port: sshd.port,
		user: user.name,
		privateKeyFile: sshd.userKeyFile,
		agent: false,
		knownHostsFile,
		acceptNewHostKeys: false,
		hostKeyChecking: true,
		connectTimeoutMs: 10_000,
		...overrides,
	};
}

async function connectsAndRuns(options: SshOptions): Promise<string> {
	const connection = await openSsh(options);
	try {
		return (await connection.exec('id -un')).stdout.trim();
	} finally {
		await connection.close();
	}
}

test('a known key is accepted', async t => {
	t.is(await connectsAndRuns(await withKnownHosts([`${name()} ${sshd.hostKey}`])), user.name);
});

test('an unknown key is rejected, saying how to accept it', async t => {
	const options = await withKnownHosts(['# nothing for this host', `otherhost ${otherKey}`]);
	const error = await t.throwsAsync(openSsh(options), {instanceOf: HostUnreachable});
	t.is(error?.message, `Host key of web1 (127.0.0.1:${sshd.port}) is unknown: ${serverFingerprint()} is not in ${options.knownHostsFile}. `
		+ `If that fingerprint is the host's, accept it by rerunning with --accept-new-host-keys (adds it to ${options.knownHostsFile}), `
		+ `or by running \`ssh-keyscan -p ${sshd.port} 127.0.0.1 >> ${options.knownHostsFile}\`.`);
	t.is((error as HostUnreachable).host, 'web1');
});

test('a missing known_hosts file means every key is unknown', async t => {
	const options = await withKnownHosts([], {knownHostsFile: join(sshd.dir, 'no-such-dir', 'known_hosts')});
	const error = await t.throwsAsync(openSsh(options), {instanceOf: HostUnreachable});
	t.regex(error?.message ?? '', /is unknown/);
});

test('the key recorded for port 22 does not vouch for another port', async t => {
	const error = await t.throwsAsync(openSsh(await withKnownHosts([`127.0.0.1 ${sshd.hostKey}`])), {instanceOf: HostUnreachable});
	t.regex(error?.message ?? '', /is unknown/);
});

test('accept-new appends the key to the known_hosts file, then connects; the next run finds it', async t => {
	const options = await withKnownHosts([], {acceptNewHostKeys: true});
	// A file whose last line has no newline must not have the new line glued to it.
	await writeFile(options.knownHostsFile ?? '', `otherhost ${otherKey}`);
	t.is(await connectsAndRuns(options), user.name);
	t.is(await readFile(options.knownHostsFile ?? '', 'utf8'), `otherhost ${otherKey}\n${name()} ${sshd.hostKey}\n`);
	t.is(await connectsAndRuns({...options, acceptNewHostKeys: false}), user.name);
});

test('accept-new creates the known_hosts file and its directory', async t => {
	const knownHostsFile = join(sshd.dir, `fresh-${randomUUID()}`, 'known_hosts');
	t.is(await connectsAndRuns(await withKnownHosts([], {knownHostsFile, acceptNewHostKeys: true})), user.name);
	t.is(await readFile(knownHostsFile, 'utf8'), `${name()} ${sshd.hostKey}\n`);
});

test('a changed key is rejected even with accept-new, naming the file and line of the old key', async t => {
	const options = await withKnownHosts(['# first line', `otherhost ${sshd.hostKey}`, `${name()} ${otherKey}`], {acceptNewHostKeys: true});
	const before = await readFile(options.knownHostsFile ?? '', 'utf8');
	const error = await t.throwsAsync(openSsh(options), {instanceOf: HostUnreachable});
	t.is(error?.message, `Host key of web1 (127.0.0.1:${sshd.port}) has CHANGED: the host sent ${serverFingerprint()}, but ${options.knownHostsFile}:3 holds ${fingerprint(otherKey.split(' ')[1] ?? '')} for it. `
		+ 'Someone may be intercepting the connection, or the host was reinstalled. '
		+ `If you know the new key is right, remove the old one with \`ssh-keygen -R '${name()}' -f ${options.knownHostsFile}\` and connect again to accept the new one. `
		+ 'A changed key is never accepted automatically, not even with --accept-new-host-keys.');
	t.is(await readFile(options.knownHostsFile ?? '', 'utf8'), before);
});

test('with host key checking off (host_key_checking = False), an unknown or changed key is taken, and nothing is recorded', async t => {
	const unknown = await withKnownHosts([], {hostKeyChecking: false});
	t.is(await connectsAndRuns(unknown), user.name);
	const changed = await withKnownHosts([`${name()} ${otherKey}`], {hostKeyChecking: false});
	t.is(await connectsAndRuns(changed), user.name);
	t.is(await readFile(changed.knownHostsFile!, 'utf8'), `${name()} ${otherKey}\n`);
});

test('a hashed known_hosts entry is accepted', async t => {
	const salt = randomBytes(20);
	const hash = createHmac('sha1', salt).update(name()).digest('base64');
	t.is(await connectsAndRuns(await withKnownHosts([`|1|${salt.toString('base64')}|${hash} ${sshd.hostKey}`])), user.name);
});

test('an entry hashed by ssh-keygen -H is accepted', async t => {
	const options = await withKnownHosts([`${name()} ${sshd.hostKey}`]);
	await run('ssh-keygen', ['-H', '-f', options.knownHostsFile ?? '']);
	t.regex(await readFile(options.knownHostsFile ?? '', 'utf8'), /^\|1\|/);
	t.is(await connectsAndRuns(options), user.name);
});

test('a comma list with the host in it is accepted', async t => {
	t.is(await connectsAndRuns(await withKnownHosts([`web1.example,${name()},10.0.0.1 ${sshd.hostKey}`])), user.name);
});

test('a revoked key is rejected, naming its line', async t => {
	const options = await withKnownHosts([`${name()} ${sshd.hostKey}`, `@revoked * ${sshd.hostKey}`], {acceptNewHostKeys: true});
	const error = await t.throwsAsync(openSsh(options), {instanceOf: HostUnreachable});
	t.is(error?.message, `Host key of web1 (127.0.0.1:${sshd.port}) is revoked: ${serverFingerprint()} is marked @revoked at ${options.knownHostsFile}:2. Refusing to connect.`);
});

test('a @cert-authority line does not make the host key known', async t => {
	const error = await t.throwsAsync(openSsh(await withKnownHosts([`@cert-authority * ${sshd.hostKey}`])), {instanceOf: HostUnreachable});
	t.regex(error?.message ?? '', /is unknown/);
});
