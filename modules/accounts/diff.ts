import type {Diff} from '../../engine/module.js';
import {type Accounts, findUser, type GroupEntry, groupLine, passwdLine} from './database.js';

/*
 * --diff of the user and group modules: the /etc/passwd line of the user and the /etc/group lines
 * that change, as the files hold them, then what else changes (never a password hash).
 */

function changedGroups(before: readonly GroupEntry[], after: readonly GroupEntry[]): string[] {
	const lineOf = (groups: readonly GroupEntry[], name: string) => {
		const entry = groups.find(group => group.name === name);
		return entry === undefined ? undefined : groupLine(entry);
	};

	const names = [...new Set([...before, ...after].map(group => group.name))];
	return names.filter(name => lineOf(before, name) !== lineOf(after, name));
}

function side(accounts: Accounts, user: string | undefined, groups: readonly string[], extra: readonly string[]): string {
	const passwd = user === undefined ? [] : [findUser(accounts, user)].map(entry => (entry === undefined ? `/etc/passwd: no ${user}` : `/etc/passwd: ${passwdLine(entry)}`));
	const groupLines = groups.flatMap(name => {
		const entry = accounts.groups.find(group => group.name === name);
		return entry === undefined ? [] : [`/etc/group: ${groupLine(entry)}`];
	});
	return [...passwd, ...groupLines, ...extra].map(line => `${line}\n`).join('');
}

/** `header` names the account; `extraBefore`/`extraAfter`: more lines, such as the home directory's. */
export function accountsDiff(header: string, before: Accounts, after: Accounts, user: string | undefined, extraBefore: readonly string[] = [], extraAfter: readonly string[] = []): Diff {
	const groups = changedGroups(before.groups, after.groups);
	return {header, before: side(before, user, groups, extraBefore), after: side(after, user, groups, extraAfter)};
}
