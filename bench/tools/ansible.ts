import {mkdir, readdir, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import {runCommand} from '../../test/lab/run-command.js';
import {type RunCounts, sumCounts} from './run-counts.js';

/*
 * ansible-playbook with its best settings for this job, written to an ansible.cfg of the
 * benchmark's own (nothing of the machine's configuration is read):
 * - forks = the number of hosts, so no host waits for a slot;
 * - pipelining: a module goes down the ssh session's stdin, with no temp file and no extra round trips;
 * - ControlMaster/ControlPersist: one ssh connection per host, reused by every task (no -C:
 *   compression only costs CPU on a local link);
 * - facts only when a play asks for them (gathering = explicit), and the lab's python3 named, so
 *   no interpreter discovery round trip;
 * - host keys checked (host_key_checking, and the inventory's ansible_ssh_common_args with the
 *   lab's known_hosts and StrictHostKeyChecking=yes).
 */

export interface AnsibleSetup {
	readonly configPath: string;
	/** Where the ControlPersist sockets are: each run's masters are told to exit afterwards. */
	readonly controlPathDirectory: string;
	readonly env: NodeJS.ProcessEnv;
}

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

export async function writeAnsibleConfig(directory: string, forks: number): Promise<AnsibleSetup> {
	const configPath = join(directory, 'ansible.cfg');
	const controlPathDirectory = join(directory, 'cp');
	const localTemp = join(directory, 'tmp');
	await mkdir(controlPathDirectory, {recursive: true});
	await mkdir(localTemp, {recursive: true});
	await writeFile(configPath, [
		'# Written by pb\'s benchmark: ansible-playbook at its best for this job (see bench/tools/ansible.ts).',
		'[defaults]',
		`forks = ${forks}`,
		'gathering = explicit',
		'host_key_checking = True',
		'interpreter_python = /usr/bin/python3',
		'retry_files_enabled = False',
		`local_tmp = ${localTemp}`,
		'',
		'[ssh_connection]',
		'pipelining = True',
		'ssh_args = -o ControlMaster=auto -o ControlPersist=60s',
		`control_path_dir = ${controlPathDirectory}`,
		'',
	].join('\n'));
	return {configPath, controlPathDirectory, env: {...process.env, ANSIBLE_CONFIG: configPath, ANSIBLE_NOCOLOR: '1'}};
}

export function ansibleCommand(playbook: string, inventory: string, check: boolean, extraVars: readonly string[]): string[] {
	return [
		'ansible-playbook', playbook, '-i', inventory,
		...extraVars.flatMap(words => ['-e', words]),
		...(check ? ['--check'] : []),
	];
}

/**
 * Tells each ControlPersist master of the last run to exit, so every run starts with no connection,
 * as pb's does, and no ssh process of ours outlives the benchmark.
 */
export async function closeControlMasters(setup: AnsibleSetup): Promise<void> {
	const sockets = await readdir(setup.controlPathDirectory);
	await Promise.all(sockets.map(async socket => runCommand(['ssh', '-F', '/dev/null', '-o', `ControlPath=${join(setup.controlPathDirectory, socket)}`, '-O', 'exit', 'control-master'])));
}

/** The PLAY RECAP lines: `host : ok=50 changed=49 unreachable=0 failed=0 ...`. */
export function ansibleCounts(stdout: string): RunCounts {
	const hosts = [...stdout.matchAll(/^\S+\s+:\s+ok=\d+\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)/gm)].map(match => ({
		changed: Number(match[1]),
		unreachable: Number(match[2]),
		failed: Number(match[3]),
	}));
	if (hosts.length === 0) {
		throw new Error(`ansible-playbook printed no PLAY RECAP; its output ended with:\n${stdout.slice(-2000)}`);
	}

	return sumCounts(hosts);
}
