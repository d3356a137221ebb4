import test from 'ava';
import {parseGitState, refsMarker, resolveVersion} from '../../modules/git/parse.js';

const sha = (char: string) => char.repeat(40);

const output = [
	'cloned',
	`before ${sha('a')}`,
	'url http://mirror/app.git',
	'mods',
	'local ',
	refsMarker,
	`${sha('b')}\tHEAD`,
	`${sha('c')}\trefs/heads/dev`,
	`${sha('b')}\trefs/heads/main`,
	`${sha('d')}\trefs/tags/v1`,
	`${sha('e')}\trefs/tags/v1^{}`,
	`${sha('f')}\trefs/tags/v2`,
	'',
].join('\n');

test('the read script\'s output: the clone\'s state and the remote\'s refs', t => {
	const state = parseGitState(output);
	t.like(state, {hasGit: true, cloned: true, before: sha('a'), remoteUrl: 'http://mirror/app.git', localMods: true, localVersion: undefined, lsRemoteError: undefined});
	t.is(state.refs.size, 6);
	t.deepEqual(parseGitState('nogit\n'), {hasGit: false, cloned: false, before: undefined, remoteUrl: undefined, localMods: false, localVersion: undefined, refs: new Map(), lsRemoteError: undefined});
	t.is(parseGitState(`${refsMarker}\nls-remote-failed fatal: repository 'http://x/' not found \n`).lsRemoteError, 'fatal: repository \'http://x/\' not found ');
});

test('a version resolves as Ansible\'s get_remote_head: HEAD and its branch, a branch, a tag peeled, else a sha', t => {
	const state = parseGitState(output);
	t.deepEqual(resolveVersion('HEAD', state), {kind: 'head', sha: sha('b'), branch: 'main'});
	t.deepEqual(resolveVersion('dev', state), {kind: 'branch', sha: sha('c')});
	t.deepEqual(resolveVersion('v1', state), {kind: 'tag', sha: sha('e')}, 'an annotated tag names its commit');
	t.deepEqual(resolveVersion('v2', state), {kind: 'tag', sha: sha('f')});
	t.deepEqual(resolveVersion('1234abcd', state), {kind: 'sha', sha: '1234abcd'});
	t.deepEqual(resolveVersion('1234abcd', {...state, localVersion: sha('9')}), {kind: 'sha', sha: sha('9')}, 'a short sha the clone knows: its full sha');
	t.is(resolveVersion('no-such', state), undefined);
});
