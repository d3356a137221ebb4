import {mkdir, mkdtemp, readdir, rename, rm, stat} from 'node:fs/promises';
import {join} from 'node:path';
import * as tar from 'tar';
import {formatIfArchive} from '../artifacts/archive-format.js';
import {artifactCache, sha256Of} from '../artifacts/cache.js';
import {cachedArchiveMembers} from '../artifacts/tar-members.js';
import {PbError} from '../errors.js';
import type {Inventory} from '../inventory/inventory.js';
import type {Playbook} from '../playbook/types.js';
import {gatherFacts, planArtifacts, playHosts, type NeededArtifact} from '../run/artifact-plan.js';
import {prepareRun, type RunSettings} from '../run/prepare.js';
import type {EventSink} from '../report/events.js';

/*
 * `pb artifacts`: fill the controller's cache with what a run would download (pull), and carry
 * it to an air-gapped controller (export, import), where `pb run --offline` then needs nothing
 * but the SSH connections. What pull leaves (files, their hash stamps, archives' member lists)
 * is all a run needs: a run on the cache mounted read-only writes nothing to it.
 */

/** The kernel's names for the architectures release artifacts are named by. */
const machineOf: Readonly<Record<string, string>> = {amd64: 'x86_64', arm64: 'aarch64'};

export interface PullReport {
	readonly fetched: Array<{name: string; arch: string}>;
	readonly undecided: string[];
}

/**
 * Fetches every artifact the playbooks would download for the inventory's hosts: for the
 * architectures in `archs` (without contacting any host), or else for each host's own, from its
 * facts (one read-only round trip per host).
 */
export async function pullArtifacts(playbooks: readonly Playbook[], inventory: Inventory, settings: RunSettings, archs: readonly string[], emit: EventSink, say: (line: string) => void): Promise<PullReport> {
	const {run, close} = prepareRun(inventory, settings, emit);
	const needed: NeededArtifact[] = [];
	const undecided: string[] = [];
	try {
		const hosts = playHosts(run, playbooks, inventory);
		const passes = archs.length > 0 ? archs : [undefined];
		for (const arch of passes) {
			if (arch === undefined) {
				await gatherFacts(run, hosts, playbooks[0]!);
			} else {
				for (const host of hosts) {
					host.facts = {arch, architecture: machineOf[arch] ?? arch, machine: machineOf[arch] ?? arch};
				}
			}

			const plan = planArtifacts(run, playbooks, inventory);
			needed.push(...plan.needed);
			undecided.push(...plan.undecided);
		}
	} finally {
		await close();
	}

	const fetched: PullReport['fetched'] = [];
	const seen = new Set<string>();
	for (const need of needed) {
		const key = `${need.artifact.name} ${need.arch}`;
		if (seen.has(key)) {
			continue;
		}

		seen.add(key);
		const artifact = await need.artifact.fetch((done, total) => emit({kind: 'progress', host: need.host, label: need.artifact.name, done, total}));
		// An archive's members are listed now, so a run on a read-only copy of the cache finds them.
		if (await formatIfArchive(artifact.path) !== undefined) {
			await cachedArchiveMembers(artifact.path, artifact.sha256);
		}

		say(`ok: ${need.artifact.name} (${need.task}, ${need.arch})`);
		fetched.push({name: need.artifact.name, arch: need.arch});
	}

	return {fetched, undecided: [...new Set(undecided)]};
}

async function existing(directory: string, names: readonly string[]): Promise<string[]> {
	const present = await Promise.all(names.map(async name => (await stat(join(directory, name)).catch(() => undefined)) ? name : undefined));
	return present.filter(name => name !== undefined);
}

/** Writes the cache (artifacts and checksum lists) to one tar file. */
export async function exportArtifacts(file: string): Promise<number> {
	const {directory} = artifactCache();
	const parts = await existing(directory, ['sha256', 'texts']);
	if (parts.length === 0) {
		throw new PbError(`the controller's cache at ${directory} is empty: nothing to export`, {kind: 'runtime', hint: 'Fill it first with `pb artifacts pull PLAYBOOK -i INVENTORY`.'});
	}

	await tar.create({file, cwd: directory, portable: true}, parts);
	return (await readdir(join(directory, 'sha256')).catch(() => [])).length;
}

/** Adds an exported cache to this controller's, checking every artifact against its sha256. */
export async function importArtifacts(file: string): Promise<number> {
	const {directory} = artifactCache();
	await mkdir(directory, {recursive: true});
	const unpacked = await mkdtemp(join(directory, 'import-'));
	try {
		await tar.extract({file, cwd: unpacked, strict: true});
		let count = 0;
		for (const part of ['sha256', 'texts']) {
			await mkdir(join(directory, part), {recursive: true});
			for (const name of await readdir(join(unpacked, part)).catch(() => [])) {
				if (part === 'sha256' && await sha256Of(join(unpacked, part, name)) !== name) {
					throw new PbError(`${file}: ${part}/${name} does not hash to its name: the file is damaged; nothing more was imported`, {kind: 'runtime'});
				}

				await rename(join(unpacked, part, name), join(directory, part, name));
				count += part === 'sha256' ? 1 : 0;
			}
		}

		return count;
	} finally {
		await rm(unpacked, {recursive: true, force: true});
	}
}
