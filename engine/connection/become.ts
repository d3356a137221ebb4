import {randomBytes} from 'node:crypto';
import type {Become, ExecResult} from './connection.js';
import {quoteShell} from '../shell-words.js';

/** sudo did not let the command run as the become user: a task failure, not an unreachable host. */
export class BecomeFailed extends Error {
	override readonly name = 'BecomeFailed';
	readonly host: string;
	readonly user: string;

	constructor(host: string, user: string, message: string) {
		super(message);
		this.host = host;
		this.user = user;
	}
}

/** A script wrapped in sudo, and the two strings that tell how sudo is doing. */
export interface SudoCommand {
	readonly commandLine: string;
	/** sudo's password prompt (-p), unique to this command so it cannot be confused with output. */
	readonly prompt: string;
	/** Printed by the become user's shell before the script: sudo has let us in. */
	readonly marker: string;
}

export function wrapInSudo(script: string, become: Become): SudoCommand {
	const key = randomBytes(12).toString('hex');
	const prompt = `[pb-become-${key}] password: `;
	const marker = `PB-BECOME-SUCCESS-${key}`;
	const inner = `echo ${marker}\n${script}`;
	return {
		commandLine: `sudo -H -S -p ${quoteShell(prompt)} -u ${quoteShell(become.user)} -- /bin/sh -c ${quoteShell(inner)}`,
		prompt,
		marker,
	};
}

/** Where the handshake writes: the command's stdin. */
export interface StdinSink {
	write(data: string): void;
	/** Closes stdin: sudo gives up at EOF instead of waiting for a password that will not come. */
	end(): void;
}

/**
 * Talks to sudo on the command's streams. The password is written only when sudo prompts for it
 * (never when sudo does not ask, e.g. for root or NOPASSWD), so it can never reach the command's
 * own stdin. The caller's stdin is sent once the marker shows sudo has started the command.
 */
export class SudoHandshake {
	private started = false;
	private promptsSeen = 0;
	private stdoutBeforeMarker = Buffer.alloc(0);
	private readonly stderrBeforeStart: Buffer[] = [];

	constructor(
		private readonly host: string,
		private readonly become: Become,
		private readonly sudo: SudoCommand,
		private readonly stdin: StdinSink,
		private readonly onStarted: () => void,
	) {}

	/** Takes a chunk of stdout; returns the part that is the command's own output. */
	stdout(chunk: Buffer): Buffer {
		if (this.started) {
			return chunk;
		}

		this.stdoutBeforeMarker = Buffer.concat([this.stdoutBeforeMarker, chunk]);
		const line = `${this.sudo.marker}\n`;
		const at = this.stdoutBeforeMarker.indexOf(line);
		if (at === -1) {
			return Buffer.alloc(0);
		}

		this.started = true;
		this.onStarted();
		return this.stdoutBeforeMarker.subarray(at + line.length);
	}

	stderr(chunk: Buffer): void {
		if (this.started) {
			return;
		}

		this.stderrBeforeStart.push(chunk);
		const prompts = countOccurrences(Buffer.concat(this.stderrBeforeStart), this.sudo.prompt);
		if (prompts === this.promptsSeen) {
			return;
		}

		this.promptsSeen = prompts;
		if (prompts === 1 && this.become.password !== undefined) {
			this.stdin.write(`${this.become.password}\n`);
		} else {
			// A second prompt means the password was wrong; a first one without a password cannot be answered.
			this.stdin.end();
		}
	}

	/** The command's result with sudo's prompts taken out, or BecomeFailed when sudo never ran it. */
	finish(result: ExecResult): ExecResult {
		const stderr = result.stderr.replaceAll(this.sudo.prompt, '');
		if (this.started) {
			return {...result, stderr};
		}

		throw new BecomeFailed(this.host, this.become.user, this.failureMessage(result.code, stderr.trim()));
	}

	private failureMessage(code: number, sudoSaid: string): string {
		const who = `${this.host}: cannot become user '${this.become.user}' with sudo`;
		if (this.promptsSeen >= 2) {
			return `${who}: sudo rejected the become password. Check ansible_become_password (or become_password) for this host.`;
		}

		if (this.promptsSeen === 1 && this.become.password === undefined) {
			return `${who}: sudo asks for a password and none was given. Set ansible_become_password for this host, or allow the user NOPASSWD in sudoers.`;
		}

		if (code === 127) {
			return `${who}: sudo is not installed (or not on PATH) on the host. Install it, or connect as the user directly without become.`;
		}

		return `${who} (exit ${code}): ${sudoSaid || 'sudo said nothing'}`;
	}
}

function countOccurrences(haystack: Buffer, needle: string): number {
	let count = 0;
	for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + needle.length)) {
		count++;
	}

	return count;
}
