import mount from '../../../modules/mount/index.js';
import {absent, file, type PlanCase} from './states.js';

const module = mount;
const fstabText = '# static file system information\nUUID=1111 / ext4 errors=remount-ro 0 1\n/swapfile none swap sw 0 0\n';

function state(text: string | undefined, more: {mounted?: boolean; mountedSrc?: string; pathExists?: boolean} = {}) {
	return {
		fstab: text === undefined ? absent('/etc/fstab') : file('/etc/fstab', text),
		mounted: more.mounted ?? false,
		mountedSrc: more.mountedSrc,
		pathExists: more.pathExists ?? false,
	};
}

const tmpfs = {path: '/srv/scratch', src: 'tmpfs', fstype: 'tmpfs', opts: 'size=16m'};
const tmpfsLine = 'tmpfs /srv/scratch tmpfs size=16m 0 0\n';

export const mountCases: PlanCase[] = [
	{
		title: 'mounted: the entry is appended and the path mounted (its directory made), fstab and mount shown',
		module, state: state(fstabText), params: {...tmpfs, state: 'mounted'},
		plan: {
			changed: true, msg: '/srv/scratch: written to /etc/fstab, mounted', steps: {fstab: {text: fstabText + tmpfsLine, before: fstabText}, action: 'mount'},
			diff: [{header: '/etc/fstab', before: fstabText, after: fstabText + tmpfsLine}, {header: '/srv/scratch', before: 'mounted: no\n', after: 'mounted: yes\n'}],
			predicts: [{path: '/etc/fstab', type: 'file'}, {path: '/srv/scratch', type: 'directory'}],
			predictsStates: {'mount /srv/scratch': {mounted: true, src: 'tmpfs'}},
		},
	},
	{
		title: 'mounted: in fstab and mounted already, nothing to do',
		module, state: state(fstabText + tmpfsLine, {mounted: true, mountedSrc: 'tmpfs', pathExists: true}), params: {...tmpfs, state: 'mounted'},
		plan: {changed: false, msg: '/srv/scratch is as wanted in /etc/fstab and mounted', steps: {}},
	},
	{
		title: 'mounted: new options on a mounted path rewrite the line and remount',
		module, state: state(fstabText + tmpfsLine, {mounted: true, pathExists: true}), params: {...tmpfs, opts: 'size=32m', state: 'mounted'},
		plan: {changed: true, msg: '/srv/scratch: written to /etc/fstab, remounted', steps: {fstab: {text: `${fstabText}tmpfs /srv/scratch tmpfs size=32m 0 0\n`}, action: 'remount'}},
	},
	{
		title: 'present: boot false adds noauto; the result says boot no',
		module, state: state(fstabText), params: {path: '/srv/disk', src: '/dev/sdb1', fstype: 'ext4', opts: 'ro', boot: false, state: 'present'},
		plan: {
			changed: true, steps: {fstab: {text: `${fstabText}/dev/sdb1 /srv/disk ext4 ro,noauto 0 0\n`}},
			result: {name: '/srv/disk', src: '/dev/sdb1', fstype: 'ext4', opts: 'ro,noauto', dump: '0', passno: '0', fstab: '/etc/fstab', boot: 'no', backup_file: ''},
		},
	},
	{
		title: 'present: a missing fstab is made',
		module, state: state(undefined), params: {...tmpfs, state: 'present'},
		plan: {changed: true, steps: {fstab: {text: tmpfsLine, before: ''}}, predicts: [{path: '/etc/fstab', type: 'file', mode: 0o644}]},
	},
	{
		title: 'absent: a swap entry goes by its src, on the name none',
		module, state: state(fstabText), params: {path: 'none', src: '/swapfile', fstype: 'swap', state: 'absent'},
		plan: {changed: true, msg: 'none: removed from /etc/fstab', steps: {fstab: {text: '# static file system information\nUUID=1111 / ext4 errors=remount-ro 0 1\n'}}, predicts: [{path: '/etc/fstab'}]},
	},
	{
		title: 'absent: out of fstab, unmounted, the mount point removed',
		module, state: state(fstabText + tmpfsLine, {mounted: true, pathExists: true}), params: {path: '/srv/scratch', state: 'absent'},
		plan: {
			changed: true, msg: '/srv/scratch: removed from /etc/fstab, unmounted, /srv/scratch removed', steps: {fstab: {text: fstabText}, action: 'unmount', removeDir: true},
			predictsStates: {'mount /srv/scratch': {mounted: false, src: undefined}},
		},
	},
	{
		title: 'absent: not in fstab, so a mounted path is left as it is (as Ansible does)',
		module, state: state(fstabText, {mounted: true, pathExists: true}), params: {path: '/srv/scratch', state: 'absent'},
		plan: {changed: false, msg: '/srv/scratch is not in /etc/fstab', steps: {}},
	},
	{
		title: 'unmounted: fstab is left alone',
		module, state: state(fstabText + tmpfsLine, {mounted: true, pathExists: true}), params: {path: '/srv/scratch', state: 'unmounted'},
		plan: {changed: true, msg: '/srv/scratch: unmounted', steps: {action: 'unmount'}, diff: [{header: '/srv/scratch', before: 'mounted: yes\n', after: 'mounted: no\n'}]},
	},
	{
		title: 'remounted: always a change',
		module, state: state(fstabText + tmpfsLine, {mounted: true, pathExists: true}), params: {path: '/srv/scratch', state: 'remounted'},
		plan: {changed: true, msg: '/srv/scratch: remounted', steps: {action: 'remount'}},
	},
	{
		title: 'ephemeral: a path mounted from another source fails rather than mount over it',
		module, state: state(fstabText, {mounted: true, mountedSrc: '/dev/sdb1', pathExists: true}), params: {...tmpfs, state: 'ephemeral'},
		plan: {changed: false, failed: 'Ephemeral mount point is already mounted with a different source than the specified one. Failing in order to prevent an unwanted unmount or override operation. Try replacing this command with a "state: unmounted" followed by a "state: ephemeral", or use a different destination path.'},
	},
	{
		title: 'ephemeral: mounted without fstab',
		module, state: state(fstabText), params: {...tmpfs, state: 'ephemeral'},
		plan: {changed: true, msg: '/srv/scratch: mounted', steps: {action: 'mount'}, predicts: [{path: '/srv/scratch', type: 'directory'}]},
	},
];
