import {posix} from 'node:path';
import type {PredictedPath} from '../../engine/host/file-state.js';
import {defineModule, type Params, type Plan} from '../../engine/module.js';
import {quoteShell} from '../../engine/shell-words.js';
import {type Accounts, findGroup, findUser, predictAccounts} from '../accounts/database.js';
import {accountsDiff} from '../accounts/diff.js';
import {type AccountsState, readAccounts} from '../accounts/read.js';
import {type AccountChange, expiryDate, userAdd, userDel, userMod, type UserWish} from './commands.js';
import {type HomeDirectory, homeMode, makeHomeCommand, predictedHome, useraddHomeMode} from './home.js';

interface UserSteps {
	/** useradd, usermod or userdel with its words; none when only the home directory is missing. */
	readonly command?: readonly string[];
	/** Made before useradd: a home whose parent is missing, which useradd cannot make. */
	readonly homeBefore?: HomeDirectory;
	/** Made after the command: a home that is missing although create_home is set. */
	readonly homeAfter?: HomeDirectory;
	/** `uid:gid` given to a home made here, and to everything in it. */
	readonly owner?: string;
}

const schema = {
	name: {type: 'str', required: true, aliases: ['user'], description: 'The user\'s login name'},
	state: {type: 'str', choices: ['present', 'absent'], default: 'present', description: 'present: the user exists as described; absent: it does not'},
	uid: {type: 'int', minimum: 0, description: 'The user\'s uid; unset: the next free one (a new user) or the one it has'},
	non_unique: {type: 'bool', default: false, description: 'Allow a uid another user has already (useradd -o); needs uid'},
	group: {type: 'str', description: 'The primary group, by name or gid; it must exist. Unset: a group named as the user (login.defs USERGROUPS_ENAB)'},
	groups: {type: 'list', elements: 'str', description: 'Supplementary groups (a list or a comma-separated string); they must exist. [] or \'\' removes them all (unless append)'},
	append: {type: 'bool', default: false, description: 'Add the user to groups, keeping the others it is in; false: groups are exactly its groups'},
	comment: {type: 'str', description: 'The GECOS field, usually the full name'},
	home: {type: 'path', description: 'The home directory; unset: useradd\'s default (/home/NAME) for a new user, the one it has otherwise'},
	shell: {type: 'str', description: 'The login shell; unset: useradd\'s default for a new user'},
	password: {type: 'str', secret: true, description: 'The password as a crypt(3) hash (e.g. from the password_hash filter), never the clear text; never shown'},
	update_password: {type: 'str', choices: ['always', 'on_create'], default: 'always', description: 'always: set password when it differs; on_create: only for a new user'},
	password_lock: {type: 'bool', description: 'true: lock the password (usermod -L); false: unlock it'},
	create_home: {type: 'bool', default: true, aliases: ['createhome'], description: 'Make the home directory (from skeleton) for a new user, or when it is missing'},
	skeleton: {type: 'str', description: 'The directory a new home is copied from; unset: /etc/skel'},
	move_home: {type: 'bool', default: false, description: 'When home changes, move the old home directory\'s content there (usermod -m)'},
	system: {type: 'bool', default: false, description: 'Make a system account (a uid below UID_MIN); only when the user is created'},
	expires: {type: 'raw', description: 'When the account expires, in seconds since the epoch (only the day counts); a negative number: never'},
	force: {type: 'bool', default: false, description: 'state: absent: remove the user even while logged in, and its home even when not its own (userdel -f)'},
	remove: {type: 'bool', default: false, description: 'state: absent: remove the home directory and mail spool too (userdel -r)'},
} as const;

type UserParams = Params<typeof schema>;

/** `expires` in days since the epoch, -1 for never. */
function expiryDays(expires: unknown): number | undefined {
	if (expires === undefined || expires === null) {
		return undefined;
	}

	const seconds = Number(expires);
	return seconds < 0 ? -1 : Math.floor(seconds / 86_400);
}

function wishOf(params: UserParams): UserWish {
	return {
		name: params.name,
		uid: params.uid,
		nonUnique: params.non_unique,
		group: params.group,
		groups: params.groups?.join(','),
		append: params.append,
		comment: params.comment,
		home: params.home,
		shell: params.shell,
		password: params.password === undefined ? undefined : `${params.password_lock === true ? '!' : ''}${params.password}`,
		updatePassword: params.update_password,
		passwordLock: params.password_lock,
		createHome: params.create_home,
		skeleton: params.skeleton,
		system: params.system,
		expires: expiryDays(params.expires),
		moveHome: params.move_home,
	};
}

const disabling = new Set(['*', '!', '*************']);

