import {execFile} from 'node:child_process';

/** A command of the lab's that failed: what ran, how it ended, what it said. */
export class CommandFailed extends Error {
	override readonly name = 'CommandFailed';

	constructor(
		readonly command: readonly string[],
		readonly exitCode: number | undefined,
		readonly stderr: string,
		cause?: unknown,
	) {
		const said = stderr.trim().split('\n').slice(-5).join('\n');
		super(`\`${command.join(' ')}\` failed${exitCode === undefined ? '' : ` with exit code ${exitCode}`}${said ? `:\n${said}` : ''}`, cause === undefined ? undefined : {cause});
	}
}

export interface CommandResult {
	readonly stdout: string;
	readonly stderr: string;
	readonly exitCode: number;
}

export interface RunOptions {
	readonly cwd?: string;
	readonly env?: NodeJS.ProcessEnv;
}

/** Runs a program (no shell) and resolves with its output and exit code, whatever the code. */
export async function runCommand(command: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
	const [file, ...args] = command;
	if (file === undefined) {
		throw new TypeError('Expected a command, got an empty list');
	}

	return new Promise((resolve, reject) => {
		const child = execFile(file, args, {
			...options,
			maxBuffer: 64 * 1024 * 1024,
			encoding: 'utf8',
		}, (error, stdout, stderr) => {
			if (error && typeof error.code !== 'number') {
				// Not an exit code: the program could not start, or was killed.
				reject(new CommandFailed(command, undefined, `${stderr}\n${error.message}`, error));
				return;
			}

			resolve({stdout, stderr, exitCode: error ? Number(error.code) : 0});
		});
		child.stdin?.end();
	});
}

/** Runs a program and returns its stdout; a non-zero exit is a CommandFailed. */
export async function mustRun(command: readonly string[]): Promise<string> {
	const result = await runCommand(command);
	if (result.exitCode !== 0) {
		throw new CommandFailed(command, result.exitCode, result.stderr);
	}

	return result.stdout;
}
