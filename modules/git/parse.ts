/** What the host has at dest, and what the remote offers: the read script's output, parsed. */
export interface GitState {
	/** git is on the host's PATH. */
	readonly hasGit: boolean;
	/** dest holds a repository (its config file is there). */
	readonly cloned: boolean;
	/** The commit checked out (a bare repository's HEAD). */
	readonly before: string | undefined;
	/** The remote's URL as the repository has it. */
	readonly remoteUrl: string | undefined;
	/** Changes to tracked files (untracked files do not count, as in Ansible). */
	readonly localMods: boolean;
	/** `version` resolved in the local repository, for a short sha. */
	readonly localVersion: string | undefined;
	/** The remote's refs, from `git ls-remote`: name -> sha. */
	readonly refs: ReadonlyMap<string, string>;
	/** Why ls-remote failed, when it did. */
	readonly lsRemoteError: string | undefined;
}

export const refsMarker = '--pb-git-refs--';

export function parseGitState(stdout: string): GitState {
	const [head = '', refsText = ''] = stdout.split(`${refsMarker}\n`);
	const lines = head.split('\n');
	const value = (key: string) => {
		const line = lines.find(each => each.startsWith(`${key} `));
		return line === undefined ? undefined : line.slice(key.length + 1).trim() || undefined;
	};

	const refLines = refsText.split('\n').filter(Boolean);
	const failed = refLines.find(line => line.startsWith('ls-remote-failed '));
	const refs = new Map(refLines.filter(line => /^[\da-f]{40,64}\t/.test(line)).map(line => {
		const [sha = '', name = ''] = line.split('\t');
		return [name, sha] as const;
	}));
	return {
		hasGit: !lines.includes('nogit'),
		cloned: lines.includes('cloned'),
		before: value('before'),
		remoteUrl: value('url'),
		localMods: lines.includes('mods'),
		localVersion: value('local'),
		refs,
		lsRemoteError: failed === undefined ? undefined : failed.slice('ls-remote-failed '.length),
	};
}

/** What `version` names on the remote: Ansible's get_remote_head. */
export type Target =
	| {readonly kind: 'head'; readonly sha: string; readonly branch: string | undefined}
	| {readonly kind: 'branch' | 'tag'; readonly sha: string}
	| {readonly kind: 'sha'; readonly sha: string};

export function resolveVersion(version: string, state: GitState): Target | undefined {
	const {refs} = state;
	if (version === 'HEAD') {
		const sha = refs.get('HEAD');
		// The branch HEAD points to: the one whose commit it is (ls-remote shows no symbolic refs).
		const branch = [...refs].find(([name, each]) => name.startsWith('refs/heads/') && each === sha)?.[0].slice('refs/heads/'.length);
		return sha === undefined ? undefined : {kind: 'head', sha, branch};
	}

	const branch = refs.get(`refs/heads/${version}`);
	if (branch !== undefined) {
		return {kind: 'branch', sha: branch};
	}

	// An annotated tag's commit is its peeled ref.
	const tag = refs.get(`refs/tags/${version}^{}`) ?? refs.get(`refs/tags/${version}`);
	if (tag !== undefined) {
		return {kind: 'tag', sha: tag};
	}

	return /^[\da-f]{4,64}$/i.test(version) ? {kind: 'sha', sha: state.localVersion ?? version} : undefined;
}
