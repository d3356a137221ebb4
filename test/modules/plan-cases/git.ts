import git from '../../../modules/git/index.js';
import type {GitState} from '../../../modules/git/parse.js';
import type {PlanCase} from './states.js';

const head = 'a'.repeat(40);
const next = 'b'.repeat(40);
const tag = 'c'.repeat(40);
const refs = new Map([['HEAD', next], ['refs/heads/main', next], ['refs/tags/v1', 'd'.repeat(40)], ['refs/tags/v1^{}', tag]]);
const fresh: GitState = {hasGit: true, cloned: false, before: undefined, remoteUrl: undefined, localMods: false, localVersion: undefined, refs, lsRemoteError: undefined};
const cloned: GitState = {...fresh, cloned: true, before: head, remoteUrl: 'http://m/app.git'};
const repo = 'http://m/app.git';

export const gitCases: PlanCase[] = [
	{
		title: 'no clone yet: clone, after is the remote\'s HEAD, dest predicted',
		module: git, state: fresh, params: {repo, dest: '/srv/app'},
		plan: {changed: true, msg: `/srv/app: clone of ${repo} at ${next}`, result: {before: null, after: next}, predicts: [{path: '/srv/app', type: 'directory'}], diff: [{header: '/srv/app', before: '', after: `${next}\n`}]},
	},
	{
		title: 'an annotated tag: its commit, the peeled ref',
		module: git, state: fresh, params: {repo, dest: '/srv/app', version: 'v1'},
		plan: {result: {after: tag}, steps: {kind: 'clone', target: {kind: 'tag', sha: tag}}},
	},
	{
		title: 'clone: false only reports the remote\'s commit, changed as in Ansible',
		module: git, state: fresh, params: {repo, dest: '/srv/app', clone: false},
		plan: {changed: true, steps: {kind: 'none'}, result: {after: next}},
	},
	{
		title: 'behind the remote: update, before and after',
		module: git, state: cloned, params: {repo, dest: '/srv/app'},
		plan: {changed: true, msg: `/srv/app: ${head} -> ${next}`, result: {before: head, after: next, remote_url_changed: false}, steps: {kind: 'update', setUrl: false, reset: false}},
	},
	{
		title: 'at the remote\'s commit: unchanged',
		module: git, state: {...cloned, before: next}, params: {repo: 'http://m/app.git/', dest: '/srv/app'},
		plan: {changed: false, msg: `/srv/app is at ${next} (HEAD)`, result: {remote_url_changed: false}},
	},
	{
		title: 'another remote URL: changed, the URL set',
		module: git, state: {...cloned, before: next, remoteUrl: 'http://old/app.git'}, params: {repo, dest: '/srv/app'},
		plan: {changed: true, result: {remote_url_changed: true}, steps: {kind: 'update', setUrl: true}},
	},
	{
		title: 'local modifications fail without force, in check mode too',
		module: git, state: {...cloned, localMods: true}, params: {repo, dest: '/srv/app'},
		plan: {failed: 'Local modifications exist in the destination: /srv/app (force=no).'},
	},
	{
		title: 'local modifications with force: reset, changed even at the remote\'s commit',
		module: git, state: {...cloned, before: next, localMods: true}, params: {repo, dest: '/srv/app', force: true},
		plan: {changed: true, msg: '/srv/app: local modifications discarded', steps: {kind: 'update', reset: true}},
	},
	{
		title: 'update: false leaves a clone as it is',
		module: git, state: cloned, params: {repo, dest: '/srv/app', update: false},
		plan: {changed: false, result: {before: head, after: head}},
	},
	{
		title: 'a name the remote does not have, and no sha: fails',
		module: git, state: fresh, params: {repo, dest: '/srv/app', version: 'no-such-branch'},
		plan: {failed: 'Could not determine remote revision for no-such-branch'},
	},
	{
		title: 'no git on the host: fails saying so',
		module: git, state: {...fresh, hasGit: false}, params: {repo, dest: '/srv/app'},
		plan: {failed: 'Failed to find required executable "git": install git on the host first'},
	},
];
