import download from '../../../modules/download/index.js';
import {absent, directory, file, link, source, type PlanCase} from './states.js';

const module = download;
const url = 'http://mirror.lab/containerd/v1.7.22/containerd.tar.gz';
const dest = '/opt/pb/containerd.tar.gz';
const archive = source('archive bytes');
const other = source('older bytes');
const fetched = {cachePath: `/cache/sha256/${archive.sha256}`, sha256: archive.sha256, size: archive.content.length};
const checksum = `sha256:${archive.sha256}`;

export const downloadCases: PlanCase[] = [
	{
		title: 'a new file from the cache: written with its mode, predicted by its hash',
		module, state: {dest: absent(dest), path: dest, expected: archive.sha256, fetched}, params: {url, dest, checksum, mode: '0644'},
		plan: {
			changed: true, msg: `${dest}: new file, 13 bytes, sha256 ${archive.sha256}`,
			diff: [{header: dest, before: '', after: `sha256: ${archive.sha256}\nsize: 13 bytes\nmode: 0644\n`}],
			steps: {path: dest, writeContent: true, cachePath: fetched.cachePath, attributes: {mode: 0o644}},
			predicts: [{path: dest, type: 'file', sha256: archive.sha256, mode: 0o644, owner: undefined, group: undefined}],
			result: {dest, url, via: 'controller', sha256: archive.sha256, size: 13},
		},
	},
	{
		title: 'dest already holds the checksum\'s bytes: unchanged, nothing fetched',
		module, state: {dest: file(dest, 'archive bytes'), path: dest, expected: archive.sha256, fetched: undefined}, params: {url, dest, checksum},
		plan: {changed: false, msg: `${dest} already holds sha256 ${archive.sha256}`, diff: undefined, predicts: undefined},
	},
	{
		title: 'the right bytes with another mode: only the mode changes',
		module, state: {dest: file(dest, 'archive bytes'), path: dest, expected: archive.sha256, fetched: undefined}, params: {url, dest, checksum, mode: '0600'},
		plan: {
			changed: true, msg: `${dest}: mode: 0600`,
			diff: [{header: dest, before: 'mode: 0644\n', after: 'mode: 0600\n'}],
			steps: {writeContent: false, attributes: {mode: 0o600}},
		},
	},
	{
		title: 'other bytes at dest: replaced, the diff shows both hashes, the file keeps its mode',
		module, state: {dest: file(dest, 'older bytes', {mode: 0o640}), path: dest, expected: archive.sha256, fetched}, params: {url, dest, checksum},
		plan: {
			changed: true, msg: `${dest}: replaced, 13 bytes, sha256 ${archive.sha256}`,
			diff: [{header: dest, before: `sha256: ${other.sha256}\nsize: 11 bytes\n`, after: `sha256: ${archive.sha256}\nsize: 13 bytes\n`}],
			predicts: [{path: dest, type: 'file', sha256: archive.sha256, mode: 0o640, owner: 'root', group: 'root'}],
		},
	},
	{
		title: 'no checksum, via controller: the fetched bytes decide, and the same bytes are unchanged',
		module, state: {dest: file(dest, 'archive bytes'), path: dest, expected: undefined, fetched}, params: {url, dest},
		plan: {changed: false, result: {sha256: archive.sha256, size: 13}},
	},
	{
		title: 'via host with a checksum: predicted from the checksum, fetched by the host',
		module, state: {dest: absent(dest), path: dest, expected: archive.sha256, fetched: undefined}, params: {url, dest, checksum, via: 'host'},
		plan: {changed: true, msg: `${dest}: new file, sha256 ${archive.sha256}`, steps: {writeContent: true, cachePath: undefined, sha256: archive.sha256}, unpredictable: undefined},
	},
	{
		title: 'via host without a checksum: check mode cannot know, and says what would let it',
		module, state: {dest: file(dest, 'older bytes'), path: dest, expected: undefined, fetched: undefined}, params: {url, dest, via: 'host'},
		plan: {changed: true, unpredictable: `without a checksum, whether ${dest} changes is known only once the host has fetched ${url}; add checksum: 'sha256:…' to predict it`},
	},
	{
		title: 'a link at dest is replaced by the file',
		module, state: {dest: link(dest, '/srv/old.tgz'), path: dest, expected: archive.sha256, fetched}, params: {url, dest, checksum},
		plan: {changed: true, msg: `${dest}: replaced, 13 bytes, sha256 ${archive.sha256}`, diff: [{header: dest, before: 'link to /srv/old.tgz\n'}]},
	},
	{
		title: 'a missing directory fails with what to do',
		module, state: {dest: absent(dest, false), path: dest, expected: archive.sha256, fetched: undefined}, params: {url, dest, checksum},
		plan: {changed: false, failed: 'directory /opt/pb does not exist on the host; create it first (file: state=directory)'},
	},
	{
		title: 'dest a directory while the URL names no file: fails',
		module, state: {dest: directory('/opt/pb'), path: '/opt/pb', expected: archive.sha256, fetched: undefined}, params: {url: 'http://mirror.lab/latest/', dest: '/opt/pb', checksum},
		plan: {failed: 'dest /opt/pb is a directory; name the file to write (the URL has no file name to put in it)'},
	},
];
