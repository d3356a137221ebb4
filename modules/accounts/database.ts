import type {HostContext} from '../../engine/module.js';

/*
 * The host's users and groups as the user, group and authorized_key modules see them: entries as
 * getent prints them, kept in the files' order (shadow's id allocation depends on it), and what
 * earlier tasks of a --check run would have made of them.
 */

export interface PasswdEntry {
	readonly name: string;
	/** The password field of /etc/passwd: `x` when the hash is in /etc/shadow. */
	readonly password: string;
	readonly uid: number;
	readonly gid: number;
	readonly comment: string;
	readonly home: string;
	readonly shell: string;
}

export interface GroupEntry {
	readonly name: string;
	readonly password: string;
	readonly gid: number;
	readonly members: readonly string[];
}

/** The part of a user's /etc/shadow line the modules compare. Never printed. */
export interface ShadowEntry {
	readonly hash: string;
	/** Days since the epoch; undefined when the field is empty (never expires). */
	readonly expire: number | undefined;
}

export interface Accounts {
	readonly passwd: readonly PasswdEntry[];
	readonly groups: readonly GroupEntry[];
	/** Only the users a task asked about (or an earlier task predicted). */
	readonly shadow: Readonly<Record<string, ShadowEntry>>;
}

/** The key of the predicted accounts among HostContext.predictedState's. */
const accountsKey = 'accounts';

export function parsePasswd(text: string): PasswdEntry[] {
	return text.split('\n').filter(line => line.includes(':')).map(line => {
		const [name = '', password = '', uid = '', gid = '', comment = '', home = '', shell = ''] = line.split(':');
		return {name, password, uid: Number(uid), gid: Number(gid), comment, home, shell};
	});
}

export function parseGroups(text: string): GroupEntry[] {
	return text.split('\n').filter(line => line.includes(':')).map(line => {
		const [name = '', password = '', gid = '', members = ''] = line.split(':');
		return {name, password, gid: Number(gid), members: members.split(',').filter(Boolean)};
	});
}

export function parseShadow(text: string): Record<string, ShadowEntry> {
	return Object.fromEntries(text.split('\n').filter(line => line.includes(':')).map(line => {
		const fields = line.split(':');
		const expire = fields[7] ?? '';
		return [fields[0] ?? '', {hash: fields[1] ?? '', expire: expire === '' ? undefined : Number(expire)}];
	}));
}

export function passwdLine(entry: PasswdEntry): string {
	return `${entry.name}:${entry.password}:${entry.uid}:${entry.gid}:${entry.comment}:${entry.home}:${entry.shell}`;
}

export function groupLine(entry: GroupEntry): string {
	return `${entry.name}:${entry.password}:${entry.gid}:${entry.members.join(',')}`;
}

/** A group named as people name it to the tools: a gid first, then a name (as Ansible looks it up). */
export function findGroup(accounts: Accounts, group: string): GroupEntry | undefined {
	const byId = /^\d+$/.test(group) ? accounts.groups.find(entry => entry.gid === Number(group)) : undefined;
	return byId ?? accounts.groups.find(entry => entry.name === group);
}

export function findUser(accounts: Accounts, name: string): PasswdEntry | undefined {
	return accounts.passwd.find(entry => entry.name === name);
}

/**
 * The accounts as this task should see them: in check mode, as an earlier task of the run would
 * have left them (nothing on the host changes in check mode, so that task's read plus its
 * prediction is the host's state), with shadow entries it did not know taken from this read.
 */
export function withPredictedAccounts(ctx: HostContext, read: Accounts): Accounts {
	const predicted = ctx.predictedState?.(accountsKey) as Accounts | undefined;
	return predicted === undefined ? read : {...predicted, shadow: {...read.shadow, ...predicted.shadow}};
}

/** The predictsStates entry for accounts as a task leaves them. */
export function predictAccounts(accounts: Accounts): Record<string, unknown> {
	return {[accountsKey]: accounts};
}
