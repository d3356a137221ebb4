import {mkdir, readdir} from 'node:fs/promises';
import {join} from 'node:path';
import type {BenchHosts} from './bench-hosts.js';
import {summarizeCpuProfile, type ProfileSummary} from './cpu-profile.js';
import {measure} from './measure.js';
import type {Scenario} from './scenarios/scenario.js';
import {pbCommand, pbSurroundings} from './tools/pb.js';

/** One pb re-run of the scenario on the (converged) hosts under node --cpu-prof; the profile stays in `directory`. */
export async function profilePbRerun(hosts: BenchHosts, scenario: Scenario, directory: string, mirrorUrl: string | undefined, pbVars: readonly string[]): Promise<{path: string; summary: ProfileSummary}> {
	const playbooks = await scenario.writePlaybooks(directory, mirrorUrl);
	const profiles = join(directory, `cpu-profile-${scenario.id}-${hosts.hosts.length}-${hosts.kind}`);
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
