import {PbError} from '../errors.js';

/**
 * Asks on the terminal for a secret (-k, -K), echoing nothing, as ansible-playbook does. Without a
 * terminal there is nobody to ask: the error says what to set instead.
 */
export async function askSecret(question: string, instead: string): Promise<string> {
	const {stdin, stderr} = process;
	if (!stdin.isTTY) {
		throw new PbError(`${question.replace(/: $/, '')} is asked for on a terminal, and pb's input is not one`, {kind: 'options', hint: instead});
	}

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
