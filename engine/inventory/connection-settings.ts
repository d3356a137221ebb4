import {userInfo} from 'node:os';
import {PbError} from '../errors.js';
import {keepaliveFor, type Keepalive} from '../connection/keepalive.js';

export interface ConnectionSettings {
	readonly connection: 'ssh' | 'local';
	/** ansible_host, else the inventory name. */
	readonly address: string;
	readonly port: number;
	readonly user: string;
	readonly password: string | undefined;
	readonly privateKeyFile: string | undefined;
	/** ansible_host_key_checking: false only when the inventory turns checking off. */
	readonly hostKeyChecking: boolean;
	readonly become: boolean;
	readonly becomeUser: string;
	readonly becomePassword: string | undefined;
	/** ansible_ssh_timeout, in seconds: overrides --timeout for this host. */
	readonly connectTimeoutSeconds: number | undefined;
	/** How soon the host is declared lost when it stops answering mid-run. */
	readonly keepalive: Keepalive;
}

type Vars = Readonly<Record<string, unknown>>;

/**
 * What the command line and ansible.cfg set for every host (-c, -u/remote_user,
 * --private-key/private_key_file, -k's password, -b/become, --become-user, -K's password,
 * host_key_checking): below each host's inventory variables, as in Ansible.
 */
export interface ConnectionDefaults {
	readonly connection?: 'ssh' | 'local';
	readonly user?: string;
	readonly privateKeyFile?: string;
	readonly password?: string;
	readonly become?: boolean;
	readonly becomeUser?: string;
	readonly becomePassword?: string;
	/** ansible.cfg's host_key_checking. */
	readonly hostKeyChecking?: boolean;
	/** ansible.cfg's ssh_args (ANSIBLE_SSH_ARGS): only its ServerAlive options are read. */
	readonly sshArgs?: string;
}

// Ansible's older spellings still work there, so they work here (first name wins).
const names = {
	address: ['ansible_host', 'ansible_ssh_host'],
	port: ['ansible_port', 'ansible_ssh_port'],
	user: ['ansible_user', 'ansible_ssh_user'],
	password: ['ansible_password', 'ansible_ssh_pass', 'ansible_ssh_password'],
	privateKeyFile: ['ansible_ssh_private_key_file', 'ansible_private_key_file'],
	hostKeyChecking: ['ansible_host_key_checking', 'ansible_ssh_host_key_checking'],
	become: ['ansible_become'],
	becomeUser: ['ansible_become_user'],
	becomePassword: ['ansible_become_password', 'ansible_become_pass'],
	connectTimeout: ['ansible_ssh_timeout', 'ansible_timeout'],
	commonArgs: ['ansible_ssh_common_args'],
	extraArgs: ['ansible_ssh_extra_args'],
} as const;

/**
 * How to reach a host, from its (rendered) inventory variables, with Ansible's defaults:
 * ssh on port 22 as the current user, no become, become user root. Booleans read as Ansible's
 * boolean() reads them (yes/no, true/false, on/off, 1/0).
 */
export function connectionSettings(host: string, vars: Vars, defaults: ConnectionDefaults = {}): ConnectionSettings {
	const pick = (key: keyof typeof names): [string, unknown] | undefined => {
		const name = names[key].find(candidate => vars[candidate] !== undefined && vars[candidate] !== null);
		return name === undefined ? undefined : [name, vars[name]];
	};

	const text = (key: keyof typeof names): string | undefined => {
		const found = pick(key);
		return found === undefined ? undefined : String(found[1]);
	};

	const flag = (key: keyof typeof names, fallback: boolean): boolean => {
		const found = pick(key);
		return found === undefined ? fallback : toBoolean(host, ...found);
	};

	return {
		connection: readConnection(host, vars['ansible_connection'] ?? defaults.connection),
		address: text('address') ?? host,
		port: readPort(host, pick('port')),
		user: text('user') ?? defaults.user ?? currentUser(),
		password: text('password') ?? defaults.password,
		privateKeyFile: text('privateKeyFile') ?? defaults.privateKeyFile,
		hostKeyChecking: flag('hostKeyChecking', defaults.hostKeyChecking ?? true),
		become: flag('become', defaults.become ?? false),
		becomeUser: text('becomeUser') ?? defaults.becomeUser ?? 'root',
		becomePassword: text('becomePassword') ?? defaults.becomePassword,
		connectTimeoutSeconds: readSeconds(host, pick('connectTimeout')),
		keepalive: keepaliveFor([
			[text('extraArgs'), `host '${host}': ansible_ssh_extra_args`],
			[text('commonArgs'), `host '${host}': ansible_ssh_common_args`],
			[defaults.sshArgs, 'ssh_args (ansible.cfg or ANSIBLE_SSH_ARGS)'],
		], readSeconds(host, pick('connectTimeout'))),
	};
}

function readConnection(host: string, value: unknown): 'ssh' | 'local' {
	if (value === undefined || value === null || value === 'ssh' || value === 'smart' || value === 'paramiko') {
		return 'ssh';
	}

	if (value === 'local') {
		return 'local';
	}

	throw new PbError(`host '${host}' has ansible_connection=${String(value)}, but pb connects with ssh or local only`, {
		hint: 'Set ansible_connection to ssh (the default) or local for this host.',
	});
}

function readPort(host: string, found: [string, unknown] | undefined): number {
	return found === undefined ? 22 : readWholeNumber(host, found, 65_535, 'a port number', 'a whole number from 1 to 65535');
}

function readSeconds(host: string, found: [string, unknown] | undefined): number | undefined {
	return found === undefined ? undefined : readWholeNumber(host, found, Number.MAX_SAFE_INTEGER, 'a number of seconds', 'a whole number of seconds, 1 or more');
}

function readWholeNumber(host: string, [name, value]: [string, unknown], max: number, what: string, wanted: string): number {
	const number = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
	if (typeof number !== 'number' || !Number.isInteger(number) || number < 1 || number > max) {
		throw new PbError(`host '${host}' has ${name}=${JSON.stringify(value)}, which is not ${what}`, {
			hint: `Set ${name} to ${wanted}.`,
		});
	}

	return number;
}

const truths = new Set(['y', 'yes', 'on', '1', 'true', 't']);
const falsehoods = new Set(['n', 'no', 'off', '0', 'false', 'f']);

function toBoolean(host: string, name: string, value: unknown): boolean {
	if (typeof value === 'boolean') {
		return value;
	}

	const word = String(value).trim().toLowerCase();
	if (truths.has(word) || falsehoods.has(word)) {
		return truths.has(word);
	}

	throw new PbError(`host '${host}' has ${name}=${JSON.stringify(value)}, which is not a boolean`, {
		hint: `Set ${name} to true or false (yes/no also work).`,
	});
}

function currentUser(): string {
	try {
		return userInfo().username;
	} catch {
		// No passwd entry for this uid (some containers): fall back as ssh would to $USER.
		return process.env['USER'] ?? 'root';
	}
}
