import {readFile, unlink, writeFile} from 'node:fs/promises';
import {setTimeout as sleep} from 'node:timers/promises';
import {identify, isRunning} from './processes.js';

/**
 * Runs `action` holding a lock file that names this process, so lab runs in parallel
 * (ava runs test files in separate processes) take turns; a lock whose holder died is taken over.
 */
export async function withFileLock<T>(path: string, action: () => Promise<T>): Promise<T> {
	const self = await identify(process.pid);
	if (self === undefined) {
		throw new Error('cannot read /proc/self/stat: the lab needs Linux with /proc');
	}

	for (;;) {
		try {
			await writeFile(path, `${self.pid} ${self.startTicks}\n`, {flag: 'wx'});
			break;
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
				throw error;
			}
		}

		const [pid, startTicks] = (await readFile(path, 'utf8').catch(() => '')).trim().split(' ').map(Number);
		if (pid !== undefined && startTicks !== undefined && !Number.isNaN(startTicks) && !await isRunning({pid, startTicks})) {
			await unlink(path).catch(() => undefined);
			continue;
		}

		await sleep(100);
	}

	try {
		return await action();
	} finally {
		await unlink(path);
	}
}
