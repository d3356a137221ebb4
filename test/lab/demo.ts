#!/usr/bin/env node
// `npm run demo`: pb's main job on a safe default. Three disposable lab hosts and the lab's own
// artifact mirror, containerd.yml run on them for real, then verify.yml's table; all torn down.
import {spawn} from 'node:child_process';
import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import process from 'node:process';
import {fileURLToPath} from 'node:url';
import {ArtifactMirror} from './artifact-mirror.js';
import {labArtifacts} from './fixtures/artifacts.js';
import {writeLabPlaybookVars} from './fixtures/playbook-vars.js';
import {type Lab, startLab} from './lab.js';
import {labNetwork} from './lab-paths.js';
import {missingPackages} from './prerequisites.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** What the lab and its fixtures need from Debian, by program. */
const needed: ReadonlyArray<readonly [string, string]> = [
	['debootstrap', 'debootstrap'], ['systemd-nspawn', 'systemd-container'], ['ip', 'iproute2'], ['ssh', 'openssh-client'],
	['rpmbuild', 'rpm'], ['createrepo_c', 'createrepo-c'], ['python3', 'python3'], ['curl', 'curl'],
];

function run(command: string, args: readonly string[]): Promise<number> {
	return new Promise((resolve, reject) => {
		const child = spawn(command, args, {stdio: 'inherit', cwd: root});
		child.on('error', reject);
		child.on('close', code => resolve(code ?? 1));
	});
}

async function installPrerequisites(): Promise<void> {
	const missing = await missingPackages(needed);
	if (missing.length === 0) {
		return;
	}

	if (process.getuid?.() !== 0) {
		throw new Error(`the demo needs root (it boots containers) and these Debian packages: apt-get install ${missing.join(' ')}`);
	}

	console.log(`installing what the lab needs: ${missing.join(' ')}`);
	if (await run('apt-get', ['update', '-qq']) !== 0 || await run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing]) !== 0) {
		throw new Error(`apt-get could not install ${missing.join(' ')}`);
	}
}

async function pb(...args: string[]): Promise<number> {
	return run(process.execPath, [join(root, 'dist/pb.js'), ...args]);
}

async function main(): Promise<number> {
	await installPrerequisites();
	console.log('building the artifacts the mirror serves (containerd and runc from Debian\'s packages; about a minute the first time)');
	const artifacts = await labArtifacts(line => console.log(`  ${line}`));
	console.log('starting 3 lab hosts (the first time builds their Debian root: a few minutes)');
	let lab: Lab | undefined;
	let mirror: ArtifactMirror | undefined;
	const scratch = await mkdtemp(join(tmpdir(), 'pb-demo-'));
	try {
		lab = await startLab({hosts: 3, log: line => console.log(`  ${line}`)});
		mirror = await ArtifactMirror.start(artifacts.directory, labNetwork.bridgeAddress);
		const vars = await writeLabPlaybookVars(scratch, artifacts, mirror.url);
		const args = ['-i', lab.inventoryPath, '-e', `@${vars}`];
		console.log(`\n$ pb run playbooks/containerd.yml -i ${lab.inventoryPath} -e @lab-vars.yml --check   # what would change`);
		const check = await pb('run', 'playbooks/containerd.yml', ...args, '--check');
		console.log(`\n$ pb run playbooks/containerd.yml -i ${lab.inventoryPath} -e @lab-vars.yml   # do it`);
		const apply = await pb('run', 'playbooks/containerd.yml', ...args);
		console.log(`\n$ pb run playbooks/verify.yml -i ${lab.inventoryPath}`);
		const verify = await pb('run', 'playbooks/verify.yml', '-i', lab.inventoryPath);
		return Math.max(check, apply, verify);
	} finally {
		await mirror?.close();
		await lab?.stop();
		await rm(scratch, {recursive: true, force: true});
	}
}

process.exitCode = await main().catch((error: unknown) => {
	console.error(`demo: ${error instanceof Error ? error.message : String(error)}`);
	return 1;
});
