import {mkdir, readdir, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import type {Recap} from '../../engine/report/events.js';
import {runCommand} from '../lab/run-command.js';

/*
 * ansible-playbook as the benchmark and the compatibility tests run it: with an ansible.cfg of
 * their own (nothing of the machine's configuration is read), written so that
 * - forks = the number of hosts, so no host waits for a slot;
 * - pipelining: a module goes down the ssh session's stdin, with no temp file and no extra round trips;
 * - ControlMaster/ControlPersist: one ssh connection per host, reused by every task (no -C:
 *   compression only costs CPU on a local link);
 * - the lab's python3 is named, so no interpreter discovery round trip;
 * - host keys checked (host_key_checking, and the inventory's ansible_ssh_common_args with the
 *   lab's known_hosts and StrictHostKeyChecking=yes).
 */

export interface AnsibleSetup {
	readonly configPath: string;
	/** Where the ControlPersist sockets are: each run's masters are told to exit afterwards. */
	readonly controlPathDirectory: string;
	readonly env: NodeJS.ProcessEnv;
}

export interface AnsibleConfigOptions {
	readonly forks: number;
	/** 'implicit' is Ansible's default (facts unless a play says `gather_facts: false`); 'explicit' gathers only when a play asks. */
	readonly gathering: 'implicit' | 'explicit';
	/** The file's first line: who wrote it and where its reasons are. */
	readonly writtenBy: string;
}

export async function writeAnsibleConfig(directory: string, options: AnsibleConfigOptions): Promise<AnsibleSetup> {
	const configPath = join(directory, 'ansible.cfg');
	const controlPathDirectory = join(directory, 'cp');
	const localTemp = join(directory, 'tmp');
	await mkdir(controlPathDirectory, {recursive: true});
	await mkdir(localTemp, {recursive: true});
	await writeFile(configPath, [
		`# ${options.writtenBy}`,
		'[defaults]',
		`forks = ${options.forks}`,
		`gathering = ${options.gathering}`,
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

/**
 * Tells each ControlPersist master of the last run to exit, so every run starts with no connection,
 * as pb's does, and no ssh process of ours outlives the run.
 */
export async function closeControlMasters(setup: AnsibleSetup): Promise<void> {
	const sockets = await readdir(setup.controlPathDirectory);
	await Promise.all(sockets.map(async socket => runCommand(['ssh', '-F', '/dev/null', '-o', `ControlPath=${join(setup.controlPathDirectory, socket)}`, '-O', 'exit', 'control-master'])));
}

const recapLine = /^(\S+)\s+:\s+ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)\s+skipped=(\d+)\s+rescued=(\d+)\s+ignored=(\d+)/gm;

/** The PLAY RECAP, host by host: `host : ok=50 changed=49 unreachable=0 failed=0 skipped=0 rescued=0 ignored=0`. */
export function ansibleRecap(stdout: string): Record<string, Recap> {
	const hosts = [...stdout.matchAll(recapLine)];
	if (hosts.length === 0) {
		throw new Error(`ansible-playbook printed no PLAY RECAP; its output ended with:\n${stdout.slice(-2000)}`);
	}

	return Object.fromEntries(hosts.map(([, host, ...counts]) => {
		const [ok, changed, unreachable, failed, skipped, rescued, ignored] = counts.map(Number) as [number, number, number, number, number, number, number];
		return [host!, {ok, changed, unreachable, failed, skipped, rescued, ignored}];
	}));
}
