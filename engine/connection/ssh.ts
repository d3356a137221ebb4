import type {EventEmitter} from 'node:events';
import {readFile} from 'node:fs/promises';
import {homedir} from 'node:os';
import {join} from 'node:path';
import type {Duplex, Readable} from 'node:stream';
import {NodeSSH} from 'node-ssh';
import PQueue from 'p-queue';
import {keepaliveFor, type Keepalive} from './keepalive.js';
import {HostUnreachable, isStdinFile, type Become, type Connection, type ExecOptions, type ExecResult} from './connection.js';
import {knownKeysFor, preferredHostKeyAlgorithms, verifyHostKey, type HostKeyPolicy} from './host-key-check.js';
import {prepareCommand, type PreparedCommand} from './prepared-command.js';
import {quoteShell} from '../shell-words.js';
import {scriptFor} from './shell.js';
import {maxFramedStdin, type RunsAs, ShellSession} from './shell-session.js';
import {prepareAuthentication, type SshCredentials} from './ssh-auth.js';

export interface SshOptions extends SshCredentials {
	/** The inventory name: what messages and results call the host. */
	readonly host: string;
	/** Where to connect (ansible_host). */
	readonly address: string;
	readonly port: number;
	readonly user: string;
	/** Defaults to ~/.ssh/known_hosts. */
	readonly knownHostsFile?: string | undefined;
	/** Add an unknown host key to the known_hosts file instead of failing (a changed key still fails). */
	readonly acceptNewHostKeys: boolean;
	/** false: any host key is taken (ansible_host_key_checking, ansible.cfg's host_key_checking). */
	readonly hostKeyChecking: boolean;
	/** From the start of the TCP connection to the end of authentication. */
	readonly connectTimeoutMs: number;
	/** A host silent for countMax keepalives, intervalSeconds apart, is counted as lost (30 s unless set). */
	readonly keepalive?: Keepalive | undefined;
}

/** sshd's default MaxSessions: more channels at once on one connection are refused, so the rest wait their turn. */
const channelsPerConnection = 10;
/** Refused channels are retried with a doubling delay: 20 ms up to about 5 s in all. */
const channelOpenAttempts = 9;

/** The parts of ssh2's Client and channel used here (ssh2 ships no types). */
interface Ssh2Channel extends Duplex {
	readonly stderr: Readable;
}

interface Ssh2Client extends EventEmitter {
	exec(command: string, callback: (error: Error | undefined, channel: Ssh2Channel) => void): void;
	end(): void;
}

/** `level` says where a connection failed; `reason` is set when the server refused to open a channel. */
type Ssh2Error = Error & {code?: string; level?: string; reason?: number | string};

/** Opens the one SSH connection to a host that all its commands share. Rejects with HostUnreachable. */
export async function openSsh(options: SshOptions): Promise<Connection> {
	const target = `${options.user}@${options.address}:${options.port}`;
	const unreachable = (cause: string, error?: unknown) => new HostUnreachable(options.host, `${options.host}: cannot connect to ${target}: ${cause}`, {cause: error});
	const policy: HostKeyPolicy = {
		host: options.host,
		address: options.address,
		port: options.port,
		knownHostsFile: options.knownHostsFile ?? join(homedir(), '.ssh', 'known_hosts'),
		acceptNewHostKeys: options.acceptNewHostKeys,
		checking: options.hostKeyChecking,
	};

	const [auth, known] = await Promise.all([prepareAuthentication(options), knownKeysFor(policy)]).catch((error: unknown) => {
		throw unreachable((error as Error).message, error);
	});

	let hostKeyRejection: string | undefined;
	const preferred = preferredHostKeyAlgorithms(known);
	const ssh = new NodeSSH();
	const keepalive = options.keepalive ?? keepaliveFor([], undefined);
	try {
		await ssh.connect({
			host: options.address,
			port: options.port,
			username: options.user,
			privateKey: auth.privateKey,
			password: auth.password,
			agent: auth.agent,
			tryKeyboard: auth.password !== undefined,
			authHandler: auth.authHandler,
			readyTimeout: options.connectTimeoutMs,
			keepaliveInterval: keepalive.intervalSeconds * 1000,
			keepaliveCountMax: keepalive.countMax,
			algorithms: {serverHostKey: {remove: preferred, prepend: preferred}},
			hostVerifier(key: Buffer, verify: (accepted: boolean) => void) {
				verifyHostKey(policy, known, key).then(verdict => {
					hostKeyRejection = verdict.accepted ? undefined : verdict.reason;
					verify(verdict.accepted);
				}, (error: unknown) => {
					hostKeyRejection = `cannot check the host key against ${policy.knownHostsFile}: ${(error as Error).message}`;
					verify(false);
				});
			},
		});
	} catch (error) {
		ssh.dispose();
		if (hostKeyRejection !== undefined) {
			throw new HostUnreachable(options.host, hostKeyRejection, {cause: error});
		}

		throw unreachable(describeConnectError(error as Ssh2Error, options, auth.describeFailure()), error);
	}

	return new SshConnection(options.host, target, ssh.connection as Ssh2Client, keepalive);
}

