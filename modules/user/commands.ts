import {type Accounts, findGroup, type GroupEntry, type PasswdEntry, type ShadowEntry} from '../accounts/database.js';
import {defsFlag, idRange, newId} from '../accounts/new-ids.js';

/*
 * The useradd, usermod and userdel command lines Ansible's Linux user module runs for a task, and
 * what each leaves of the accounts, so that plan can show it and check mode can predict it.
 */

/** What the task asks for, as the commands read it. */
export interface UserWish {
	readonly name: string;
	readonly uid?: number | undefined;
	readonly nonUnique: boolean;
	readonly group?: string | undefined;
	/** The groups as one comma-separated string, as Ansible joins them; undefined when not given. */
	readonly groups?: string | undefined;
	readonly append: boolean;
	readonly comment?: string | undefined;
	readonly home?: string | undefined;
	readonly shell?: string | undefined;
	/** The hash to set (already prefixed with ! to lock), or undefined. */
	readonly password?: string | undefined;
	readonly updatePassword: 'always' | 'on_create';
	readonly passwordLock?: boolean | undefined;
	readonly createHome: boolean;
	readonly skeleton?: string | undefined;
	readonly system: boolean;
	/** Days since the epoch of the expiry date, -1 for never; undefined when not given. */
	readonly expires?: number | undefined;
	readonly moveHome: boolean;
}

export interface Settings {
	readonly loginDefs: Readonly<Record<string, string>>;
	readonly useraddDefaults: Readonly<Record<string, string>>;
}

/** One command's words and what the accounts are after it. */
export interface AccountChange {
	readonly words: readonly string[];
	readonly accounts: Accounts;
}

/** The groups named in `groups`, each once, in order: Ansible's set of stripped names. */
function groupNames(groups: string): string[] {
	return [...new Set(groups.split(',').map(group => group.trim()).filter(Boolean))];
}

/** The first group named that does not exist, as Ansible's message says it. */
function missingGroup(accounts: Accounts, names: readonly string[]): string | undefined {
	const missing = names.find(name => findGroup(accounts, name) === undefined);
	return missing === undefined ? undefined : `Group ${missing} does not exist`;
}

/** An expiry day as useradd -e takes it. */
export function expiryDate(days: number): string {
	return days < 0 ? '' : new Date(days * 86_400_000).toISOString().slice(0, 10);
}

function withMembership(groups: readonly GroupEntry[], name: string, wanted: readonly GroupEntry[], append: boolean): GroupEntry[] {
	return groups.map(group => {
		const member = group.members.includes(name);
		const want = wanted.includes(group);
		if (want && !member) {
			return {...group, members: [...group.members, name]};
		}

		return !want && member && !append ? {...group, members: group.members.filter(other => other !== name)} : group;
	});
}

function replaceUser(passwd: readonly PasswdEntry[], entry: PasswdEntry): PasswdEntry[] {
	return passwd.map(other => (other.name === entry.name ? entry : other));
}

/** useradd for a user that does not exist yet; a string when it cannot be done. */
export function userAdd(accounts: Accounts, wish: UserWish, settings: Settings): AccountChange | string {
	const words = ['useradd'];
	const uid = wish.uid ?? newId(accounts.passwd.map(entry => entry.uid), idRange(settings.loginDefs, 'UID', wish.system), wish.system);
	if (uid === undefined) {
		return 'no free uid is left in the range of /etc/login.defs';
	}

	if (wish.uid !== undefined) {
		words.push('-u', String(wish.uid), ...(wish.nonUnique ? ['-o'] : []));
	}

	let groups = [...accounts.groups];
	let gid: number;
	if (wish.group === undefined) {
		const ownGroup = findGroup(accounts, wish.name) !== undefined;
		if (ownGroup) {
			words.push('-N');
		}

		if (!ownGroup && defsFlag(settings.loginDefs, 'USERGROUPS_ENAB')) {
			const newGid = newId(groups.map(entry => entry.gid), idRange(settings.loginDefs, 'GID', wish.system), wish.system, uid);
			if (newGid === undefined) {
				return 'no free gid is left in the range of /etc/login.defs';
			}

			gid = newGid;
			groups.push({name: wish.name, password: 'x', gid, members: []});
		} else {
			gid = Number(settings.useraddDefaults['GROUP'] ?? 1000);
		}
	} else {
		const primary = findGroup(accounts, wish.group);
		if (primary === undefined) {
			return `Group ${wish.group} does not exist`;
		}

		gid = primary.gid;
		words.push('-g', wish.group);
	}

	const extra = wish.groups === undefined ? [] : groupNames(wish.groups);
	const missing = missingGroup(accounts, extra);
	if (missing !== undefined) {
		return missing;
	}

	if (extra.length > 0) {
		words.push('-G', extra.join(','));
		groups = withMembership(groups, wish.name, extra.map(group => findGroup(accounts, group)!), true);
	}

	const home = wish.home ?? `${settings.useraddDefaults['HOME'] ?? '/home'}/${wish.name}`;
	const shell = wish.shell ?? settings.useraddDefaults['SHELL'] ?? '/bin/sh';
	for (const [flag, value] of [['-c', wish.comment], ['-d', wish.home], ['-s', wish.shell]] as const) {
		if (value !== undefined) {
			words.push(flag, value);
		}
	}

	if (wish.expires !== undefined) {
		words.push('-e', expiryDate(wish.expires));
	}

	if (wish.password !== undefined) {
		words.push('-p', wish.password);
	}

	words.push(...(wish.createHome ? ['-m', ...(wish.skeleton === undefined ? [] : ['-k', wish.skeleton])] : ['-M']), ...(wish.system ? ['-r'] : []), wish.name);
	const entry: PasswdEntry = {name: wish.name, password: 'x', uid, gid, comment: wish.comment ?? '', home, shell};
	const shadow: ShadowEntry = {hash: wish.password ?? '!', expire: wish.expires === undefined || wish.expires < 0 ? undefined : wish.expires};
	return {words, accounts: {passwd: [...accounts.passwd, entry], groups, shadow: {...accounts.shadow, [wish.name]: shadow}}};
}

