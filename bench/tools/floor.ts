import {spawn} from 'node:child_process';
import {sshCommand, type SshIdentity} from '../../test/lab/ssh-keys.js';
import type {BenchHost} from '../bench-hosts.js';

/**
 * The floor: the scenario's commands as one plain shell script per host, sent down one OpenSSH
 * connection each (`sh -s`, the script on stdin), every host at once. Resolves with the wall time;
 * a host whose script fails fails the floor, with what it said.
 */
export async function runFloor(hosts: readonly BenchHost[], identity: SshIdentity, scriptFor: (host: BenchHost) => string): Promise<number> {
	const started = process.hrtime.bigint();
	await Promise.all(hosts.map(async host => {
		const [file, ...args] = sshCommand(identity, host.address, 'sh -s', 30);
		const child = spawn(file!, args, {stdio: ['pipe', 'ignore', 'pipe']});
		let stderr = '';
		child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
			stderr += chunk;
		});
		child.stdin.end(scriptFor(host));
		const code = await new Promise<number | null>((resolve, reject) => {
			child.once('error', reject);
			child.once('close', resolve);
		});
		if (code !== 0) {
			throw new Error(`the floor script failed on ${host.name} (exit ${String(code)}): ${stderr.trim()}`);
		}
	}));
	return Number(process.hrtime.bigint() - started) / 1e6;
}
