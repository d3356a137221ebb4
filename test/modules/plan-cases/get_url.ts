import getUrl from '../../../modules/get_url.js';
import {absent, directory, file, source, type PlanCase} from './states.js';

const module = getUrl;
const url = 'http://mirror.lab/releases/tool.tgz';
const dest = '/opt/tool.tgz';
const archive = source('archive bytes');
const fetched = {cachePath: `/cache/sha256/${archive.sha256}`, sha256: archive.sha256, size: 13, elapsed: 0};
const sums = {src: 'a1'.repeat(20), md5: 'b2'.repeat(16), dest: undefined};
const checksum = `sha256:${archive.sha256}`;

export const getUrlCases: PlanCase[] = [
	{
		title: 'a new file: written with its mode; Ansible\'s sums, status and message registered',
		module, state: {download: {dest: absent(dest), path: dest, expected: archive.sha256, fetched}, sums}, params: {url, dest, checksum, mode: '0640'},
		plan: {
			changed: true, msg: `${dest}: new file, 13 bytes, sha256 ${archive.sha256}`,
			steps: {path: dest, writeContent: true, cachePath: fetched.cachePath, attributes: {mode: 0o640}},
			result: {dest, url, checksum_src: sums.src, checksum_dest: null, md5sum: sums.md5, status_code: 200, msg: 'OK (13 bytes)', size: 13, mode: '0640', state: 'file', elapsed: 0},
		},
	},
	{
		title: 'dest matches the checksum: unchanged, nothing fetched, Ansible\'s "file already exists"',
		module, state: {download: {dest: file(dest, 'archive bytes'), path: dest, expected: archive.sha256, fetched: undefined}, sums: undefined}, params: {url, dest, checksum},
		plan: {changed: false, msg: 'file already exists', result: {checksum_src: null, checksum_dest: null, msg: 'file already exists', mode: '0644', owner: 'root'}},
	},
	{
		title: 'dest matches but its mode differs: only the mode changes',
		module, state: {download: {dest: file(dest, 'archive bytes'), path: dest, expected: archive.sha256, fetched: undefined}, sums: undefined}, params: {url, dest, checksum, mode: '0600'},
		plan: {changed: true, steps: {writeContent: false, attributes: {mode: 0o600}}, result: {msg: 'file already exists but file attributes changed', mode: '0600'}},
	},
	{
		title: 'force: false, no checksum, dest exists: kept as it is, nothing fetched',
		module, state: {download: {dest: file(dest, 'mine'), path: dest, expected: undefined, fetched: undefined}, sums: undefined}, params: {url, dest},
		plan: {changed: false, msg: 'file already exists', diff: undefined},
	},
	{
		title: 'force: true, no checksum, the same bytes fetched: unchanged, with Ansible\'s OK message',
		module, state: {download: {dest: file(dest, 'archive bytes'), path: dest, expected: undefined, fetched}, sums: {...sums, dest: sums.src}}, params: {url, dest, force: true},
		plan: {changed: false, msg: 'OK (13 bytes)', result: {checksum_dest: sums.src, checksum_src: sums.src, status_code: 200}},
	},
	{
		title: 'dest is a directory without the URL\'s file name: fails saying what to name',
		module, state: {download: {dest: directory('/opt/tool.tgz'), path: '/opt/tool.tgz', expected: archive.sha256, fetched: undefined}, sums: undefined}, params: {url, dest: '/opt/tool.tgz', checksum},
		plan: {changed: false, failed: 'dest /opt/tool.tgz is a directory; name the file to write (the URL has no file name to put in it)'},
	},
];
