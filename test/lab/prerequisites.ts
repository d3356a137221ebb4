import {access, constants, readFile} from 'node:fs/promises';
import {delimiter, join} from 'node:path';

/** The lab cannot run on this machine; the message says what to do, in one line. */
export class LabUnavailable extends Error {
	override readonly name = 'LabUnavailable';
}

/** Each program the lab runs, and the Debian package that has it. */
const programs: ReadonlyArray<readonly [program: string, debianPackage: string]> = [
	['debootstrap', 'debootstrap'],
	['systemd-nspawn', 'systemd-container'],
	['ip', 'iproute2'],
	['ssh', 'openssh-client'],
	['ssh-keygen', 'openssh-client'],
	['mount', 'mount'],
	['umount', 'mount'],
];

async function onPath(program: string): Promise<boolean> {
	const directories = (process.env['PATH'] ?? '').split(delimiter).concat('/usr/sbin', '/sbin');
	for (const directory of directories) {
		try {
			await access(join(directory, program), constants.X_OK);
			return true;
		} catch {}
	}

	return false;
}

/** The Debian packages that hold the programs of `wanted` not on PATH, each named once. */
export async function missingPackages(wanted: ReadonlyArray<readonly [program: string, debianPackage: string]>): Promise<string[]> {
	const missing = new Set<string>();
	for (const [program, debianPackage] of wanted) {
		if (!await onPath(program)) {
			missing.add(debianPackage);
		}
	}

	return [...missing];
}

/** Throws LabUnavailable naming everything missing at once, so one install fixes it. */
export async function checkPrerequisites(): Promise<void> {
	if (process.platform !== 'linux' || process.getuid?.() !== 0) {
		throw new LabUnavailable('the lab needs root on Linux (it mounts overlays, makes network namespaces and boots containers); run the tests as root');
	}

	const missing = await missingPackages(programs);
	if (missing.length > 0) {
		throw new LabUnavailable(`the lab needs programs this machine lacks; install them with: apt-get install ${missing.join(' ')}`);
	}

	const filesystems = await readFile('/proc/filesystems', 'utf8');
	if (!/\toverlay$/m.test(filesystems)) {
		throw new LabUnavailable('the kernel has no overlay filesystem; load it with: modprobe overlay');
	}
}
