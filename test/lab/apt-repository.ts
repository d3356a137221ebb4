import {createHash} from 'node:crypto';
import {mkdir, readdir, rename, rm, stat} from 'node:fs/promises';
import {join} from 'node:path';
import {ArtifactMirror} from './artifact-mirror.js';
import {withFileLock} from './file-lock.js';
import {labNetwork, labPaths} from './lab-paths.js';
import {LabUnavailable, missingPackages} from './prerequisites.js';
import {mustRun} from './run-command.js';

/*
 * A flat apt repository of Debian's own packages, for hosts whose only apt source it is, as an
 * air-gapped site's nodes: `deb [trusted=yes] URL/debian ./`. The packages asked for come with
 * their dependency closure (recommends left out), at the versions the machine's own apt offers
 * now, downloaded from the machine's own apt sources. Built once per list and versions under
 * /var/cache/pb-lab/apt-<hash>, in a temporary directory renamed into place when complete.
 */

/**
 * What apt install needs of the lab's hosts in the tests: KubeKey's node prerequisites
 * (playbooks/vars/kubekey.yml), what CRI-O's bundle installs with (make, git), and the python3-apt
 * Ansible's apt module needs.
 */
export const labAptPackages = ['socat', 'conntrack', 'ebtables', 'ipset', 'ipvsadm', 'curl', 'openssl', 'tar', 'make', 'git', 'python3-apt'] as const;

export interface AptRepository {
	/** The directory to serve: the repository is its debian/ folder. */
	readonly directory: string;
	/** Every package in it, with its version. */
	readonly versions: Readonly<Record<string, string>>;
}

const programs: ReadonlyArray<readonly [program: string, debianPackage: string]> = [['apt-get', 'apt'], ['dpkg-scanpackages', 'dpkg-dev'], ['gzip', 'gzip']];

/** The packages `names` need, themselves included: apt-cache's recursive depends and pre-depends, real packages only. */
async function dependencyClosure(names: readonly string[]): Promise<string[]> {
	const output = await mustRun(['apt-cache', 'depends', '--recurse', '--no-recommends', '--no-suggests', '--no-conflicts', '--no-breaks', '--no-replaces', '--no-enhances', ...names]);
	// Top-level lines are packages; <virtual> ones and other architectures' (name:arch) are left out.
	return [...new Set(output.split('\n').filter(line => /^[a-z0-9][a-z0-9+.-]*$/.test(line)))].sort();
}

/** The version apt would download now of each package: its candidate. */
async function candidates(names: readonly string[]): Promise<Record<string, string>> {
	const output = await mustRun(['apt-cache', 'show', '--no-all-versions', ...names]);
	const versions: Record<string, string> = {};
	for (const stanza of output.split(/\n\s*\n/)) {
		const name = /^Package: (\S+)$/m.exec(stanza)?.[1];
		const version = /^Version: (\S+)$/m.exec(stanza)?.[1];
		if (name && version) {
			versions[name] = version;
		}
	}

	return versions;
}

async function build(directory: string, versions: Readonly<Record<string, string>>): Promise<void> {
	const debian = join(directory, 'debian');
	await mkdir(debian, {recursive: true});
	// apt-get download saves into the working directory; as root it would drop privileges to _apt, which cannot write here.
	await mustRun(['sh', '-c', 'cd "$1" && shift && exec apt-get download -q -o APT::Sandbox::User=root "$@"', 'sh', debian, ...Object.entries(versions).map(([name, version]) => `${name}=${version}`)]);
	await mustRun(['sh', '-c', 'cd "$1" && dpkg-scanpackages -m . /dev/null 2>/dev/null | gzip -9n > Packages.gz', 'sh', debian]);
}

/** The flat repository holding `names` and what they depend on; `log` hears when it is built rather than found. */
export async function aptRepository(names: readonly string[] = labAptPackages, log: (line: string) => void = () => undefined): Promise<AptRepository> {
	const missing = await missingPackages(programs);
	if (missing.length > 0) {
		throw new LabUnavailable(`the lab's apt repository is built with programs this machine lacks; install them with: apt-get install ${missing.join(' ')}`);
	}

	const closure = await dependencyClosure(names);
	const versions = await candidates(closure);
	const arch = (await mustRun(['dpkg', '--print-architecture'])).trim();
	const key = createHash('sha256').update(JSON.stringify({arch, versions})).digest('hex').slice(0, 16);
	const directory = join(labPaths.cache, `apt-${key}`);
	const exists = async () => stat(directory).then(() => true, () => false);
	if (!await exists()) {
		await mkdir(labPaths.cache, {recursive: true});
		await withFileLock(join(labPaths.cache, 'apt.lock'), async () => {
			if (await exists()) {
				return;
			}

			// Whatever .apt-build-* is here was left by a build that died: we hold the lock.
			for (const name of await readdir(labPaths.cache)) {
				if (name.startsWith('.apt-build-')) {
					await rm(join(labPaths.cache, name), {recursive: true, force: true});
				}
			}

			log(`pb lab: building a flat apt repository of ${names.join(', ')} and their dependencies (${closure.length} packages, once per list and versions)`);
			const temporary = join(labPaths.cache, `.apt-build-${key}`);
			await build(temporary, versions);
			await rename(temporary, directory);
		});
	}

	return {directory, versions};
}

export interface ServedAptRepository extends AptRepository {
	/** The repository's URL (the folder holding Packages.gz and the .debs). */
	readonly url: string;
	/** The one apt source line a host needs, its only one on an air-gapped site: `deb [trusted=yes] URL ./`. */
	readonly source: string;
	close(): Promise<void>;
}

/**
 * The flat repository of `names` (and their dependencies) served to the lab's hosts from the lab
 * bridge (after the lab has started: the bridge is its). Usage: `const apt = await
 * serveAptRepository(['socat', 'conntrack'])`, then `echo "${apt.source}" > /etc/apt/sources.list`
 * on a host, and `apt.close()` when done.
 */
export async function serveAptRepository(names: readonly string[] = labAptPackages, log: (line: string) => void = () => undefined): Promise<ServedAptRepository> {
	const repository = await aptRepository(names, log);
	const mirror = await ArtifactMirror.start(repository.directory, labNetwork.bridgeAddress);
	const url = `${mirror.url}/debian`;
	return {...repository, url, source: `deb [trusted=yes] ${url} ./`, close: async () => mirror.close()};
}
