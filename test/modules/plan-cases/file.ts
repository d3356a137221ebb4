import fileModule from '../../../modules/file.js';
import {absent, directory, file, link, type PlanCase} from './states.js';

const path = '/srv/data';
const module = fileModule;

export const fileCases: PlanCase[] = [
	{
		title: 'directory: a missing directory is created with its mode',
		module, state: {path: absent(path)}, params: {path, state: 'directory', mode: '0750'},
		plan: {
			changed: true, msg: '/srv/data: directory created, mode: 0750',
			diff: [{header: path, before: 'state: absent\n', after: 'state: directory\nmode: 0750\n'}],
			steps: [{kind: 'mkdir', parents: undefined}, {kind: 'attributes', attributes: {mode: 0o750}, recurse: false, ofLink: false}],
		},
	},
	{
		title: 'directory: the directories made above a missing one get its attributes too',
		module, state: {path: absent(path, false)}, params: {path, state: 'directory', mode: '0750'},
		plan: {
			changed: true, msg: '/srv/data: directory created, mode: 0750',
			steps: [{kind: 'mkdir', parents: {mode: 0o750, owner: undefined, group: undefined}}, {kind: 'attributes', attributes: {mode: 0o750}, recurse: false, ofLink: false}],
		},
	},
	{
		title: 'directory: without attributes only mkdir runs',
		module, state: {path: absent(path)}, params: {path, state: 'directory'},
		plan: {changed: true, msg: '/srv/data: directory created', steps: [{kind: 'mkdir'}]},
	},
	{
		title: 'directory: an existing one with the same mode is left alone',
		module, state: {path: directory(path)}, params: {path, state: 'directory', mode: 0o755},
		plan: {changed: false, msg: '/srv/data is already as wanted (directory)', steps: []},
	},
	{
		title: 'directory: only the attributes that differ change',
		module, state: {path: directory(path, {mode: 0o700})}, params: {path, state: 'directory', mode: '0755', owner: 'root'},
		plan: {
			changed: true, msg: '/srv/data: mode: 0755',
			diff: [{header: path, before: 'state: directory\nmode: 0700\n', after: 'state: directory\nmode: 0755\n'}],
			steps: [{kind: 'attributes', attributes: {mode: 0o755}, recurse: false, ofLink: false}],
		},
	},
	{
		title: 'directory: a file in the way fails with what to do',
		module, state: {path: file(path, 'x')}, params: {path, state: 'directory'},
		plan: {changed: false, failed: '/srv/data exists and is a file, not a directory; remove it first (state: absent)'},
	},
	{
		title: 'directory, recurse: entries beneath that differ are set recursively',
		module, state: {path: directory(path, {differingBeneath: 3})}, params: {path, state: 'directory', recurse: true, owner: 'app'},
		plan: {changed: true, msg: '/srv/data: owner: app (recursively)', steps: [{kind: 'attributes', attributes: {owner: 'app'}, recurse: true, ofLink: false}]},
	},
	{
		title: 'directory, recurse: nothing differs beneath or on it, nothing to do',
		module, state: {path: directory(path, {differingBeneath: 0})}, params: {path, state: 'directory', recurse: true, owner: 'root'},
		plan: {changed: false, steps: []},
	},
	{
		title: 'absent: an existing directory is removed',
		module, state: {path: directory(path)}, params: {path, state: 'absent'},
		plan: {changed: true, msg: '/srv/data: removed', diff: [{header: path, before: 'state: directory\n', after: 'state: absent\n'}], steps: [{kind: 'remove'}]},
	},
	{
		title: 'absent: nothing there, nothing to do',
		module, state: {path: absent(path)}, params: {path, state: 'absent'},
		plan: {changed: false, msg: '/srv/data is already absent'},
	},
	{
		title: 'file: a missing file fails (file does not create)',
		module, state: {path: absent(path)}, params: {path, state: 'file'},
		plan: {failed: '/srv/data does not exist; state: file only changes an existing file (use state: touch to create an empty one, or copy)'},
	},
	{
		title: 'state unset on a directory acts on the directory',
		module, state: {path: directory(path)}, params: {path, group: 'adm'},
		plan: {changed: true, steps: [{kind: 'attributes', attributes: {group: 'adm'}, recurse: false, ofLink: false}], result: {path, state: 'directory'}},
	},
	{
		title: 'touch: an existing file is always touched (its times change)',
		module, state: {path: file(path, '')}, params: {path, state: 'touch'},
		plan: {changed: true, msg: '/srv/data: touched', steps: [{kind: 'touch'}]},
	},
	{
		title: 'touch: a missing directory fails',
		module, state: {path: absent('/no/such/file', false)}, params: {path: '/no/such/file', state: 'touch'},
		plan: {failed: 'directory /no/such does not exist; create it first (state: directory)'},
	},
	{
		title: 'link: a missing link is made',
		module, state: {path: absent(path), src: directory('/data')}, params: {path, state: 'link', src: '/data'},
		plan: {
			changed: true, msg: '/srv/data: link to /data',
			diff: [{header: path, before: 'state: absent\n', after: 'state: link\nsrc: /data\n'}],
			steps: [{kind: 'symlink', src: '/data', replaces: false}],
		},
	},
	{
		title: 'link: the same target is left alone',
		module, state: {path: link(path, '/data'), src: directory('/data')}, params: {path, state: 'link', src: '/data'},
		plan: {changed: false},
	},
	{
		title: 'link: another target is replaced, the diff shows both',
		module, state: {path: link(path, '/old'), src: directory('/data')}, params: {path, state: 'link', src: '/data', owner: 'app'},
		plan: {
			changed: true,
			diff: [{header: path, before: 'state: link\nsrc: /old\nowner: root\n', after: 'state: link\nsrc: /data\nowner: app\n'}],
			steps: [{kind: 'symlink', src: '/data', replaces: true}, {kind: 'attributes', attributes: {owner: 'app'}, recurse: false, ofLink: true}],
		},
	},
	{
		title: 'link: a file in the way needs force',
		module, state: {path: file(path, 'x'), src: directory('/data')}, params: {path, state: 'link', src: '/data'},
		plan: {failed: '/srv/data exists as a file; force: true replaces it with a link'},
	},
	{
		title: 'link: with force a file in the way is replaced',
		module, state: {path: file(path, 'x'), src: directory('/data')}, params: {path, state: 'link', src: '/data', force: true},
		plan: {changed: true, steps: [{kind: 'symlink', src: '/data', replaces: true}]},
	},
	{
		title: 'link: a src that does not exist needs force',
		module, state: {path: absent(path), src: absent('/gone')}, params: {path, state: 'link', src: '/gone'},
		plan: {failed: 'src /gone does not exist (relative to the link\'s directory); force: true makes a dangling link'},
	},
	{
		title: 'hard: the same inode is left alone',
		module, state: {path: file(path, 'x', {inode: '2049:7'}), src: file('/a', 'x', {inode: '2049:7'})}, params: {path, state: 'hard', src: '/a'},
		plan: {changed: false},
	},
	{
		title: 'hard: a missing path is linked',
		module, state: {path: absent(path), src: file('/a', 'x')}, params: {path, state: 'hard', src: '/a'},
		plan: {changed: true, steps: [{kind: 'hardlink', src: '/a', replaces: false}], diff: [{header: path, before: 'state: absent\n', after: 'state: hard\nsrc: /a\n'}]},
	},
];
