import {mkdir, readdir} from 'node:fs/promises';
import {join} from 'node:path';
import type {BenchHosts} from './bench-hosts.js';
import {summarizeCpuProfile, type ProfileSummary} from './cpu-profile.js';
import {measure} from './measure.js';
import type {Scenario} from './scenarios/scenario.js';
import {pbCommand, pbSurroundings} from './tools/pb.js';

/**
 * One pb run of the scenario under node --cpu-prof: a re-run on the hosts as the rounds left them
 * (converged), or a first run on hosts reset for it. The profile stays in `directory`.
 */
export async function profilePbRun(hosts: BenchHosts, scenario: Scenario, mode: 'first' | 'rerun', directory: string, mirrorUrl: string | undefined, pbVars: readonly string[]): Promise<{path: string; summary: ProfileSummary}> {
	if (mode === 'first') {
		await hosts.reset();
	}

	const playbooks = await scenario.writePlaybooks(directory, mirrorUrl);
	const profiles = join(directory, `cpu-profile-${scenario.id}-${hosts.hosts.length}-${hosts.kind}-${mode}`);
	await mkdir(profiles, {recursive: true});
	const command = pbCommand({
		playbook: playbooks.pb, inventory: hosts.inventoryPath, forks: hosts.hosts.length, check: false, extraVars: [...playbooks.extraVars, ...pbVars],
		nodeFlags: ['--cpu-prof', `--cpu-prof-dir=${profiles}`],
	});
	const result = await measure(command, await pbSurroundings(directory));
	if (result.exitCode !== 0) {
		throw new Error(`pb under --cpu-prof failed with exit code ${result.exitCode}:\n${result.stderr.trim()}`);
	}

	const [file] = (await readdir(profiles)).filter(name => name.endsWith('.cpuprofile'));
	if (file === undefined) {
		throw new Error(`node wrote no .cpuprofile into ${profiles}`);
	}

	const path = join(profiles, file);
	return {path, summary: await summarizeCpuProfile(path)};
}
