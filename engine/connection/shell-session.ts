import {randomBytes} from 'node:crypto';
import type {Duplex, Readable} from 'node:stream';
import {SudoHandshake, wrapInSudo, type SudoCommand} from './become.js';
import type {Become, ExecResult} from './connection.js';
import {quoteShell} from '../shell-words.js';

/*
 * A /bin/sh that stays open on one SSH channel and runs commands one after another. Opening a
 * channel costs sshd a fork, a login shell and (with PAM) a session: 20 to 60 ms a command on the
 * lab's hosts, against about 1 ms for a command sent to a shell already running.
 *
 * Each command is one frame written to the shell's stdin: `/bin/sh -c SCRIPT`, so the script keeps
 * sh -c's meaning (its exports, cd and exit stay its own, a syntax error is its own failure), with
 * stdin from /dev/null or from a here-document the shell itself reads, never from the shell's own
 * input; then its status and an end tag on stdout and the end tag on stderr. The tag holds a random
 * key per command, so no output can forge it. An inline script (pb's own reads, see ExecOptions)
 * runs in the kept shell itself, through `command eval`: no process of its own, and a syntax
 * error fails that command without ending the shell. A subshell script (pb's own writes, and
 * command's exec of quoted words) runs in `( eval SCRIPT )`: a fork of the kept shell, where its
 * exit and traps stay.
 */

/** How the kept shell runs a command: as `/bin/sh -c`, in a subshell of its own, or itself. */
export type RunsAs = 'sh' | 'subshell' | 'inline';

function commandLine(script: string, how: RunsAs): string {
	const quoted = quoteShell(script);
	return how === 'inline' ? `command eval ${quoted}` : how === 'subshell' ? `( eval ${quoted} )` : `/bin/sh -c ${quoted}`;
}

/** Larger stdin goes on a channel of its own, streamed, rather than base64 in a here-document. */
export const maxFramedStdin = 1024 * 1024;

export interface SessionChannel extends Duplex {
	readonly stderr: Readable;
}

/** One stream's output for the command that runs now: what comes before the end tag, then `after` more bytes. */
class Framed {
	private readonly chunks: Buffer[] = [];
	private size = 0;
	/** The last bytes seen, to find a tag split across two chunks. */
	private tail = Buffer.alloc(0);
	private tagAt = -1;

	constructor(private readonly tag: Buffer, private readonly after: number) {}

	/** Takes a chunk; true once the tag and the bytes after it have come. */
	add(chunk: Buffer): boolean {
		if (this.tagAt === -1) {
			const window = Buffer.concat([this.tail, chunk]);
			const at = window.indexOf(this.tag);
			if (at !== -1) {
				this.tagAt = this.size - this.tail.length + at;
			}

			this.tail = window.subarray(Math.max(0, window.length - this.tag.length + 1));
		}

		this.chunks.push(chunk);
		this.size += chunk.length;
		return this.tagAt !== -1 && this.size >= this.tagAt + this.tag.length + this.after;
	}

	content(): Buffer {
		return Buffer.concat(this.chunks).subarray(0, this.tagAt);
	}

	trailer(): string {
		const start = this.tagAt + this.tag.length;
		return Buffer.concat(this.chunks).subarray(start, start + this.after).toString('latin1');
	}
}

interface Running {
	readonly stdout: Framed;
	readonly stderr: Framed;
	readonly resolve: (result: ExecResult) => void;
	readonly reject: (error: Error) => void;
}

export class ShellSession {
	private running: Running | undefined;
	private ended = false;

	/** `lostWith` says why the shell is gone, to the command it was running. */
	private constructor(private readonly channel: SessionChannel, private readonly lostWith: () => Error) {
		channel.on('data', (chunk: Buffer) => this.take('stdout', chunk));
		channel.stderr.on('data', (chunk: Buffer) => this.take('stderr', chunk));
		channel.on('close', () => {
			this.ended = true;
			this.running?.reject(this.lostWith());
			this.running = undefined;
		});
	}

	/**
	 * Opens a channel running plain `/bin/sh`, or, with become, a shell that sudo started as the become
	 * user (asked for the password once, here). Rejects with BecomeFailed when sudo would not start it.
	 */
	static async start(host: string, open: (commandLine: string) => Promise<SessionChannel>, become: Become | undefined, lostWith: () => Error): Promise<ShellSession> {
		if (become === undefined) {
			return new ShellSession(await open('exec /bin/sh'), lostWith);
		}

		const sudo = wrapInSudo('exec /bin/sh', become);
		const channel = await open(sudo.commandLine);
		await sudoStarted(host, channel, become, sudo, lostWith);
		return new ShellSession(channel, lostWith);
	}

