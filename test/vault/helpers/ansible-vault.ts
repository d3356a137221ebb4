import {spawnSync} from 'node:child_process';
import {join} from 'node:path';

/** Debian's ansible-vault (or another Ansible command) in `cwd`, reading no ansible.cfg; its stdout. */
export function ansible(command: string, args: readonly string[], cwd: string, input?: string): string {
	const result = spawnSync(command, args, {cwd, input, encoding: 'utf8', env: {...process.env, ANSIBLE_CONFIG: join(cwd, 'none.cfg'), ANSIBLE_NOCOLOR: '1'}});
	if (result.status !== 0) {
		throw new Error(`${command} ${args.join(' ')} exited with ${result.status ?? result.signal}: ${result.stderr}${result.stdout}`);
	}

	return result.stdout;
}

export const ansibleVault = (args: readonly string[], cwd: string, input?: string) => ansible('ansible-vault', args, cwd, input);