function describeConnectError(error: Ssh2Error, options: SshOptions, authFailure: string): string {
	if (error.code === 'ECONNREFUSED') {
		return `connection refused (ECONNREFUSED): nothing listens on port ${options.port}. Is sshd running, and is ansible_port right?`;
	}

	if (error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN') {
		return `cannot resolve the name ${options.address} (${error.code}). Check ansible_host.`;
	}

	if (error.level === 'client-authentication') {
		return `authentication failed for user ${options.user}: ${authFailure}.`;
	}

	if (error.level === 'client-timeout') {
		return `timed out after ${options.connectTimeoutMs} ms without completing the SSH handshake: the host is down, a firewall drops the packets, or no SSH server answers on that port.`;
	}

	return error.code === undefined ? error.message : `${error.message} (${error.code})`;
}

/**
 * One SSH connection. Commands run in shells kept open on it (one per become user, more when
 * commands run at once), or, with a large stdin or a stdout sent to a stream, on a channel of
 * their own: at most channelsPerConnection channels at a time.
 */
class SshConnection implements Connection {
	private readonly slots = new PQueue({concurrency: channelsPerConnection});
	/** Shells waiting for their next command, by become user. */
	private readonly idle = new Map<string, ShellSession[]>();
	private openChannels = 0;
	/** Rejects the commands that are running, when the connection goes. */
	private readonly inFlight = new Set<(error: HostUnreachable) => void>();
	private lostCause: Ssh2Error | undefined;
	private lost: HostUnreachable | undefined;
	private closing = false;
	private readonly closed: Promise<void>;

	constructor(
		readonly host: string,
		private readonly target: string,
		private readonly client: Ssh2Client,
		private readonly keepalive: Keepalive,
	) {
		client.on('error', (error: Ssh2Error) => {
			this.lostCause ??= error;
		});
		this.closed = new Promise(resolve => {
			client.on('close', () => {
				this.connectionGone();
				resolve();
			});
		});
	}

	async exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
		const {stdin} = options;
		if (options.stdoutTo !== undefined || (isStdinFile(stdin) ? stdin.size : stdin?.length ?? 0) > maxFramedStdin) {
			const prepared = prepareCommand(this.host, command, options);
			return this.slots.add(async () => this.runOnChannel(prepared));
		}

