import {spawn} from 'node:child_process';
import {mkdtemp, readFile, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';

export interface Measured {
	readonly wallMs: number;
	/** User plus system time of the process and the children it waited for. */
	readonly cpuMs: number;
	/** The largest resident set of the process (or of a child it waited for), in MB: VmHWM as the kernel counts it. */
	readonly peakRssMb: number;
	readonly exitCode: number;
	readonly stdout: string;
	readonly stderr: string;
}

export interface MeasureOptions {
	readonly env?: NodeJS.ProcessEnv;
	readonly cwd?: string;
}

/**
 * Runs a program under GNU time for its CPU time and peak RSS; the wall time is taken here, around
 * the whole of it, as a user would see it.
 */
export async function measure(command: readonly string[], options: MeasureOptions = {}): Promise<Measured> {
	const directory = await mkdtemp(join(tmpdir(), 'pb-bench-time-'));
	const report = join(directory, 'time');
	try {
		const started = process.hrtime.bigint();
		const child = spawn('/usr/bin/time', ['-f', '%U %S %M', '-o', report, '--', ...command], {
			cwd: options.cwd,
			env: options.env ?? process.env,
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		const stdout: Buffer[] = [];
		const stderr: Buffer[] = [];
		child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
		child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
		const exitCode = await new Promise<number>((resolve, reject) => {
			child.once('error', error => {
				reject(new Error(`cannot run /usr/bin/time (Debian's package \`time\`): ${error.message}`, {cause: error}));
			});
			child.once('close', code => resolve(code ?? -1));
		});
		const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
		// When the program exited non-zero, GNU time writes a "Command exited" line first.
		const [user, system, rssKb] = (await readFile(report, 'utf8')).trim().split('\n').at(-1)!.split(' ').map(Number);
		return {
			wallMs,
			cpuMs: ((user ?? 0) + (system ?? 0)) * 1000,
			peakRssMb: (rssKb ?? 0) / 1024,
			exitCode,
			stdout: Buffer.concat(stdout).toString('utf8'),
			stderr: Buffer.concat(stderr).toString('utf8'),
		};
	} finally {
		await rm(directory, {recursive: true, force: true});
	}
}
