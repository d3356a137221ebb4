import {createReadStream} from 'node:fs';
import type {Readable, Writable} from 'node:stream';
import {finished} from 'node:stream/promises';
import {SudoHandshake, wrapInSudo} from './become.js';
import {isStdinFile, type ExecOptions, type ExecResult} from './connection.js';
import {scriptFor} from './shell.js';

/** The standard streams of a started command, local process or SSH channel alike. */
export interface CommandStreams {
	readonly stdin: Writable;
	readonly stdout: Readable;
	readonly stderr: Readable;
	/** Resolves with the exit status (-1 for a signal) once the command is done and its output is read. */
	readonly exited: Promise<number>;
}

/** A command ready to start: the line for `/bin/sh -c`, and how to feed and read it once started. */
export interface PreparedCommand {
	readonly commandLine: string;
	run(streams: CommandStreams): Promise<ExecResult>;
}

/**
 * A file is read in chunks this large: pushing containerd's archive to 10 hosts over SSH took
 * 6.5 s of the machine's CPU (pb, the hosts' sshd, the kernel) in 64 KiB chunks, Node's default,
 * and 5.0 s in 1 MiB ones; 4 MiB gained nothing more.
 */
const fileChunkBytes = 1024 * 1024;

/** Writes the command's stdin and closes it: bytes at once, a file as a stream. */
function feed(stdin: Writable, input: ExecOptions['stdin']): void {
	if (!isStdinFile(input)) {
		stdin.end(input ?? '');
		return;
	}

	// A command that exits without reading it all closes its stdin: that is its business, not an error.
	createReadStream(input.path, {highWaterMark: fileChunkBytes}).on('error', () => stdin.end()).pipe(stdin);
}

export function prepareCommand(host: string, command: string, options: ExecOptions): PreparedCommand {
	const script = scriptFor(host, command, options);
	const {become} = options;
	if (become === undefined) {
		return {
			commandLine: script,
			run: async streams => collect(streams, options.stdoutTo, () => feed(streams.stdin, options.stdin)),
		};
	}

	const sudo = wrapInSudo(script, become);
	return {
		commandLine: sudo.commandLine,
		async run(streams) {
			const handshake = new SudoHandshake(host, become, sudo, {
				write: data => streams.stdin.write(data),
				end: () => streams.stdin.end(),
			}, () => feed(streams.stdin, options.stdin));
			return handshake.finish(await collect(streams, options.stdoutTo, () => undefined, handshake));
		},
	};
}

async function collect(streams: CommandStreams, stdoutTo: Writable | undefined, start: () => void, handshake?: SudoHandshake): Promise<ExecResult> {
	const stdout: Buffer[] = [];
	const stderr: Buffer[] = [];
	streams.stdout.on('data', (chunk: Buffer) => {
		const data = handshake ? handshake.stdout(chunk) : chunk;
		if (stdoutTo) {
			stdoutTo.write(data);
		} else {
			stdout.push(data);
		}
	});
	streams.stderr.on('data', (chunk: Buffer) => {
		stderr.push(chunk);
		handshake?.stderr(chunk);
	});
	// A command that does not read its stdin closes it early: that is not an error.
	streams.stdin.on('error', () => undefined);
	start();
	const code = await streams.exited;
	if (stdoutTo) {
		stdoutTo.end();
		// Written through: what reads on from it (a Transform's other side) is the caller's to wait for.
		await finished(stdoutTo, {readable: false});
	}

	return {stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8'), code};
}
