import type {SelectedMember} from '../../../engine/artifacts/member-selection.js';
import unarchive from '../../../modules/unarchive.js';
import {absent, directory, file, source, type PlanCase} from './states.js';

const module = unarchive;
const dest = '/opt/tool';
const binary = source('toold');
const archive = {kind: 'controller', path: '/play/files/tool.zip', cachePath: '/cache/sha256/abc', sha256: 'abc'};

const members: SelectedMember[] = [
	{name: 'bin/', path: 'bin', type: 'directory', mode: 0o755, size: 0},
	{name: 'bin/toold', path: 'bin/toold', type: 'file', mode: 0o755, size: binary.content.length, sha256: binary.sha256},
];

const read = (present: unknown[], format = 'zip') => ({archive, extract: {kind: 'read', format, dest: directory(dest), members, present, names: ['bin/', 'bin/toold']}});

export const unarchiveCases: PlanCase[] = [
	{
		title: 'a zip from the controller into an empty dest: every member written, Ansible\'s handler and list registered',
		module, state: read([absent('/opt/tool/bin'), absent('/opt/tool/bin/toold', false)]), params: {src: 'tool.zip', dest, list_files: true},
		plan: {
			changed: true, msg: `${dest}: 2 of 2 members of tool.zip written: bin, bin/toold`,
			steps: {archive, extract: {format: 'zip', createDest: false, names: ['bin/toold']}},
			result: {dest, src: 'tool.zip', handler: 'ZipArchive', files: ['bin/', 'bin/toold'], state: 'directory', mode: '0755', owner: 'root'},
		},
	},
	{
		title: 'dest holds every member: unchanged; a gzip tar is Ansible\'s TgzArchive',
		module, state: read([directory('/opt/tool/bin'), file('/opt/tool/bin/toold', 'toold', {mode: 0o755})], 'gzip'), params: {src: 'tool.tgz', dest},
		plan: {changed: false, result: {handler: 'TgzArchive'}},
	},
	{
		title: 'keep_newer: a file on the host newer than the archive\'s is kept',
		module,
		state: {archive, extract: {...read([]).extract, members: [{...members[1], mtime: 1_600_000_000}], present: [file('/opt/tool/bin/toold', 'mine', {mtime: 1_700_000_000})]}},
		params: {src: 'tool.zip', dest, keep_newer: true},
		plan: {changed: false},
	},
	{
		title: 'creates exists: skipped, in Ansible\'s words',
		module, state: {archive, extract: {kind: 'created-before', creates: '/opt/tool/bin/toold'}}, params: {src: 'tool.zip', dest, creates: '/opt/tool/bin/toold'},
		plan: {changed: false, skipped: 'skipped, since /opt/tool/bin/toold exists'},
	},
	{
		title: 'a missing dest fails: unarchive never creates it',
		module, state: {archive, extract: {...read([]).extract, dest: absent(dest), present: [absent('/opt/tool/bin', false), absent('/opt/tool/bin/toold', false)]}}, params: {src: 'tool.zip', dest},
		plan: {failed: `dest ${dest} does not exist on the host; unarchive extracts into an existing directory: create it first (file: state=directory)`},
	},
];