		const script = scriptFor(this.host, command, options);
		const bytes = isStdinFile(stdin) ? await readFile(stdin.path) : stdin;
		const inline = options.inline === true && options.env === undefined && options.cwd === undefined && (bytes === undefined || bytes.length === 0);
		const how: RunsAs = inline ? 'inline' : options.subshell === true ? 'subshell' : 'sh';
		return this.slots.add(async () => this.runInShell(script, options.become, bytes, how, options.after));
	}

	async close(): Promise<void> {
		if (!this.closing) {
			// Commands still queued find the connection gone when their turn comes, and reject.
			this.closing = true;
			this.client.end();
		}

		await this.closed;
	}

	private async runInShell(script: string, become: Become | undefined, stdin: string | Buffer | undefined, how: RunsAs, after: string | undefined): Promise<ExecResult> {
		const key = become === undefined ? '' : `${become.user}\0${become.password ?? ''}`;
		const waiting = this.idle.get(key) ?? [];
		this.idle.set(key, waiting);
		let shell = waiting.pop();
		while (shell !== undefined && !shell.usable) {
			shell = waiting.pop();
		}

		shell ??= await ShellSession.start(this.host, async commandLine => this.openChannel(commandLine), become, () => this.lost ?? this.channelGone());
		try {
			return await this.untilLost(shell.run(script, stdin, how, after));
		} finally {
			if (shell.usable) {
				waiting.push(shell);
			}
		}
	}

	private async runOnChannel(prepared: PreparedCommand): Promise<ExecResult> {
		// Always /bin/sh, whatever the user's login shell is, so a command line means the same on every host.
		const channel = await this.openChannel(`exec /bin/sh -c ${quoteShell(prepared.commandLine)}`);
		const exited = new Promise<number>((resolve, reject) => {
			// ssh2 passes the exit status to 'close' (null and a signal name when killed). Its 'exit' event
			// can fire before this listener exists, when the whole reply arrives in one packet batch.
			channel.on('close', (code: number | null | undefined) => {
				if (code === undefined) {
					// No exit status: the channel died with the connection.
					reject(this.lost ?? this.channelGone());
				} else {
					resolve(code ?? -1);
				}
			});
		});
		return this.untilLost(prepared.run({stdin: channel, stdout: channel, stderr: channel.stderr, exited}));
	}

	/** `work`, or HostUnreachable as soon as the connection is lost. */
	private async untilLost<T>(work: Promise<T>): Promise<T> {
		let abandon: ((error: HostUnreachable) => void) | undefined;
		const lost = new Promise<never>((_, reject) => {
			abandon = reject;
			this.inFlight.add(reject);
		});
		try {
			return await Promise.race([work, lost]);
		} finally {
			this.inFlight.delete(abandon!);
		}
	}

	private channelGone(): HostUnreachable {
		return new HostUnreachable(this.host, `${this.host}: the SSH channel on ${this.target} closed before the command exited.`);
	}

	/**
	 * sshd frees a session slot a moment after the channel closes, so a channel opened right after
	 * another one finished can be refused although fewer than MaxSessions are in use: try again shortly.
	 */
	private async openChannel(command: string): Promise<Ssh2Channel> {
		if (this.lost) {
			throw this.lost;
		}

		if (this.openChannels >= channelsPerConnection) {
			// Every running command holds one channel, so an idle shell holds the one this command needs.
			[...this.idle.values()].flat().find(shell => shell.usable)?.close();
		}

		for (let attempt = 1; ; attempt++) {
			try {
				const channel = await new Promise<Ssh2Channel>((resolve, reject) => {
					this.client.exec(command, (error, channel) => error ? reject(error) : resolve(channel));
				});
				this.openChannels++;
				channel.on('close', () => this.openChannels--);
				return channel;
			} catch (error) {
				if (this.lost) {
					throw this.lost;
				}

				const refused = (error as Ssh2Error).reason !== undefined;
				if (!refused || attempt === channelOpenAttempts) {
					throw new HostUnreachable(this.host, `${this.host}: cannot open an SSH channel on ${this.target}: ${(error as Error).message}`, {cause: error});
				}

				await new Promise(resolve => setTimeout(resolve, 10 * (2 ** attempt)));
			}
		}
	}

	private connectionGone(): void {
		const cause = this.lostCause;
		const silent = cause?.message === 'Keepalive timeout'
			? `no answer to ${this.keepalive.countMax} keepalives ${this.keepalive.intervalSeconds} s apart (ServerAliveCountMax, ServerAliveInterval: set them in ansible_ssh_common_args or ansible.cfg's ssh_args, or ansible_ssh_timeout for the whole bound)`
			: undefined;
		const why = this.closing ? 'the connection was closed by pb' : silent ?? (cause ? `${cause.message}${cause.code ? ` (${cause.code})` : ''}` : 'the server closed the connection');
		this.lost = new HostUnreachable(this.host, `${this.host}: lost the SSH connection to ${this.target}: ${why}`, {cause});
		for (const reject of this.inFlight) {
			reject(this.lost);
		}

		this.inFlight.clear();
	}
}
