import {spawn} from 'node:child_process';
import type {Connection, ExecOptions, ExecResult} from './connection.js';

/** Runs commands on this machine, without SSH (ansible_connection=local). */
export class LocalConnection implements Connection {
	readonly host: string;

	constructor(host: string) {
		this.host = host;
	}

	async exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
		return new Promise((resolve, reject) => {
			const child = spawn('/bin/sh', ['-c', command], {
				cwd: options.cwd,
				env: options.env ? {...process.env, ...options.env} : process.env,
				stdio: ['pipe', 'pipe', 'pipe'],
			});
			const stdout: Buffer[] = [];
			const stderr: Buffer[] = [];
			child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
			child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
			child.on('error', reject);
			child.on('close', code => {
				resolve({stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8'), code: code ?? -1});
			});
			// A command that does not read its stdin closes the pipe early: that is not an error.
			child.stdin.on('error', () => undefined);
			child.stdin.end(options.stdin ?? '');
		});
	}

	async close(): Promise<void> {
		// Nothing to close: each command is its own process.
	}
}