/** Why `password` looks like clear text rather than a hash (Ansible warns then), or undefined. */
export function unhashedPassword(password: string): string | undefined {
	if (disabling.has(password)) {
		return undefined;
	}

	const fields = password.split('$');
	const hash = fields.at(-1) ?? '';
	const lengths: Record<string, number> = {1: 22, 5: 43, 6: 86};
	const wrongLength = fields.length >= 3 && lengths[fields[1]!] !== undefined && hash.length !== lengths[fields[1]!];
	const invalid = /[:*!]/.test(password) || fields.length < 3 || /[^a-zA-Z0-9./=]/.test(hash) || wrongLength;
	return invalid ? 'The input password appears not to have been hashed. The \'password\' argument must be encrypted for this module to work properly.' : undefined;
}

/** What the task's result says of the user, as Ansible's. */
function userResult(entry: {readonly uid: number; readonly gid: number; readonly comment: string; readonly home: string; readonly shell: string}, params: UserParams) {
	return {
		uid: entry.uid, group: entry.gid, comment: entry.comment, home: entry.home, shell: entry.shell,
		...(params.groups === undefined ? {} : {groups: params.groups.join(',')}),
	};
}

function passwordLine(hash: string | undefined): string[] {
	return hash === undefined ? [] : [`password: (not shown)${hash.startsWith('!') ? ', locked' : ''}`];
}

function planAbsent(state: AccountsState, params: UserParams): Plan<UserSteps> {
	const {accounts} = state;
	const user = findUser(accounts, params.name);
	if (user === undefined) {
		return {changed: false, msg: `user ${params.name} is absent`, steps: {}, result: {name: params.name, state: 'absent'}};
	}

	const change = userDel(accounts, user, {force: params.force, remove: params.remove, loginDefs: state.loginDefs});
	const home = params.remove ? [`home directory: ${user.home}`] : [];
	return {
		changed: true,
		msg: `user ${params.name} removed${params.remove ? `, with ${user.home}` : ''}`,
		diff: [accountsDiff(`user ${params.name}`, accounts, change.accounts, params.name, home, home.length > 0 ? ['home directory: absent'] : [])],
		steps: {command: change.words},
		result: {name: params.name, state: 'absent', force: params.force, remove: params.remove},
		predicts: params.remove ? [{path: user.home, type: 'absent'}] : [],
		predictsStates: predictAccounts(change.accounts),
	};
}

/** Whether the user's home is there once the command ran. */
function homeAfterCommand(state: AccountsState, params: UserParams, before: Accounts, change: AccountChange, home: string): boolean {
	const user = findUser(before, params.name);
	if (user === undefined) {
		return params.create_home || state.paths[home] !== 'absent';
	}

	const moved = change.words.includes('-m') && state.paths[user.home] === 'directory';
	return moved || state.paths[home] !== 'absent';
}

function planPresent(state: AccountsState, params: UserParams): Plan<UserSteps> {
	const {accounts, loginDefs} = state;
	const existing = findUser(accounts, params.name);
	const wish = wishOf(params);
	const change = existing === undefined ? userAdd(accounts, wish, state) : userMod(accounts, existing, wish);
	const base = existing === undefined ? {name: params.name, state: 'present', system: params.system, create_home: params.create_home} : {name: params.name, state: 'present', append: params.append, move_home: params.move_home};
	const password = params.password === undefined ? {} : {password: 'NOT_LOGGING_PASSWORD'};
	if (typeof change === 'string') {
		return {changed: false, msg: '', steps: {}, result: base, failed: change};
	}

	const entry = findUser(change.accounts, params.name)!;
	const groupName = (gid: number) => findGroup(change.accounts, String(gid))?.name ?? String(gid);
	const skeleton = params.skeleton ?? '/etc/skel';
	const made: HomeDirectory = {path: params.home ?? entry.home, skeleton, mode: homeMode(loginDefs)};
	const homeBefore = existing === undefined && params.home !== undefined && params.create_home && state.paths[posix.dirname(params.home)] !== 'directory' ? made : undefined;
	const homeAfter = params.create_home && !homeAfterCommand(state, params, accounts, change, made.path) ? made : undefined;
	const ran = change.words.length > 1;
	const result = {...base, ...password, ...userResult(entry, params)};
	if (!ran && homeAfter === undefined) {
		return {changed: false, msg: `user ${params.name} is as wanted`, steps: {}, result};
	}

	const shadowBefore = existing === undefined ? undefined : accounts.shadow[params.name];
	const shadowAfter = change.accounts.shadow[params.name];
	const hashChanged = shadowBefore?.hash !== shadowAfter?.hash && (params.password !== undefined || params.password_lock !== undefined);
	const expiryChanged = shadowBefore?.expire !== shadowAfter?.expire && params.expires !== undefined;
	const expiry = (days: number | undefined) => `expires: ${days === undefined ? 'never' : expiryDate(days)}`;
	const moved = change.words.includes('-m') && existing !== undefined && existing.home !== entry.home && state.paths[existing.home] === 'directory';
	const homeMade = (existing === undefined && params.create_home) || homeAfter !== undefined || moved;
	const predicts: PredictedPath[] = [
		...(moved ? [{path: existing.home, type: 'absent' as const}] : []),
		...(homeMade && state.paths[made.path] !== 'directory' ? [predictedHome(made.path, homeBefore ?? homeAfter ? made.mode : useraddHomeMode(loginDefs), entry.name, groupName(entry.gid))] : []),
	];
	const homeLines = (exists: boolean) => (homeMade ? [`home directory: ${exists ? made.path : 'absent'}`] : []);
	const what = existing === undefined ? 'created' : ran ? 'changed' : 'given its missing home directory';
	return {
		changed: true,
		msg: `user ${params.name} ${what}`,
		diff: [accountsDiff(
			`user ${params.name}`, accounts, change.accounts, params.name,
			[...(hashChanged ? passwordLine(shadowBefore?.hash) : []), ...(expiryChanged && existing !== undefined ? [expiry(shadowBefore?.expire)] : []), ...homeLines(false)],
			[...(hashChanged ? passwordLine(shadowAfter?.hash).map(line => `${line}, changed`) : []), ...(expiryChanged ? [expiry(shadowAfter?.expire)] : []), ...homeLines(true)],
		)],
		steps: {
			...(ran ? {command: change.words} : {}),
			...(homeBefore === undefined ? {} : {homeBefore}),
			...(homeAfter === undefined ? {} : {homeAfter}),
			...(homeBefore ?? homeAfter ? {owner: `${entry.uid}:${entry.gid}`} : {}),
		},
		result,
		predicts,
		predictsStates: predictAccounts(change.accounts),
	};
}

