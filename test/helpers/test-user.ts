import {execFile} from 'node:child_process';
import {randomBytes} from 'node:crypto';
import {rm, writeFile} from 'node:fs/promises';
import {promisify} from 'node:util';

const run = promisify(execFile);

/** A throwaway local account with /bin/sh as its shell, so no login rc file of this machine gets in the way. */
export interface TestUser {
	readonly name: string;
	readonly password: string;
	readonly home: string;
	/** Deletes the account, its home and its sudoers file. */
	remove(): Promise<void>;
}

export interface TestUserOptions {
	/** Let the user run anything as anyone with sudo, asking for its password or not. */
	readonly sudo?: 'password' | 'nopasswd';
}

/** Creates the account (needs root). Names are unique per process, so test files running at once do not collide. */
export async function createTestUser(role: string, options: TestUserOptions = {}): Promise<TestUser> {
	const name = `pb${role}${process.pid}`.slice(0, 32);
	const password = randomBytes(9).toString('base64url');
	const home = `/home/${name}`;
	const sudoersFile = `/etc/sudoers.d/pb-test-${name}`;
	// useradd locks /etc/passwd: another test process creating its user at the same moment makes it fail once.
	await retry(async () => run('useradd', ['--create-home', '--home-dir', home, '--shell', '/bin/sh', name]));
	await retry(async () => runWithInput('chpasswd', `${name}:${password}\n`));
	if (options.sudo) {
		const tag = options.sudo === 'nopasswd' ? 'NOPASSWD: ' : '';
		await writeFile(sudoersFile, `${name} ALL=(ALL:ALL) ${tag}ALL\n`, {mode: 0o440});
	}

	return {
		name,
		password,
		home,
		async remove() {
			await rm(sudoersFile, {force: true});
			await retry(async () => run('userdel', ['--remove', name]));
		},
	};
}

async function runWithInput(command: string, input: string): Promise<void> {
	await new Promise<void>((resolve, reject) => {
		const child = execFile(command, error => {
			if (error) {
				reject(error);
			} else {
				resolve();
			}
		});
		child.stdin?.end(input);
	});
}

async function retry(action: () => Promise<unknown>): Promise<void> {
	for (let attempt = 1; ; attempt++) {
		try {
			await action();
			return;
		} catch (error) {
			if (attempt === 10) {
				throw error;
			}

			await new Promise(resolve => setTimeout(resolve, 100 * attempt));
		}
	}
}
