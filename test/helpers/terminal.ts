import {spawn} from 'node:child_process';
import {join} from 'node:path';
import {repoRoot} from './playbook-run.js';

/** pb with its input on a terminal (util-linux's script): `answer` is typed once `prompt` shows, as a person would. */
export async function pbOnTerminal(args: readonly string[], prompt: string, answer: string): Promise<{code: number; output: string}> {
	const command = [process.execPath, join(repoRoot, 'dist/engine/cli.js'), ...args].map(word => `'${word}'`).join(' ');
	const child = spawn('script', ['-qec', command, '/dev/null'], {env: {...process.env, NO_COLOR: '1'}});
	let output = '';
	child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
		const before = output;
		output += chunk;
		if (!before.includes(prompt) && output.includes(prompt)) {
			child.stdin.write(answer);
		}
	});
	const code = await new Promise<number>(resolve => child.on('close', status => resolve(status ?? -1)));
	return {code, output};
}
