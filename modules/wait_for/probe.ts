import type {HostContext} from '../../engine/module.js';
import {quoteShell} from '../../engine/shell-words.js';

/*
 * The commands wait_for runs on the host, one per try, and what their output says. Ports are
 * tried from the host's side with bash's /dev/tcp (Debian and RHEL hosts have bash and coreutils'
 * timeout); each script is a read that leaves the host as it was.
 */

export type PathSeen = {readonly exists: true; readonly content: string} | {readonly exists: false} | {readonly error: string};

/** Whether the path exists (following links, as os.stat does), and with `content` what it holds. */
export async function probePath(ctx: HostContext, path: string, content: boolean): Promise<PathSeen> {
	const quoted = quoteShell(path);
	const result = await ctx.run(`LC_ALL=C stat -L -c %F -- ${quoted} 2>&1${content ? ` && cat -- ${quoted} 2>/dev/null` : ''}`, {inline: true});
	const firstLine = result.stdout.split('\n', 1)[0] ?? '';
	if (result.code === 0) {
		return {exists: true, content: result.stdout.slice(firstLine.length + 1)};
	}

	if (firstLine.endsWith('No such file or directory') || firstLine.endsWith('Not a directory')) {
		return {exists: false};
	}

	// stat says "stat: cannot statx 'PATH': REASON"; Ansible shows the reason alone.
	return {error: firstLine.slice(firstLine.lastIndexOf(': ') + 2) || result.stderr.trim()};
}

/** A host without bash cannot try ports: a clear failure rather than a port that seems closed forever. */
function needsBash(ctx: HostContext, code: number): void {
	if (code === 127) {
		throw new Error(`${ctx.host}: wait_for tries ports with bash's /dev/tcp and coreutils' timeout, and this host lacks one of them: install bash`);
	}
}

/** Whether `host:port` accepts a connection from the host within `seconds`. */
export async function probePort(ctx: HostContext, host: string, port: number, seconds: number): Promise<boolean> {
	const result = await ctx.run(`timeout ${seconds} bash -c 'exec 3<>"/dev/tcp/$0/$1"' ${quoteShell(host)} ${port} 2>/dev/null`, {inline: true});
	needsBash(ctx, result.code);
	return result.code === 0;
}

/**
 * What `host:port` sends once connected, until it closes or is silent for a second (at most
 * `seconds` in all); undefined when it cannot be connected to.
 */
export async function readPort(ctx: HostContext, host: string, port: number, seconds: number): Promise<string | undefined> {
	const reader = 'exec 3<>"/dev/tcp/$0/$1" || exit 3; while IFS= read -r -t 1 -u 3 line; do printf "%s\\n" "$line"; done; printf %s "$line"';
	const result = await ctx.run(`timeout ${seconds} bash -c ${quoteShell(reader)} ${quoteShell(host)} ${port} 2>/dev/null`, {inline: true});
	needsBash(ctx, result.code);
	return result.code === 3 ? undefined : result.stdout;
}

/** The addresses each name resolves to on the host (getent ahosts), in order of the names. */
export async function resolveOnHost(ctx: HostContext, names: readonly string[]): Promise<string[][]> {
	const script = names.map(name => `getent ahosts ${quoteShell(name)} | cut -d' ' -f1 | sort -u; echo --`).join('; ');
	const result = await ctx.run(script, {inline: true});
	return result.stdout.split('--\n').slice(0, names.length).map(block => block.split('\n').filter(Boolean));
}

/** The host's TCP connection tables, IPv4 then IPv6 (absent when the kernel has no IPv6). */
export async function readTcpTables(ctx: HostContext): Promise<string> {
	return (await ctx.run('cat /proc/net/tcp /proc/net/tcp6 2>/dev/null', {inline: true})).stdout;
}

/**
 * What Ansible adds to any result that names a path that exists: its owner, group, mode, size and
 * kind (link, directory, hard for a file with more than one link, file), a link itself described.
 */
export async function pathInfo(ctx: HostContext, path: string): Promise<Record<string, unknown>> {
	const quoted = quoteShell(path);
	const result = await ctx.run(`stat -c '%u %g %s %a %U %G %F' -- ${quoted} && stat -L -c '%h %F' -- ${quoted} 2>/dev/null`, {inline: true});
	const [own = '', followed = ''] = result.stdout.split('\n');
	const [uid = '', gid = '', size = '', mode = '', owner = '', group = '', ...kind] = own.split(' ');
	if (result.code !== 0 || kind.length === 0) {
		return {};
	}

	const [links = '1', ...followedKind] = followed.split(' ');
	const state = kind.join(' ') === 'symbolic link' ? 'link' : followedKind.join(' ') === 'directory' ? 'directory' : Number(links) > 1 ? 'hard' : 'file';
	return {
		uid: Number(uid), gid: Number(gid), owner: owner === 'UNKNOWN' ? uid : owner, group: group === 'UNKNOWN' ? gid : group,
		mode: `0${mode.padStart(3, '0')}`, state, size: Number(size),
	};
}
