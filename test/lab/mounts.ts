import {readFile} from 'node:fs/promises';

/** A mount as /proc/self/mountinfo lists it: where, of what filesystem type, with its superblock options. */
export interface Mount {
	readonly mountPoint: string;
	readonly type: string;
	readonly options: readonly string[];
}

/** The machine's mounts now. Mount points with spaces and the like are octal-escaped there; the lab's have none. */
export async function machineMounts(): Promise<Mount[]> {
	const mountInfo = await readFile('/proc/self/mountinfo', 'utf8');
	return mountInfo.split('\n').filter(Boolean).map(line => {
		// Field 5 is the mount point; after ' - ' come the type, the source and the superblock options.
		const [mount = '', filesystem = ''] = line.split(' - ');
		const [type = '', , options = ''] = filesystem.split(' ');
		return {mountPoint: mount.split(' ')[4] ?? '', type, options: options.split(',')};
	});
}