	get usable(): boolean {
		return !this.ended;
	}

	/**
	 * Runs `script` as `/bin/sh -c` would, or in a subshell, or inline in this shell; one command at
	 * a time per session. `after`, an inline script, runs next in the same frame: one round trip.
	 */
	async run(script: string, stdin: string | Buffer | undefined, how: RunsAs = 'sh', after?: string): Promise<ExecResult> {
		if (this.ended) {
			throw this.lostWith();
		}

		const key = randomBytes(9).toString('hex');
		const afterKey = after === undefined ? key : randomBytes(9).toString('hex');
		const input = stdin === undefined || stdin.length === 0 ? undefined : Buffer.from(stdin).toString('base64').replaceAll(/.{76}/g, '$&\n');
		const command = commandLine(script, how);
		const ended = (ending: string) => [`printf '\\n%s%03d\\n' pb-${ending}: $?`, `printf '\\n%s\\n' pb-${ending}: >&2`];
		const frame = [
			input === undefined
				? `${command} </dev/null`
				: `base64 -d <<'pb-${key}' | ${command}`,
			...ended(key),
			...(after === undefined ? [] : [`${commandLine(after, 'inline')} </dev/null`, ...ended(afterKey)]),
		].join('; ') + (input === undefined ? '\n' : `\n${input}\npb-${key}\n`);
		const tag = Buffer.from(`\npb-${afterKey}:`);
		return new Promise((resolve, reject) => {
			this.running = {
				stdout: new Framed(tag, 4),
				stderr: new Framed(tag, 1),
				resolve: after === undefined ? resolve : result => {
					const split = splitAfter(result, `\npb-${key}:`);
					if (split === undefined) {
						reject(new Error(`the shell's output lacks the end of the command before the read after it (pb-${key})`));
					} else {
						resolve(split);
					}
				},
				reject,
			};
			this.channel.write(frame);
		});
	}

	/** The shell exits at the end of its input; the channel then closes. */
	close(): void {
		this.ended = true;
		this.channel.end();
	}

	private take(stream: 'stdout' | 'stderr', chunk: Buffer): void {
		// Output with no command running (a background job's) is nobody's: it is dropped.
		const running = this.running;
		if (running === undefined || !running[stream].add(chunk)) {
			return;
		}

		const other = stream === 'stdout' ? running.stderr : running.stdout;
		if (!other.add(Buffer.alloc(0))) {
			return;
		}

		this.running = undefined;
		running.resolve({
			stdout: running.stdout.content().toString('utf8'),
			stderr: running.stderr.content().toString('utf8'),
			code: Number(running.stdout.trailer().trim()),
		});
	}
}

/** A command's result and, after its tag and status, the `after` script's. */
function splitAfter(whole: ExecResult, tag: string): ExecResult | undefined {
	const out = whole.stdout.indexOf(tag);
	const err = whole.stderr.indexOf(`${tag}\n`);
	if (out === -1 || err === -1) {
		return undefined;
	}

	const status = out + tag.length;
	return {
		stdout: whole.stdout.slice(0, out),
		stderr: whole.stderr.slice(0, err),
		code: Number(whole.stdout.slice(status, status + 3)),
		after: {stdout: whole.stdout.slice(status + 4), stderr: whole.stderr.slice(err + tag.length + 1), code: whole.code},
	};
}

/** Lets sudo ask for the password (answered once) and waits for the become user's shell to say it runs. */
async function sudoStarted(host: string, channel: SessionChannel, become: Become, sudo: SudoCommand, lostWith: () => Error): Promise<void> {
	await new Promise<void>((resolve, reject) => {
		const stderr: Buffer[] = [];
		const handshake = new SudoHandshake(host, become, sudo, {
			write: data => channel.write(data),
			end: () => channel.end(),
		}, () => {
			channel.removeListener('data', onStdout);
			channel.stderr.removeListener('data', onStderr);
			channel.removeListener('close', onClose);
			resolve();
		});
		const onStdout = (chunk: Buffer) => handshake.stdout(chunk);
		const onStderr = (chunk: Buffer) => {
			stderr.push(chunk);
			handshake.stderr(chunk);
		};

		const onClose = (code: number | null | undefined) => {
			if (code === undefined) {
				reject(lostWith());
				return;
			}

			try {
				handshake.finish({stdout: '', stderr: Buffer.concat(stderr).toString('utf8'), code: code ?? -1});
				reject(lostWith());
			} catch (error) {
				reject(error as Error);
			}
		};

		channel.on('data', onStdout);
		channel.stderr.on('data', onStderr);
		channel.on('close', onClose);
	});
}