/** The step's shell, one round trip: each part stops the script when it fails. */
function stepsScript(steps: UserSteps): string {
	const home = steps.homeBefore ?? steps.homeAfter;
	return [
		'PATH=$PATH:/usr/sbin:/sbin',
		steps.homeBefore === undefined ? '' : makeHomeCommand(steps.homeBefore),
		steps.command === undefined ? '' : `${steps.command.map(word => quoteShell(word)).join(' ')} || exit $?`,
		steps.homeAfter === undefined ? '' : makeHomeCommand(steps.homeAfter),
		home === undefined || steps.owner === undefined ? '' : `chown -R ${steps.owner} -- ${quoteShell(home.path)} || exit 1`,
	].filter(Boolean).join('\n');
}

export default defineModule({
	name: 'user',
	summary: 'Make a user account exist as described (useradd/usermod, as Ansible runs them), or remove it',
	params: schema,
	example: `- name: A service account in the docker group, with a home of its own
  user:
    name: deploy
    comment: Deployments
    shell: /bin/bash
    groups: [docker]
    append: true
    password: "{{ deploy_hash }}"`,
	rules: {
		required_if: [{param: 'non_unique', value: true, needs: ['uid']}],
	},
	validate(params) {
		if (params.expires !== undefined && params.expires !== null && !Number.isFinite(Number(params.expires))) {
			return `expires must be a number of seconds since the epoch, got ${JSON.stringify(params.expires)}`;
		}

		return /[:\n]/.test(params.name) ? `name ${JSON.stringify(params.name)} cannot hold a colon or a newline` : undefined;
	},
	async read(ctx, params) {
		if (params.password !== undefined) {
			const warning = unhashedPassword(params.password);
			if (warning !== undefined) {
				ctx.warn(warning);
			}
		}

		if (params.append && params.groups === undefined) {
			ctx.warn('\'append\' is set, but no \'groups\' are specified. Use \'groups\' for appending new groups.');
		}

		const home = params.home === undefined ? [] : [params.home, posix.dirname(params.home)];
		return readAccounts(ctx, {shadowOf: [params.name], paths: home, homeOf: params.name});
	},
	plan(state, params): Plan<UserSteps> {
		return params.state === 'absent' ? planAbsent(state, params) : planPresent(state, params);
	},
	async apply(ctx, params, plan) {
		const result = await ctx.run(stepsScript(plan.steps));
		const output = {...(result.stdout.trim() === '' ? {} : {stdout: result.stdout}), ...(result.stderr.trim() === '' ? {} : {stderr: result.stderr})};
		if (result.code !== 0) {
			return {failed: `${plan.steps.command?.[0] ?? 'making the home directory'} failed for user ${params.name} on ${ctx.host}: ${result.stderr.trim()}`, result: {...output, rc: result.code}};
		}

		return {result: output};
	},
});
