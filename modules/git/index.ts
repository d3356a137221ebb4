import {posix} from 'node:path';
import {defineModule, type Plan} from '../../engine/module.js';
import {parseGitState, resolveVersion, type GitState, type Target} from './parse.js';
import {cloneScript, readScript, updateScript, type GitOptions} from './script.js';

/*
 * git: a checkout of a repository's version at dest, as Ansible's git module keeps it. Read
 * asks the remote (ls-remote) for the commit the version names, so check mode predicts `after`
 * as Ansible's does; a real run clones, or fetches and checks out.
 */

type Steps =
	| {readonly kind: 'clone'; readonly target: Target}
	| {readonly kind: 'update'; readonly target: Target; readonly setUrl: boolean; readonly reset: boolean}
	| {readonly kind: 'none'};

/** Ansible's unfrackgitpath: URLs that differ only by a trailing slash or .git name one repository. */
function sameRepo(a: string, b: string): boolean {
	const normal = (url: string) => url.replace(/\/+$/, '').replace(/\.git$/, '');
	return normal(a) === normal(b);
}

/** An absolute path names a local repository: Ansible makes it file:// so that depth works. */
function repoUrl(repo: string): string {
	return repo.startsWith('/') ? `file://${repo}` : repo;
}

function sshCommand(params: {accept_hostkey: boolean; accept_newhostkey: boolean; key_file?: string | undefined; ssh_opts?: string | undefined}): string | undefined {
	const options = [
		...(params.ssh_opts === undefined ? [] : [params.ssh_opts]),
		...(params.accept_hostkey ? ['-o StrictHostKeyChecking=no'] : params.accept_newhostkey ? ['-o StrictHostKeyChecking=accept-new'] : []),
		...(params.key_file === undefined ? [] : [`-i ${params.key_file} -o IdentitiesOnly=yes`]),
	];
	return options.length === 0 ? undefined : `ssh ${options.join(' ')}`;
}

function diffOf(dest: string, before: string | undefined, after: string): Plan<Steps>['diff'] {
	return [{header: dest, before: before === undefined ? '' : `${before}\n`, after: `${after}\n`}];
}

