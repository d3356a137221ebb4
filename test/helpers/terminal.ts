import {spawn} from 'node:child_process';
import {pbCli} from './playbook-run.js';

/** pb with its input on a terminal (util-linux's script): each time `prompt` shows, the next answer is typed, as a person would. */
export async function pbOnTerminal(args: readonly string[], prompt: string, answers: readonly string[]): Promise<{code: number; output: string}> {
	const command = [process.execPath, pbCli, ...args].map(word => `'${word}'`).join(' ');
	const child = spawn('script', ['-qec', command, '/dev/null'], {env: {...process.env, NO_COLOR: '1'}});
	let output = '';
	let answered = 0;
	child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
		output += chunk;
		const asked = output.split(prompt).length - 1;
		for (; answered < Math.min(asked, answers.length); answered++) {
			child.stdin.write(answers[answered]!);
		}
	});
	const code = await new Promise<number>(resolve => child.on('close', status => resolve(status ?? -1)));
	return {code, output};
}