/** The usermod that makes an existing user as wished; no words past `usermod` when it is so already. */
export function userMod(accounts: Accounts, user: PasswdEntry, wish: UserWish): AccountChange | string {
	const words = ['usermod'];
	let entry = user;
	let groups = accounts.groups;
	let shadow = accounts.shadow[user.name] ?? {hash: '', expire: undefined};
	if (wish.uid !== undefined && user.uid !== wish.uid) {
		words.push('-u', String(wish.uid), ...(wish.nonUnique ? ['-o'] : []));
		entry = {...entry, uid: wish.uid};
	}

	if (wish.group !== undefined) {
		const primary = findGroup(accounts, wish.group);
		if (primary === undefined) {
			return `Group ${wish.group} does not exist`;
		}

		if (primary.gid !== user.gid) {
			words.push('-g', String(primary.gid));
			entry = {...entry, gid: primary.gid};
		}
	}

	if (wish.groups !== undefined) {
		const current = accounts.groups.filter(group => group.members.includes(user.name)).map(group => group.name);
		const wanted = groupNames(wish.groups);
		const missing = missingGroup(accounts, wanted);
		if (missing !== undefined) {
			return missing;
		}

		const differing = new Set([...current.filter(group => !wanted.includes(group)), ...wanted.filter(group => !current.includes(group))]);
		const adds = wanted.some(group => differing.has(group));
		const needed = wish.groups === '' ? current.length > 0 && !wish.append : differing.size > 0 && (!wish.append || adds);
		if (needed) {
			words.push(...(wish.append ? ['-a'] : []), '-G', wanted.join(','));
			groups = withMembership(groups, user.name, wanted.map(group => findGroup(accounts, group)!), wish.append);
		}
	}

	for (const [flag, field] of [['-c', 'comment'], ['-d', 'home'], ['-s', 'shell']] as const) {
		const value = wish[field];
		if (value !== undefined && value !== user[field]) {
			words.push(flag, value, ...(field === 'home' && wish.moveHome ? ['-m'] : []));
			entry = {...entry, [field]: value};
		}
	}

	if (wish.expires !== undefined) {
		const current = shadow.expire ?? -1;
		const changes = wish.expires < 0 ? current >= 0 : current < 0 || current !== wish.expires;
		if (changes) {
			words.push('-e', expiryDate(wish.expires));
			shadow = {...shadow, expire: wish.expires < 0 ? undefined : wish.expires};
		}
	}

	const lock = wish.passwordLock === true && !shadow.hash.startsWith('!');
	const unlock = wish.passwordLock === false && shadow.hash.startsWith('!');
	const newHash = wish.updatePassword === 'always' && wish.password !== undefined && shadow.hash.replace(/^!+/, '') !== wish.password.replace(/^!+/, '');
	if (newHash) {
		words.push('-p', wish.password!);
		shadow = {...shadow, hash: wish.password!};
	} else if (lock || unlock) {
		words.push(lock ? '-L' : '-U');
		shadow = {...shadow, hash: lock ? `!${shadow.hash}` : shadow.hash.slice(1)};
	}

	if (words.length > 1) {
		words.push(user.name);
	}

	return {words, accounts: {passwd: replaceUser(accounts.passwd, entry), groups, shadow: {...accounts.shadow, [user.name]: shadow}}};
}

/** userdel: the user out of every group, and its own group gone when nothing else needs it (userdel's rules). */
export function userDel(accounts: Accounts, user: PasswdEntry, options: {readonly force: boolean; readonly remove: boolean; readonly loginDefs: Readonly<Record<string, string>>}): AccountChange {
	const words = ['userdel', ...(options.force ? ['-f'] : []), ...(options.remove ? ['-r'] : []), user.name];
	const passwd = accounts.passwd.filter(entry => entry.name !== user.name);
	let groups = accounts.groups.map(group => (group.members.includes(user.name) ? {...group, members: group.members.filter(member => member !== user.name)} : group));
	const own = groups.find(group => group.name === user.name);
	const stillPrimary = passwd.some(entry => entry.gid === own?.gid);
	if (defsFlag(options.loginDefs, 'USERGROUPS_ENAB') && own?.gid === user.gid && own.members.length === 0 && (options.force || !stillPrimary)) {
		groups = groups.filter(group => group !== own);
	}

	const {[user.name]: _removed, ...shadow} = accounts.shadow;
	return {words, accounts: {passwd, groups, shadow}};
}