export default defineModule({
	name: 'git',
	summary: 'Keeps a checkout of a git repository\'s branch, tag or commit at dest (git on the host)',
	params: {
		repo: {type: 'str', required: true, aliases: ['name'], description: 'The repository: a URL, or a path on the host'},
		dest: {type: 'path', required: true, description: 'Where the checkout is (made, with its parent folders, when absent)'},
		version: {type: 'str', default: 'HEAD', description: 'A branch, a tag or a commit sha; HEAD is the remote\'s default branch'},
		remote: {type: 'str', default: 'origin', description: 'The name of the remote'},
		depth: {type: 'int', minimum: 1, description: 'A shallow clone of this many commits (for HEAD, a branch or a tag)'},
		force: {type: 'bool', default: false, description: 'Discard changes to tracked files at dest; without it they fail the task'},
		update: {type: 'bool', default: true, description: 'Fetch and check out the version when dest is a clone already; false leaves it as it is'},
		clone: {type: 'bool', default: true, description: 'Clone when dest is no repository; false only reports what the remote has'},
		bare: {type: 'bool', default: false, description: 'A bare repository at dest, no working tree'},
		accept_hostkey: {type: 'bool', default: false, description: 'Accept an ssh repository\'s unknown host key (StrictHostKeyChecking=no)'},
		accept_newhostkey: {type: 'bool', default: false, description: 'Accept an unknown host key, never a changed one (StrictHostKeyChecking=accept-new)'},
		key_file: {type: 'path', description: 'The ssh private key on the host for an ssh repository'},
		ssh_opts: {type: 'str', description: 'More ssh options for an ssh repository'},
	},
	rules: {mutually_exclusive: [['accept_hostkey', 'accept_newhostkey']]},
	example: '- git:\n    repo: https://git.example.com/ops/cluster-config.git\n    dest: /opt/cluster-config\n    version: v1.4.0\n    depth: 1',
	async read(ctx, params): Promise<GitState> {
		const options = gitOptions(params);
		const result = await ctx.run(readScript(options));
		if (result.code !== 0) {
			throw new Error(`git: cannot read ${params.dest} on ${ctx.host}: ${result.stderr.trim()}`);
		}

		return parseGitState(result.stdout);
	},
	plan(state, params): Plan<Steps> {
		const none = {kind: 'none'} as const;
		if (!state.hasGit) {
			return {changed: false, msg: '', steps: none, failed: 'Failed to find required executable "git": install git on the host first'};
		}

		const {dest} = params;
		if (state.cloned && !params.update) {
			return {changed: false, msg: `${dest} is a clone already (update: false)`, steps: none, result: {before: state.before ?? null, after: state.before ?? null}};
		}

		if (state.lsRemoteError !== undefined) {
			return {changed: false, msg: '', steps: none, failed: `Failed to ask ${params.repo} for its refs: ${state.lsRemoteError.trim()}`};
		}

		const target = resolveVersion(params.version, state);
		if (target === undefined) {
			return {changed: false, msg: '', steps: none, failed: `Could not determine remote revision for ${params.version}`};
		}

		if (!state.cloned) {
			const result = {before: null, after: target.sha};
			if (!params.clone) {
				return {changed: true, msg: `${params.repo} has ${target.sha} (clone: false)`, steps: none, result};
			}

			return {
				changed: true,
				msg: `${dest}: clone of ${params.repo} at ${target.sha}`,
				steps: {kind: 'clone', target},
				result,
				diff: diffOf(dest, undefined, target.sha),
				predicts: [{path: dest, type: 'directory'}],
			};
		}

		const before = state.before ?? null;
		if (state.localMods && !params.force) {
			return {changed: false, msg: '', steps: none, failed: `Local modifications exist in the destination: ${dest} (force=no).`, result: {before}};
		}

		const remoteUrlChanged = state.remoteUrl !== undefined && state.remoteUrl !== repoUrl(params.repo) && !sameRepo(state.remoteUrl, repoUrl(params.repo));
		const reset = state.localMods && params.force;
		const result = {before, after: target.sha, remote_url_changed: remoteUrlChanged};
		if (before === target.sha && !remoteUrlChanged && !reset) {
			return {changed: false, msg: `${dest} is at ${target.sha} (${params.version})`, steps: none, result};
		}

		const changes = [before === target.sha ? undefined : `${before ?? 'nothing'} -> ${target.sha}`, remoteUrlChanged ? `remote ${params.remote} set to ${params.repo}` : undefined, reset ? 'local modifications discarded' : undefined].filter(Boolean);
		return {
			changed: true,
			msg: `${dest}: ${changes.join(', ')}`,
			steps: {kind: 'update', target, setUrl: remoteUrlChanged, reset},
			result,
			diff: diffOf(dest, before ?? undefined, target.sha),
		};
	},
	async apply(ctx, params, plan) {
		const {steps} = plan;
		if (steps.kind === 'none') {
			return {};
		}

		const options = gitOptions(params);
		const script = steps.kind === 'clone' ? cloneScript(options, steps.target) : updateScript(options, steps.target, steps);
		const run = await ctx.run(script);
		if (run.code !== 0) {
			return {failed: `git ${steps.kind === 'clone' ? 'clone' : 'update'} of ${params.dest} failed: ${run.stderr.trim().split('\n').slice(-3).join(' ')}`};
		}

		const after = run.stdout.trim().split('\n').at(-1) ?? '';
		return {result: {...plan.result, after}};
	},
});

function gitOptions(params: {repo: string; dest: string; remote: string; version: string; bare: boolean; depth?: number | undefined; force: boolean; accept_hostkey: boolean; accept_newhostkey: boolean; key_file?: string | undefined; ssh_opts?: string | undefined}): GitOptions {
	return {
		repo: repoUrl(params.repo),
		dest: posix.normalize(params.dest),
		remote: params.remote,
		version: params.version,
		bare: params.bare,
		depth: params.depth,
		force: params.force,
		sshCommand: sshCommand(params),
	};
}
