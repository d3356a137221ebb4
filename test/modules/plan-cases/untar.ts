import type {SelectedMember} from '../../../engine/artifacts/member-selection.js';
import untar from '../../../modules/untar/index.js';
import {absent, directory, file, link, source, type PlanCase} from './states.js';

const module = untar;
const src = '/opt/pb/containerd.tar.gz';
const dest = '/usr/local';
const binary = source('containerd binary');

const members: SelectedMember[] = [
	{name: 'bin/', path: 'bin', type: 'directory', mode: 0o755, size: 0},
	{name: 'bin/containerd', path: 'bin/containerd', type: 'file', mode: 0o755, size: binary.content.length, sha256: binary.sha256},
	{name: 'bin/ctr-link', path: 'bin/ctr-link', type: 'link', mode: 0o777, size: 0, linkTarget: 'containerd'},
];

/** dest as it is when a run already extracted the archive. */
const extracted = [
	directory('/usr/local/bin'),
	file('/usr/local/bin/containerd', 'containerd binary', {mode: 0o755}),
	link('/usr/local/bin/ctr-link', 'containerd'),
];

const read = (present: unknown[], destState: unknown = directory(dest)) => ({kind: 'read', dest: destState, members, present});

export const untarCases: PlanCase[] = [
	{
		title: 'into a missing dest with create_dest: every member written, dest and members predicted',
		module, state: read(members.map(member => absent(`${dest}/${member.path}`, false)), absent(dest)), params: {src, dest, create_dest: true},
		plan: {
			changed: true, msg: `${dest}: 3 of 3 members of ${src} written: bin, bin/containerd, bin/ctr-link`,
			diff: [{header: dest, before: '', after: `bin/ 0755\nbin/containerd 0755 17 bytes sha256:${binary.sha256.slice(0, 16)}\nbin/ctr-link -> containerd\n`}],
			steps: {createDest: true, names: ['bin/containerd', 'bin/ctr-link']},
			predicts: [
				{path: dest, type: 'directory'},
				{path: '/usr/local/bin', type: 'directory', mode: 0o755, owner: undefined, group: undefined, sha256: undefined},
				{path: '/usr/local/bin/containerd', type: 'file', mode: 0o755, owner: undefined, group: undefined, sha256: binary.sha256},
				{path: '/usr/local/bin/ctr-link', type: 'link', mode: undefined, owner: undefined, group: undefined, sha256: undefined},
			],
		},
	},
	{
		title: 'dest holds every member already: unchanged',
		module, state: read(extracted), params: {src, dest},
		plan: {changed: false, msg: `${dest} already holds the 3 members of ${src}`, diff: undefined, predicts: undefined},
	},
	{
		title: 'one file with other bytes: only it is written, its before and after shown',
		module, state: read([extracted[0], file('/usr/local/bin/containerd', 'old', {mode: 0o755}), extracted[2]]), params: {src, dest},
		plan: {
			changed: true, msg: `${dest}: 1 of 3 members of ${src} written: bin/containerd`,
			diff: [{header: dest, before: `bin/containerd 0755 3 bytes sha256:${source('old').sha256.slice(0, 16)}\n`, after: `bin/containerd 0755 17 bytes sha256:${binary.sha256.slice(0, 16)}\n`}],
			steps: {names: ['bin/containerd'], createDest: false},
		},
	},
	{
		title: 'a mode asked for: members with another mode are written, links are not',
		module, state: read(extracted), params: {src, dest, mode: '0700'},
		plan: {changed: true, msg: `${dest}: 2 of 3 members of ${src} written: bin, bin/containerd`, steps: {attributes: {mode: 0o700}}},
	},
	{
		title: 'an owner asked for: every member owned by another is written',
		module, state: read(extracted), params: {src, dest, owner: 'root', group: 'containerd'},
		plan: {changed: true, msg: `${dest}: 3 of 3 members of ${src} written: bin, bin/containerd, bin/ctr-link`},
	},
	{
		title: 'a link pointing elsewhere is replaced',
		module, state: read([extracted[0], extracted[1], link('/usr/local/bin/ctr-link', '/opt/old')]), params: {src, dest},
		plan: {changed: true, diff: [{header: dest, before: 'bin/ctr-link -> /opt/old\n', after: 'bin/ctr-link -> containerd\n'}]},
	},
	{
		title: 'a directory where the archive has a file: fails with what to do',
		module, state: read([extracted[0], directory('/usr/local/bin/containerd'), extracted[2]]), params: {src, dest},
		plan: {changed: false, failed: '/usr/local/bin/containerd is a directory on the host where the archive has a file; remove it, or extract elsewhere'},
	},
	{
		title: 'a missing dest without create_dest fails',
		module, state: read([], absent(dest)), params: {src, dest},
		plan: {failed: `dest ${dest} does not exist on the host; create it first, or set create_dest: true`},
	},
	{
		title: 'creates exists: unchanged',
		module, state: {kind: 'created-before', creates: '/usr/local/bin/containerd'}, params: {src, dest, creates: '/usr/local/bin/containerd'},
		plan: {changed: false, msg: `/usr/local/bin/containerd exists, so ${src} is not extracted`},
	},
	{
		title: 'check mode without the archive\'s bytes: unpredictable, with the reason',
		module, state: {kind: 'unpredictable', reason: 'no archive in the cache'}, params: {src, dest},
		plan: {changed: true, unpredictable: 'no archive in the cache'},
	},
];
