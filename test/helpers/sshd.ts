import {execFile, spawn, type ChildProcess} from 'node:child_process';
import {chmod, mkdir, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import {createServer, connect} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {promisify} from 'node:util';

const run = promisify(execFile);

/** A real OpenSSH server on 127.0.0.1, with its own host key and one user key that logs in as any user. */
export interface TestSshd {
	readonly address: string;
	readonly port: number;
	/** Holds the keys, sshd_config, pid file and authorized_keys; removed by stop(). */
	readonly dir: string;
	/** Private key accepted for every user (authorized_keys is shared). */
	readonly userKeyFile: string;
	/** The host's public key as `type base64`. */
	readonly hostKey: string;
	/** A known_hosts line that trusts this server. */
	readonly knownHostsLine: string;
	/** Stops exactly this sshd (by its PID) and removes its directory. */
	stop(): Promise<void>;
}

/** Starts sshd; the caller stops it (test.after.always). Needs root and Debian's openssh-server. */
export async function startSshd(): Promise<TestSshd> {
	const dir = await mkdtemp(join(tmpdir(), 'pb-sshd-'));
	// Users other than root read authorized_keys from here when they log in.
	await chmod(dir, 0o755);
	const hostKeyFile = join(dir, 'host_ed25519');
	const userKeyFile = join(dir, 'user_ed25519');
	await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'pb test host', '-f', hostKeyFile]);
	await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'pb test user', '-f', userKeyFile]);
	await writeFile(join(dir, 'authorized_keys'), await readFile(`${userKeyFile}.pub`), {mode: 0o644});
	const hostKey = (await readFile(`${hostKeyFile}.pub`, 'utf8')).split(' ').slice(0, 2).join(' ');
	// sshd's privilege separation directory; absent on machines where sshd never ran.
	await mkdir('/run/sshd', {recursive: true, mode: 0o755});

	// Another test may take the free port between our probe and sshd's bind: then try another.
	for (let attempt = 1; ; attempt++) {
		const port = await freePort();
		const configFile = join(dir, 'sshd_config');
		await writeFile(configFile, [
			`Port ${port}`,
			'ListenAddress 127.0.0.1',
			`HostKey ${hostKeyFile}`,
			`PidFile ${join(dir, 'sshd.pid')}`,
			`AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
			'StrictModes no',
			'UsePAM no',
			'PermitRootLogin yes',
			'PasswordAuthentication yes',
			'KbdInteractiveAuthentication no',
			// Tests open many connections at once; sshd's default (10:30:100) drops some of them.
			'MaxStartups 200',
			'LogLevel ERROR',
			'',
		].join('\n'));
		const child = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', configFile], {stdio: ['ignore', 'ignore', 'pipe']});
		let log = '';
		child.stderr.on('data', (chunk: Buffer) => {
			log += chunk.toString('utf8');
		});
		try {
			await waitForBanner(child, port, () => log);
		} catch (error) {
			child.kill('SIGTERM');
			if (attempt < 3 && log.includes('Address already in use')) {
				continue;
			}

			await rm(dir, {recursive: true, force: true});
			throw error;
		}

		// Should the test process die without running its after.always hooks, sshd must not outlive it.
		const killOnExit = () => child.kill('SIGTERM');
		process.once('exit', killOnExit);
		return {
			address: '127.0.0.1',
			port,
			dir,
			userKeyFile,
			hostKey,
			knownHostsLine: `[127.0.0.1]:${port} ${hostKey}`,
			async stop() {
				process.off('exit', killOnExit);
				await stopProcess(child);
				await rm(dir, {recursive: true, force: true});
			},
		};
	}
}

async function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			server.close(() => {
				if (address !== null && typeof address === 'object') {
					resolve(address.port);
				} else {
					reject(new Error('no port from the probe server'));
				}
			});
		});
	});
}

/** Resolves once the port answers with an SSH banner; rejects if sshd exits or is silent for 10 s. */
async function waitForBanner(child: ChildProcess, port: number, log: () => string): Promise<void> {
	const deadline = Date.now() + 10_000;
	while (Date.now() < deadline) {
		if (child.exitCode !== null || child.signalCode !== null) {
			throw new Error(`sshd exited (${child.exitCode ?? child.signalCode}) before answering on port ${port}: ${log()}`);
		}

		if (await answersWithBanner(port)) {
			return;
		}

		await new Promise(resolve => setTimeout(resolve, 50));
	}

	throw new Error(`sshd did not answer on 127.0.0.1:${port} within 10 s: ${log()}`);
}

/** Whether an SSH server answers at host:port: a TCP connect that gets the SSH banner says so. */
export async function answersWithBanner(port: number, host = '127.0.0.1'): Promise<boolean> {
	return new Promise(resolve => {
		const socket = connect(port, host);
		socket.setTimeout(1000);
		socket.once('data', (chunk: Buffer) => {
			socket.destroy();
			resolve(chunk.toString('latin1').startsWith('SSH-'));
		});
		socket.once('error', () => resolve(false));
		socket.once('timeout', () => {
			socket.destroy();
			resolve(false);
		});
	});
}

async function stopProcess(child: ChildProcess): Promise<void> {
	if (child.exitCode !== null || child.signalCode !== null) {
		return;
	}

	const exited = new Promise(resolve => child.once('exit', resolve));
	child.kill('SIGTERM');
	await exited;
}
