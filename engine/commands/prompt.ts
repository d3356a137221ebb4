import {createInterface} from 'node:readline/promises';
import {PbError} from '../errors.js';

function needsTerminal(question: string, instead: string): void {
	if (!process.stdin.isTTY) {
		throw new PbError(`${question.replace(/[:?]\s*$/, '')} is asked for on a terminal, and pb's input is not one`, {kind: 'options', hint: instead});
	}
}

/** Asks on the terminal, the answer echoed as typed (--step's question, vars_prompt's visible ones). */
export async function askLine(question: string, instead: string): Promise<string> {
	needsTerminal(question, instead);
	const terminal = createInterface({input: process.stdin, output: process.stderr});
	try {
		return await terminal.question(question);
	} finally {
		terminal.close();
	}
}

/**
 * Asks on the terminal for a secret (-k, -K), echoing nothing, as ansible-playbook does. Without a
 * terminal there is nobody to ask: the error says what to set instead.
 */
export async function askSecret(question: string, instead: string): Promise<string> {
	needsTerminal(question, instead);
	const {stdin, stderr} = process;
	// Echo goes off before the question shows: an answer typed at once is never echoed.
	stdin.setRawMode(true);
	stderr.write(question);
	stdin.resume();
	stdin.setEncoding('utf8');
	try {
		return await new Promise<string>((resolve, reject) => {
			let answer = '';
			const onData = (chunk: string) => {
				for (const character of chunk) {
					if (character === '\r' || character === '\n') {
						stdin.off('data', onData);
						resolve(answer);
						return;
					}

					if (character === '\u0003') {
						stdin.off('data', onData);
						reject(new PbError('interrupted at the password prompt', {kind: 'options'}));
						return;
					}

					answer = character === '\u007F' || character === '\b' ? answer.slice(0, -1) : answer + character;
				}
			};

			stdin.on('data', onData);
		});
	} finally {
		stdin.setRawMode(false);
		stdin.pause();
		stderr.write('\n');
	}
}
