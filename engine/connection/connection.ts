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
}

export interface ExecResult {
	readonly stdout: string;
	readonly stderr: string;
	/** Exit status: over SSH 128+n for a command killed by signal n, as sh says; -1 when a local command was. */
	readonly code: number;
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
