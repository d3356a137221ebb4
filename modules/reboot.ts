import {setTimeout as sleep} from 'node:timers/promises';
import {HostUnreachable} from '../engine/connection/connection.js';
import {LocalConnection} from '../engine/connection/local.js';
import {defineModule, type HostContext, type Params} from '../engine/module.js';
import {quoteShell} from '../engine/shell-words.js';
import {elapsedSeconds, untilDeadline} from './until-deadline.js';

const params = {
	reboot_timeout: {type: 'int', default: 600, description: 'Seconds to wait for the host to come back with a new boot, and again for the test command to pass'},
	connect_timeout: {type: 'int', description: 'Seconds one connection attempt may take while the host comes back (the inventory\'s when not given)'},
	pre_reboot_delay: {type: 'int', default: 0, description: 'Seconds before the reboot, given to shutdown in whole minutes (so under 60 is none), as Ansible does on Linux'},
	post_reboot_delay: {type: 'int', default: 0, description: 'Seconds to wait after the reboot command before checking the host'},
	test_command: {type: 'str', default: 'whoami', description: 'A command that must succeed on the rebooted host before the task is done'},
	msg: {type: 'str', default: 'Reboot initiated by Ansible', description: 'The message shutdown shows the host\'s users'},
	reboot_command: {type: 'str', description: 'The command that reboots, with its arguments (default: shutdown -r MINUTES "MSG"); a bare name is looked for in search_paths'},
	boot_time_command: {type: 'str', default: 'cat /proc/sys/kernel/random/boot_id', description: 'A command whose output changes with every boot: the sign that the host rebooted'},
	search_paths: {type: 'list', elements: 'str', default: ['/sbin', '/bin', '/usr/sbin', '/usr/bin', '/usr/local/sbin'], description: 'Where to look for the reboot command when it is not an absolute path'},
} as const;

type RebootParams = Params<typeof params>;

/** Ansible's exponential pause between tries: 1, 2, 4, 8 s, then 12, each plus up to a second at random. */
function backoffMs(failures: number): number {
	return (Math.min(2 ** failures, 12) + Math.random()) * 1000;
}

async function bootTime(ctx: HostContext, p: RebootParams): Promise<string> {
	const answer = await ctx.run(p.boot_time_command);
	if (answer.code !== 0) {
		throw new Error(`reboot: failed to get host boot time info, rc: ${answer.code}, stdout: ${answer.stdout}, stderr: ${answer.stderr}`);
	}

	return answer.stdout.trim();
}

/** The reboot command line, its program found in search_paths as Ansible finds it; a message when it is nowhere. */
async function rebootCommand(ctx: HostContext, p: RebootParams): Promise<string | {missing: string}> {
	const given = p.reboot_command;
	const [program = '', args = ''] = given === undefined ? ['shutdown', `-r ${Math.floor(p.pre_reboot_delay / 60)} "${p.msg}"`] : splitOnce(given);
	if (program.startsWith('/')) {
		return `${program} ${args}`;
	}

	const find = p.search_paths.map(directory => `[ -e ${quoteShell(`${directory}/${program}`)} ] && printf '%s\\n' ${quoteShell(`${directory}/${program}`)}`).join('; ');
	const found = (await ctx.run(`{ ${find}; } | head -n 1`, {inline: true})).stdout.trim();
	return found === '' ? {missing: `Unable to find command "${program}" in search paths: [${p.search_paths.map(path => `'${path}'`).join(', ')}]`} : `${found} ${args}`;
}

/** Python's str.split(' ', 1): the program, and the rest as it was written. */
function splitOnce(command: string): [string, string] {
	const space = command.indexOf(' ');
	return space === -1 ? [command, ''] : [command.slice(0, space), command.slice(space + 1)];
}

export default defineModule({
	name: 'reboot',
	summary: 'Reboot the host, wait until it is back with a new boot, and check it with a command',
	params,
	example: `- name: Reboot into the new kernel
  reboot:
    reboot_timeout: 900
    test_command: systemctl is-system-running --wait`,
	async read(ctx) {
		return {local: ctx.connection instanceof LocalConnection};
	},
	plan(state) {
		if (state.local) {
			return {changed: false, msg: '', steps: undefined, failed: 'Running reboot with local connection would reboot the control node.', result: {elapsed: 0, rebooted: false}};
		}

		// A reboot is always a change, as in Ansible: the second run reboots again.
		return {changed: true, msg: 'reboot the host and wait for it to come back', steps: undefined, result: {elapsed: 0, rebooted: true}};
	},
	async apply(ctx, p) {
		let previous: string;
		try {
			previous = await bootTime(ctx, p);
		} catch (error) {
			return {changed: false, failed: (error as Error).message, result: {rebooted: false}};
		}

		const command = await rebootCommand(ctx, p);
		if (typeof command !== 'string') {
			return {changed: false, failed: command.missing, result: {rebooted: false}};
		}

		const issued = await ctx.run(command).catch((error: unknown) => {
			// The host may go down before it says the command went well.
			if (error instanceof HostUnreachable) {
				return {code: 0, stdout: '', stderr: ''};
			}

			throw error;
		});
		const start = Date.now();
		if (issued.code !== 0) {
			return {changed: false, failed: `Reboot command failed. Error was: '${issued.stdout.trim()}, ${issued.stderr.trim()}'`, result: {rebooted: false, elapsed: 0}};
		}

		await sleep(p.post_reboot_delay * 1000);
		const connectTimeoutMs = p.connect_timeout === undefined ? undefined : p.connect_timeout * 1000;
		const booted = await untilDeadline(Date.now() + (p.reboot_timeout * 1000), backoffMs, async () => {
			// A new connection each try: the old one went with the host.
			await ctx.reconnect(connectTimeoutMs);
			const now = await bootTime(ctx, p);
			if (now === '' || now === previous) {
				throw new Error('boot time has not changed');
			}

			return true;
		});
		if (!booted.done) {
			return {failed: `Timed out waiting for last boot time check (timeout=${p.reboot_timeout}): ${booted.lastError}`, result: {rebooted: true, elapsed: elapsedSeconds(start)}};
		}

		let connected = true;
		const tested = await untilDeadline(Date.now() + (p.reboot_timeout * 1000), backoffMs, async () => {
			if (!connected) {
				await ctx.reconnect(connectTimeoutMs);
			}

			connected = false;
			const answer = await ctx.run(p.test_command);
			connected = true;
			if (answer.code !== 0) {
				throw new Error(`Test command failed: ${answer.stderr} ${answer.stdout}`);
			}

			return true;
		});
		const elapsed = elapsedSeconds(start);
		return tested.done
			? {msg: `rebooted; back after ${elapsed} s`, result: {rebooted: true, elapsed}}
			: {failed: `Timed out waiting for post-reboot test command (timeout=${p.reboot_timeout}): ${tested.lastError}`, result: {rebooted: true, elapsed}};
	},
});
