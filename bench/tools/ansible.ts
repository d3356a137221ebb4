import {ansibleRecap, type AnsibleSetup, writeAnsibleConfig} from '../../test/helpers/ansible-playbook.js';
import {runCommand} from '../../test/lab/run-command.js';
import {type RunCounts, sumCounts} from './run-counts.js';

/*
 * ansible-playbook for the benchmark: its ansible.cfg (test/helpers/ansible-playbook.ts says why
 * each setting) gathers facts only when a play asks for them (gathering = explicit).
 */

/** ansible-core, and Debian's collections package for ansible.posix.sysctl (the containerd scenario's). */
const packages = ['ansible-core', 'ansible'];

async function installed(): Promise<boolean> {
	const missing = await runCommand(['dpkg-query', '-W', '-f', '${Status}\n', ...packages]).catch(() => ({exitCode: 1, stdout: ''}));
	return missing.exitCode === 0 && missing.stdout.split('\n').filter(line => line.endsWith(' installed')).length === packages.length;
}

/** Installs Debian's ansible-core and ansible when either is missing (apt-get update first if the install fails). */
export async function ensureAnsible(log: (line: string) => void): Promise<void> {
	if (await installed()) {
		return;
	}

	log(`installing Ansible from Debian's packages (apt-get install -y ${packages.join(' ')})`);
	let install = await runCommand(['apt-get', 'install', '-y', ...packages]);
	if (install.exitCode !== 0) {
		await runCommand(['apt-get', 'update']);
		install = await runCommand(['apt-get', 'install', '-y', ...packages]);
	}

	if (install.exitCode !== 0 || !await installed()) {
		throw new Error(`cannot install ${packages.join(' ')} with apt-get (run as root, with Debian's package lists reachable):\n${install.stderr.trim().split('\n').slice(-5).join('\n')}`);
	}
}

/** ansible-core's version, and the ansible package's when it is installed too. */
export async function ansibleVersions(): Promise<string> {
	const core = (await runCommand(['ansible-playbook', '--version'])).stdout.split('\n')[0] ?? '';
	const bundle = await runCommand(['dpkg-query', '-W', '-f', '${Version}', 'ansible']);
	return `${core.trim()}${bundle.exitCode === 0 && bundle.stdout ? `; Debian package ansible ${bundle.stdout}` : ''}`;
}

export async function writeBenchAnsibleConfig(directory: string, forks: number): Promise<AnsibleSetup> {
	return writeAnsibleConfig(directory, {forks, gathering: 'explicit', writtenBy: 'Written by pb\'s benchmark: ansible-playbook at its best for this job (see test/helpers/ansible-playbook.ts).'});
}

export function ansibleCommand(playbook: string, inventory: string, check: boolean, extraVars: readonly string[]): string[] {
	return [
		'ansible-playbook', playbook, '-i', inventory,
		...extraVars.flatMap(words => ['-e', words]),
		...(check ? ['--check'] : []),
	];
}

/** The PLAY RECAP, summed over the hosts. */
export function ansibleCounts(stdout: string): RunCounts {
	return sumCounts(Object.values(ansibleRecap(stdout)));
}
