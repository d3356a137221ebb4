import type {Writable} from 'node:stream';

/** How a command gains privileges on the host (only sudo for now). */
export interface Become {
	readonly method: 'sudo';
	readonly user: string;
	/** Never logged, never echoed: written to sudo's stdin, and only when sudo prompts for it. */
	readonly password?: string | undefined;
}

/** A controller file streamed to a command's stdin, never held in memory whole (a large archive pushed to many hosts). */
export interface StdinFile {
	readonly path: string;
	readonly size: number;
}

export function isStdinFile(stdin: ExecOptions['stdin']): stdin is StdinFile {
	return typeof stdin === 'object' && !Buffer.isBuffer(stdin);
}

export interface ExecOptions {
	/** Written to the command's standard input, then closed. */
	readonly stdin?: string | Buffer | StdinFile | undefined;
	readonly cwd?: string | undefined;
	readonly env?: Readonly<Record<string, string>> | undefined;
	readonly become?: Become | undefined;
	/**
	 * The script is pb's own (its reads, and a few small writes in apply), fit to run inside the
	 * shell kept open on the host: it never exits, changes directory, exports, sets an option it
	 * does not restore, or reads stdin, and its status is its last command's. That shell may then
	 * run it itself instead of in a `/bin/sh -c` of its own: a process less, and starting one costs
	 * 3 to 7 ms of CPU on a small VM. Without env and cwd only; elsewhere (a local host) it runs as
	 * any script does.
	 */
	readonly inline?: boolean | undefined;
	/**
	 * The script is pb's own, and may exit, trap and set options, but reads no shell variable it
	 * did not set: the shell kept open on the host may run it in a subshell of its own, a fork
	 * without the exec of a new /bin/sh. Elsewhere it runs as any script does.
	 */
	readonly subshell?: boolean | undefined;
	/**
	 * A script of pb's own reads (fit to run inline), run right after the command in the same
	 * round trip, whatever the command's status; its output comes back as `ExecResult.after`.
	 * Only the shell kept on an SSH host does this; elsewhere `after` is left out and the script
	 * is not run.
	 */
	readonly after?: string | undefined;
	/**
	 * Where the command's standard output goes, as it arrives, instead of into the result: for
	 * more bytes than are worth holding (an archive read back from the host). Ended once the
	 * command exits. Over SSH the command then runs on a channel of its own, whose bytes need no
	 * encoding.
	 */
	readonly stdoutTo?: Writable | undefined;
}

export interface ExecResult {
	readonly stdout: string;
	readonly stderr: string;
	/** Exit status: over SSH 128+n for a command killed by signal n, as sh says; -1 when a local command was. */
	readonly code: number;
	/** What ExecOptions.after printed, and its status, when it ran. */
	readonly after?: Omit<ExecResult, 'after'>;
}

/**
 * One open connection to a host, reused by every task of the run.
 * `exec` runs a shell command line (sh -c semantics) on the host.
 * A lost host rejects with HostUnreachable; a command that ran and failed resolves with its code.
 */
export interface Connection {
	readonly host: string;
	exec(command: string, options?: ExecOptions): Promise<ExecResult>;
	close(): Promise<void>;
}

/** The host cannot be reached (or was lost): the engine drops it and counts it unreachable. */
export class HostUnreachable extends Error {
	override readonly name = 'HostUnreachable';
	readonly host: string;

	constructor(host: string, message: string, options?: {cause?: unknown}) {
		super(message, options);
		this.host = host;
	}
}
