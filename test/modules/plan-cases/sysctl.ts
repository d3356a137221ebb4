import sysctl from '../../../modules/sysctl.js';
import {absent, directory, file, type PlanCase} from './states.js';

const module = sysctl;
const conf = '/etc/sysctl.d/99-pb.conf';
const forward = '/proc/sys/net/ipv4/ip_forward';
const ports = '/proc/sys/net/ipv4/ip_local_port_range';

/** A /proc/sys key as readFileStates reads it: a file whose content is the live value. */
function live(path: string, value: string) {
	return file(path, `${value}\n`, {mode: 0o644});
}

export const sysctlCases: PlanCase[] = [
	{
		title: 'a new key: set live and written to a new file, both shown key by key',
		module, state: {live: live(forward, '0'), file: absent(conf)}, params: {name: 'net.ipv4.ip_forward', value: '1'},
		plan: {
			changed: true, msg: `net.ipv4.ip_forward = 1: set live, written to ${conf}`,
			diff: [{header: 'net.ipv4.ip_forward (live)', before: 'net.ipv4.ip_forward = 0\n', after: 'net.ipv4.ip_forward = 1\n'}, {header: conf, before: '', after: 'net.ipv4.ip_forward = 1\n'}],
			steps: {live: {path: forward, value: '1'}, file: {path: conf, text: 'net.ipv4.ip_forward = 1\n', isNew: true}},
			predicts: [{path: forward, type: 'file', content: Buffer.from('1\n')}, {path: conf, type: 'file', mode: 0o644}],
		},
	},
	{
		title: 'live and persisted already: unchanged',
		module, state: {live: live(forward, '1'), file: file(conf, 'net.ipv4.ip_forward=1\n')}, params: {name: 'net.ipv4.ip_forward', value: '1'},
		plan: {changed: false, msg: `net.ipv4.ip_forward is 1 live and in ${conf}`, steps: {}},
	},
	{
		title: 'whitespace is normalised: a tab in /proc and spaces in the file match \'a b\'',
		module, state: {live: live(ports, '1024\t65000'), file: file(conf, 'net.ipv4.ip_local_port_range =  1024\t 65000\n')}, params: {name: 'net.ipv4.ip_local_port_range', value: '1024 65000'},
		plan: {changed: false, steps: {}},
	},
	{
		title: 'yes means 1',
		module, state: {live: live(forward, '1'), file: file(conf, 'net.ipv4.ip_forward = 1\n')}, params: {name: 'net.ipv4.ip_forward', value: 'yes'},
		plan: {changed: false},
	},
	{
		title: 'the file is edited in place: comments, other keys and the line\'s own spacing kept',
		module, state: {live: live(forward, '1'), file: file('/etc/sysctl.conf', '# routing\nnet.ipv4.ip_forward = 0\n; other\nvm.swappiness=10\n')},
		params: {name: 'net.ipv4.ip_forward', value: '1', sysctl_file: '/etc/sysctl.conf'},
		plan: {
			changed: true, msg: 'net.ipv4.ip_forward = 1: written to /etc/sysctl.conf',
			diff: [{header: '/etc/sysctl.conf', before: '# routing\nnet.ipv4.ip_forward = 0\n; other\nvm.swappiness=10\n', after: '# routing\nnet.ipv4.ip_forward = 1\n; other\nvm.swappiness=10\n'}],
			steps: {file: {path: '/etc/sysctl.conf', text: '# routing\nnet.ipv4.ip_forward = 1\n; other\nvm.swappiness=10\n', isNew: false}},
		},
	},
	{
		title: 'a key set twice in the file is set on both lines; a commented-out one is left alone',
		module, state: {live: live(forward, '1'), file: file(conf, '#net.ipv4.ip_forward=1\nnet.ipv4.ip_forward=0\n-net.ipv4.ip_forward = 0')},
		params: {name: 'net.ipv4.ip_forward', value: '1'},
		plan: {changed: true, steps: {file: {path: conf, text: '#net.ipv4.ip_forward=1\nnet.ipv4.ip_forward=1\n-net.ipv4.ip_forward = 1\n', isNew: false}}},
	},
	{
		title: 'a key appended to a file without a final newline',
		module, state: {live: live(forward, '1'), file: file(conf, 'vm.swappiness = 10')}, params: {name: 'net.ipv4.ip_forward', value: '1'},
		plan: {changed: true, steps: {file: {path: conf, text: 'vm.swappiness = 10\nnet.ipv4.ip_forward = 1\n', isNew: false}}},
	},
	{
		title: 'persisted but not live: only the live value is set',
		module, state: {live: live(forward, '0'), file: file(conf, 'net.ipv4.ip_forward = 1\n')}, params: {name: 'net.ipv4.ip_forward', value: '1'},
		plan: {changed: true, msg: 'net.ipv4.ip_forward = 1: set live', steps: {live: {path: forward, value: '1'}}},
	},
	{
		title: 'reload: false leaves the live value alone',
		module, state: {live: live(forward, '0'), file: file(conf, 'net.ipv4.ip_forward = 1\n')}, params: {name: 'net.ipv4.ip_forward', value: '1', reload: false},
		plan: {changed: false, msg: `net.ipv4.ip_forward is 1 in ${conf}`},
	},
	{
		title: 'a key the kernel lacks fails with what to do',
		module, state: {live: absent('/proc/sys/fs/may_detach_mounts'), file: absent(conf)}, params: {name: 'fs.may_detach_mounts', value: '1'},
		plan: {
			changed: false,
			failed: `fs.may_detach_mounts does not exist on this host's kernel (no /proc/sys/fs/may_detach_mounts): the key was removed from recent kernels, or the module providing it is not loaded; set ignore_missing: true to only persist it in ${conf}`,
		},
	},
	{
		title: 'ignore_missing: a key the kernel lacks is only persisted',
		module, state: {live: absent('/proc/sys/fs/may_detach_mounts'), file: absent(conf)}, params: {name: 'fs.may_detach_mounts', value: '1', ignore_missing: true},
		plan: {changed: true, msg: `fs.may_detach_mounts = 1: written to ${conf}`, steps: {file: {path: conf, text: 'fs.may_detach_mounts = 1\n', isNew: true}}},
	},
	{
		title: 'absent removes the key\'s lines and keeps the rest; the live value stays',
		module, state: {live: live(forward, '1'), file: file(conf, '# keep\nnet.ipv4.ip_forward = 1\nvm.swappiness = 10\n')}, params: {name: 'net.ipv4.ip_forward', state: 'absent'},
		plan: {changed: true, msg: `net.ipv4.ip_forward: removed from ${conf}`, steps: {file: {path: conf, text: '# keep\nvm.swappiness = 10\n', isNew: false}}},
	},
	{
		title: 'absent from a missing file: nothing to do',
		module, state: {live: live(forward, '1'), file: absent(conf)}, params: {name: 'net.ipv4.ip_forward', state: 'absent'},
		plan: {changed: false, msg: `net.ipv4.ip_forward is not in ${conf}`},
	},
	{
		title: 'a missing directory for the file fails with what to do',
		module, state: {live: live(forward, '1'), file: absent('/etc/sysctl.d/99-pb.conf', false)}, params: {name: 'net.ipv4.ip_forward', value: '1'},
		plan: {failed: 'directory /etc/sysctl.d does not exist on the host; create it first (file: state=directory), or choose another sysctl_file'},
	},
	{
		title: 'a group of keys is not a key',
		module, state: {live: directory('/proc/sys/net/ipv4'), file: absent(conf)}, params: {name: 'net.ipv4', value: '1'},
		plan: {failed: 'net.ipv4 is a group of keys (/proc/sys/net/ipv4 is a directory), not one key'},
	},
];
