import {quoteShell} from '../shell-words.js';
import type {ExecOptions} from './connection.js';

const envName = /^[A-Za-z_]\w*$/;

/**
 * The script that runs `command` with the given environment and working directory, for `/bin/sh -c`.
 * The command goes last, on its own line, so whatever it holds (comments, here-documents) stays its own.
 */
export function scriptFor(host: string, command: string, options: Pick<ExecOptions, 'cwd' | 'env'>): string {
	const lines: string[] = [];
	for (const [name, value] of Object.entries(options.env ?? {})) {
		if (!envName.test(name)) {
			throw new TypeError(`Cannot run a command on ${host}: environment variable name ${JSON.stringify(name)} is not valid (letters, digits and _ only, not starting with a digit).`);
		}

		lines.push(`export ${name}=${quoteShell(value)}`);
	}

	if (options.cwd !== undefined) {
		// `exit` with no status keeps cd's own status, and sh has already said why it failed.
		lines.push(`cd -- ${quoteShell(options.cwd)} || exit`);
	}

	lines.push(command);
	return lines.join('\n');
}
