import {spawn} from 'node:child_process';
import type {Connection, ExecOptions, ExecResult} from './connection.js';
import {prepareCommand} from './prepared-command.js';

/** Runs commands on this machine, without SSH (ansible_connection=local). */
export class LocalConnection implements Connection {
	readonly host: string;

	constructor(host: string) {
		this.host = host;
	}

	async exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
		const prepared = prepareCommand(this.host, command, options);
		const child = spawn('/bin/sh', ['-c', prepared.commandLine], {stdio: ['pipe', 'pipe', 'pipe']});
		const exited = new Promise<number>((resolve, reject) => {
			child.on('error', reject);
			child.on('close', code => resolve(code ?? -1));
		});
		return prepared.run({stdin: child.stdin, stdout: child.stdout, stderr: child.stderr, exited});
	}

	async close(): Promise<void> {
		// Nothing to close: each command is its own process.
	}
}
