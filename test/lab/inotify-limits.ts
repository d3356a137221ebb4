import {readFile, writeFile} from 'node:fs/promises';

/**
 * Every booted host's systemd, journald and logind each take inotify instances, all counted
 * against root on the machine. The kernel's default (128 instances per user) runs out at about a
 * dozen hosts, and systemd then dies with 'Too many open files'. Raised, never lowered.
 */
const wanted: ReadonlyArray<readonly [path: string, minimum: number]> = [
	['/proc/sys/fs/inotify/max_user_instances', 8192],
	['/proc/sys/fs/inotify/max_user_watches', 1_048_576],
];

export async function raiseInotifyLimits(): Promise<void> {
	for (const [path, minimum] of wanted) {
		if (Number((await readFile(path, 'utf8')).trim()) < minimum) {
			await writeFile(path, String(minimum));
		}
	}
}
