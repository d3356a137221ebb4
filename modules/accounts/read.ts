import {HostFileError} from '../../engine/host/file-state.js';
import type {HostContext} from '../../engine/module.js';
import {quoteShell} from '../../engine/shell-words.js';
import {type Accounts, parseGroups, parsePasswd, parseShadow, withPredictedAccounts} from './database.js';
import {parseLoginDefs, parseUseraddDefaults} from './new-ids.js';

/** What the user and group modules read of a host, in one round trip. */
export interface AccountsState {
	/** In check mode, as earlier tasks would have left them. */
	readonly accounts: Accounts;
	readonly loginDefs: Readonly<Record<string, string>>;
	/** `useradd -D`: the defaults a new user gets (HOME, SHELL, GROUP, SKEL). */
	readonly useraddDefaults: Readonly<Record<string, string>>;
	/** What each path asked about is, in check mode as earlier tasks would have left it. */
	readonly paths: Readonly<Record<string, 'directory' | 'other' | 'absent'>>;
	/** Which of the commands asked about the host has. */
	readonly tools: ReadonlySet<string>;
	/** Where the host looked for them. */
	readonly searchPath: string;
}

export interface AccountsRequest {
	/** Users whose /etc/shadow entries are read. */
	readonly shadowOf?: readonly string[];
	/** Paths whose kind is read. */
	readonly paths?: readonly string[];
	/** A user whose home directory's kind is read too. */
	readonly homeOf?: string;
	/** Commands whose presence is read (libuser's lgroupadd, for group's local). */
	readonly tools?: readonly string[];
}

const marker = '--pb-- ';

function accountsScript({shadowOf = [], paths = [], homeOf, tools = []}: AccountsRequest): string {
	const home = homeOf === undefined ? '' : ` "$(getent passwd ${quoteShell(homeOf)} | cut -d: -f6)"`;
	const section = (name: string) => `echo '${marker}${name}'`;
	return [
		// useradd and friends live in sbin, which a plain user's PATH may lack.
		'PATH=$PATH:/usr/sbin:/sbin',
		section('passwd'), 'getent passwd',
		section('group'), 'getent group',
		section('shadow'), shadowOf.length === 0 ? '' : `getent shadow ${shadowOf.map(name => quoteShell(name)).join(' ')}`,
		section('login.defs'), 'cat /etc/login.defs 2>/dev/null',
		section('useradd'), 'useradd -D 2>/dev/null',
		section('paths'),
		`for p in ${paths.map(path => quoteShell(path)).join(' ')}${home}; do`,
		'  [ -n "$p" ] || continue',
		'  if [ -d "$p" ]; then echo "directory $p"; elif [ -e "$p" ] || [ -L "$p" ]; then echo "other $p"; else echo "absent $p"; fi',
		'done',
		section('tools'),
		`for t in ${tools.map(tool => quoteShell(tool)).join(' ')}; do command -v "$t" >/dev/null && echo "$t"; done`,
		'echo "$PATH"',
		'true',
	].filter(Boolean).join('\n');
}

/** The script's output by section. */
function sections(stdout: string): Map<string, string> {
	const result = new Map<string, string>();
	for (const part of stdout.split(new RegExp(`^${marker}`, 'm')).slice(1)) {
		const newline = part.indexOf('\n');
		result.set(part.slice(0, newline), part.slice(newline + 1));
	}

	return result;
}

function kindOf(ctx: HostContext, path: string, read: string | undefined): 'directory' | 'other' | 'absent' {
	const predicted = ctx.predictedPath?.(path);
	if (predicted !== undefined) {
		return predicted.type === 'directory' ? 'directory' : predicted.type === 'absent' ? 'absent' : 'other';
	}

	return read === 'directory' || read === 'other' ? read : 'absent';
}

/** Users, groups, the tools' settings and the kinds of some paths, all in one round trip. */
export async function readAccounts(ctx: HostContext, request: AccountsRequest): Promise<AccountsState> {
	const result = await ctx.run(accountsScript(request));
	const parts = sections(result.stdout);
	if (result.code !== 0 || !parts.has('tools')) {
		throw new HostFileError(ctx.host, '/etc/passwd', `cannot read the users and groups of ${ctx.host}`, result.stderr);
	}

	const read: Accounts = {passwd: parsePasswd(parts.get('passwd') ?? ''), groups: parseGroups(parts.get('group') ?? ''), shadow: parseShadow(parts.get('shadow') ?? '')};
	const found = new Map((parts.get('paths') ?? '').split('\n').filter(Boolean).map(line => {
		const space = line.indexOf(' ');
		return [line.slice(space + 1), line.slice(0, space)] as const;
	}));
	const accounts = withPredictedAccounts(ctx, read);
	const home = request.homeOf === undefined ? undefined : accounts.passwd.find(entry => entry.name === request.homeOf)?.home;
	const tools = (parts.get('tools') ?? '').trim().split('\n');
	const asked = [...(request.paths ?? []), ...(home === undefined ? [] : [home])];
	return {
		accounts,
		loginDefs: parseLoginDefs(parts.get('login.defs') ?? ''),
		useraddDefaults: parseUseraddDefaults(parts.get('useradd') ?? ''),
		paths: Object.fromEntries(asked.map(path => [path, kindOf(ctx, path, found.get(path))])),
		tools: new Set(tools.slice(0, -1)),
		searchPath: tools.at(-1) ?? '',
	};
}
