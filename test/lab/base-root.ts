import {createHash} from 'node:crypto';
import {mkdir, readdir, rename, rm, stat, symlink, writeFile} from 'node:fs/promises';
import {dirname, join} from 'node:path';
import {debianMirror} from './debian-mirror.js';
import {withFileLock} from './file-lock.js';
import {labPaths} from './lab-paths.js';
import {mustRun} from './run-command.js';

const suite = 'bookworm';

/**
 * What every host has: systemd and sshd, the tools the bundled playbooks call, python3 for
 * ansible-playbook comparisons, git for the git module, and what unarchive needs for tar.xz,
 * tar.bz2 and zip archives.
 */
const packages = [
	'systemd', 'systemd-sysv', 'dbus', 'openssh-server', 'iproute2', 'procps', 'tar', 'gzip', 'curl',
	'make', 'ca-certificates', 'sudo', 'python3', 'git', 'xz-utils', 'bzip2', 'unzip',
] as const;

/** Written into the base once. Part of the cache key, so changing it rebuilds the base. */
const files: Readonly<Record<string, string>> = {
	'/etc/ssh/sshd_config.d/pb-lab.conf': [
		'# pb lab: root logs in with the lab key; no DNS (the lab has none); only the host key the lab made',
		'PermitRootLogin prohibit-password',
		'PasswordAuthentication no',
		'KbdInteractiveAuthentication no',
		'UseDNS no',
		'HostKey /etc/ssh/ssh_host_ed25519_key',
		'',
	].join('\n'),
	// Volatile: the journal lives in the host's /run, so it does not show up in the overlay's upper dir.
	'/etc/systemd/journald.conf.d/pb-lab.conf': '[Journal]\nStorage=volatile\n',
	// Empty: each boot gets a machine id of its own.
	'/etc/machine-id': '',
	'/etc/dpkg/dpkg.cfg.d/pb-lab-nodoc': 'path-exclude=/usr/share/doc/*\npath-exclude=/usr/share/man/*\npath-exclude=/usr/share/info/*\n',
};

/** Masked: no console to log in on, no first-boot questions, no timers writing to disk while a test watches. */
const maskedUnits = [
	'console-getty.service', 'getty@.service', 'getty.target', 'systemd-firstboot.service',
	'apt-daily.timer', 'apt-daily-upgrade.timer', 'dpkg-db-backup.timer', 'e2scrub_all.timer', 'fstrim.timer',
	'systemd-tmpfiles-clean.timer',
] as const;

/** Removed: each host gets its own host key and name; docs only take room. */
const removedPaths = ['/etc/hostname', '/usr/share/doc', '/usr/share/man', '/usr/share/info', '/var/cache/apt/pkgcache.bin', '/var/cache/apt/srcpkgcache.bin'] as const;

/**
 * A base's flavour. 'standard' is what every host gets unless a test asks otherwise; 'dnf' adds
 * Debian's dnf and rpm, and the /etc/yum.repos.d an rpm-based host has, so a yum-module test installs
 * rpms from the lab's own yum repository with a real dnf. Each flavour is a base of its own, built
 * and cached apart.
 */
export type BaseFlavour = 'standard' | 'dnf';

const flavours: Readonly<Record<BaseFlavour, {readonly packages: readonly string[]; readonly directories: readonly string[]}>> = {
	standard: {packages: [], directories: []},
	dnf: {packages: ['dnf', 'rpm'], directories: ['/etc/yum.repos.d']},
};

function packagesOf(flavour: BaseFlavour): string[] {
	return [...packages, ...flavours[flavour].packages];
}

/** The recipe's hash names the base's directory: a changed recipe is a base not built yet. */
function baseKey(flavour: BaseFlavour): string {
	const {directories} = flavours[flavour];
	// The standard recipe hashes as it did before flavours existed, so machines keep their built base.
	const recipe = {suite, packages: packagesOf(flavour), files, maskedUnits, removedPaths, ...(directories.length > 0 && {directories})};
	return createHash('sha256').update(JSON.stringify(recipe)).digest('hex').slice(0, 16);
}

async function exists(path: string): Promise<boolean> {
	return stat(path).then(() => true, () => false);
}

async function configure(root: string, flavour: BaseFlavour): Promise<void> {
	for (const name of await readdir(join(root, 'etc/ssh'))) {
		if (name.startsWith('ssh_host_')) {
			await rm(join(root, 'etc/ssh', name));
		}
	}

	for (const path of removedPaths) {
		await rm(join(root, path), {recursive: true, force: true});
	}

	for (const [path, content] of Object.entries(files)) {
		await mkdir(dirname(join(root, path)), {recursive: true});
		await writeFile(join(root, path), content);
	}

	for (const directory of flavours[flavour].directories) {
		await mkdir(join(root, directory), {recursive: true});
	}

	for (const unit of maskedUnits) {
		const link = join(root, 'etc/systemd/system', unit);
		await rm(link, {force: true});
		await symlink('/dev/null', link);
	}
}

export interface BaseRoot {
	readonly path: string;
	/** How long building it took; undefined when it came from the cache. */
	readonly builtInMs: number | undefined;
}

/**
 * The base root filesystem every host's overlay sits on: built once per machine with debootstrap
 * and kept under a directory named for its recipe. It is built in a temporary directory and renamed
 * into place, so a crash midway never leaves a half base that looks whole.
 */
export async function ensureBaseRoot(flavour: BaseFlavour, log: (line: string) => void = () => undefined): Promise<BaseRoot> {
	const key = baseKey(flavour);
	const path = join(labPaths.cache, `base-${key}`);
	if (await exists(path)) {
		return {path, builtInMs: undefined};
	}

	await mkdir(labPaths.cache, {recursive: true});
	return withFileLock(join(labPaths.cache, 'build.lock'), async () => {
		if (await exists(path)) {
			return {path, builtInMs: undefined};
		}

		const started = Date.now();
		// Whatever .build-* is here was left by a build that died: we hold the lock.
		for (const name of await readdir(labPaths.cache)) {
			if (name.startsWith('.build-')) {
				await rm(join(labPaths.cache, name), {recursive: true, force: true});
			}
		}

		const temporary = join(labPaths.cache, `.build-${key}`);
		const debs = join(labPaths.cache, 'debs');
		await mkdir(debs, {recursive: true});
		const mirror = await debianMirror(suite);
		log(`pb lab: building the ${flavour} base root filesystem from ${mirror} (once per machine, a few minutes)`);
		try {
			await mustRun([
				'debootstrap', '--variant=minbase', `--include=${packagesOf(flavour).join(',')}`, `--cache-dir=${debs}`,
				suite, temporary, mirror,
			]);
		} catch (error) {
			throw new Error(`debootstrap could not build the lab's base from ${mirror}; its log: ${temporary}/debootstrap/debootstrap.log`, {cause: error});
		}

		await configure(temporary, flavour);
		await rename(temporary, path);
		return {path, builtInMs: Date.now() - started};
	});
}
