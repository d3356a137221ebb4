import {posix} from 'node:path';
import {quoteShell} from '../../engine/shell-words.js';
import {refsMarker} from './parse.js';
import type {Target} from './parse.js';

/*
 * The shell git runs on the host: one read (dest's repository, and the remote's refs), then a
 * clone or a fetch and a checkout, as Ansible's git module runs them.
 */

export interface GitOptions {
	readonly repo: string;
	readonly dest: string;
	readonly remote: string;
	readonly version: string;
	readonly bare: boolean;
	readonly depth: number | undefined;
	readonly force: boolean;
	/** GIT_SSH_COMMAND, for accept_hostkey, key_file and ssh_opts. */
	readonly sshCommand: string | undefined;
}

/** Every git command in C locale (Ansible screen-scrapes in C too), with the task's ssh options. */
function preamble(options: GitOptions): string {
	return [
		'export LC_ALL=C',
		...(options.sshCommand === undefined ? [] : [`export GIT_SSH_COMMAND=${quoteShell(options.sshCommand)}`]),
	].join('\n');
}

const configOf = (options: GitOptions) => (options.bare ? `${options.dest}/config` : `${options.dest}/.git/config`);

export function readScript(options: GitOptions): string {
	const dest = quoteShell(options.dest);
	return [
		'if ! command -v git >/dev/null 2>&1; then echo nogit; exit 0; fi',
		preamble(options),
		`if [ -f ${quoteShell(configOf(options))} ]; then`,
		'  echo cloned',
		`  echo "before $(git -C ${dest} rev-parse -q --verify HEAD 2>/dev/null)"`,
		`  echo "url $(git -C ${dest} config --get ${quoteShell(`remote.${options.remote}.url`)})"`,
		// A read changes nothing: status would otherwise rewrite the index's stat data where it finds
		// it stale, as it is when the checkout was made within the index's own second (git 2.15 on).
		...(options.bare ? [] : [`  if GIT_OPTIONAL_LOCKS=0 git -C ${dest} status --porcelain --untracked-files=no | grep -q .; then echo mods; fi`]),
		`  echo "local $(git -C ${dest} rev-parse -q --verify ${quoteShell(`${options.version}^{commit}`)} 2>/dev/null)"`,
		'fi',
		`echo ${refsMarker}`,
		`git ls-remote ${quoteShell(options.repo)} 2>"\${TMPDIR:-/tmp}/pb-git-ls.$$" || echo "ls-remote-failed $(tr '\\n' ' ' <"\${TMPDIR:-/tmp}/pb-git-ls.$$")"`,
		'rm -f "${TMPDIR:-/tmp}/pb-git-ls.$$"',
	].join('\n');
}

/** Ansible's switch_version: a branch is checked out (made to track the remote's) and reset to it; a tag or sha detached. */
function checkout(options: GitOptions, target: Target): string[] {
	const remote = quoteShell(options.remote);
	const branch = target.kind === 'head' ? target.branch : target.kind === 'branch' ? options.version : undefined;
	if (branch === undefined) {
		return [`git checkout --force ${quoteShell(target.kind === 'head' ? target.sha : options.version)}`];
	}

	const quoted = quoteShell(branch);
	return [
		`if git show-ref --verify -q ${quoteShell(`refs/heads/${branch}`)}; then`,
		`  git checkout --force ${quoted} && git reset --hard ${quoteShell(`${options.remote}/${branch}`)} --`,
		'else',
		`  git checkout --track -b ${quoted} ${remote}/${quoted}`,
		'fi',
	];
}

/** A shallow clone takes --branch for a branch or tag; Ansible ignores depth for a sha, with a warning. */
export function cloneScript(options: GitOptions, target: Target): string {
	const depth = options.depth !== undefined && target.kind !== 'sha' ? ['--depth', String(options.depth), ...(target.kind === 'head' ? [] : ['--branch', options.version])] : [];
	const clone = ['git', 'clone', ...(options.bare ? ['--bare'] : ['--origin', options.remote]), ...depth, options.repo, options.dest].map(word => quoteShell(word)).join(' ');
	return [
		'set -e',
		preamble(options),
		`mkdir -p ${quoteShell(posix.dirname(options.dest))}`,
		clone,
		...(options.bare ? [] : [`cd ${quoteShell(options.dest)}`, ...checkout(options, target)]),
		`git -C ${quoteShell(options.dest)} rev-parse HEAD`,
	].join('\n');
}

/** Ansible's fetch with depth: only the refs the version needs. */
function fetchRefspecs(options: GitOptions, target: Target): string[] {
	if (options.bare) {
		return ['+refs/heads/*:refs/heads/*', '+refs/tags/*:refs/tags/*'];
	}

	if (options.depth === undefined) {
		return [];
	}

	const branch = target.kind === 'head' ? target.branch : target.kind === 'branch' ? options.version : undefined;
	if (branch !== undefined) {
		return [`+refs/heads/${branch}:refs/remotes/${options.remote}/${branch}`];
	}

	return target.kind === 'tag' ? [`+refs/tags/${options.version}:refs/tags/${options.version}`] : [];
}

export function updateScript(options: GitOptions, target: Target, steps: {readonly setUrl: boolean; readonly reset: boolean}): string {
	const refspecs = fetchRefspecs(options, target);
	const shallow = options.depth !== undefined && refspecs.length > 0 && !options.bare;
	const fetch = ['git', 'fetch', ...(shallow ? ['--depth', String(options.depth)] : options.bare ? [] : ['--tags']), ...(options.force ? ['--force'] : []), options.remote, ...refspecs];
	return [
		'set -e',
		preamble(options),
		`cd ${quoteShell(options.dest)}`,
		...(steps.setUrl ? [`git remote set-url ${quoteShell(options.remote)} ${quoteShell(options.repo)}`] : []),
		...(steps.reset ? ['git reset --hard HEAD'] : []),
		fetch.map(word => quoteShell(word)).join(' '),
		...(options.bare ? [] : checkout(options, target)),
		'git rev-parse HEAD',
	].join('\n');
}
