import modprobe from '../../../modules/modprobe/index.js';
import type {PlanCase} from './states.js';

const module = modprobe;

function facts(more: Record<string, unknown> = {}, files: Record<string, string> = {}) {
	return {
		release: '6.1.0-18-amd64', modular: true, loaded: false, builtin: false, modprobe: '/usr/sbin/modprobe', canLoad: true, findable: 'yes',
		directories: ['/etc/modules-load.d', '/etc/modprobe.d'], files: new Map(Object.entries(files)), ...more,
	};
}

export const modprobeCases: PlanCase[] = [
	{
		title: 'a module not loaded is loaded, with its parameters',
		module, state: facts(), params: {name: 'dummy', params: 'numdummies=2'},
		plan: {
			changed: true, msg: 'dummy: loaded', steps: {load: true, files: {}}, diff: [{header: 'dummy', before: 'loaded: no\n', after: 'loaded: yes\n'}],
			result: {name: 'dummy', params: 'numdummies=2', state: 'present'}, predictsStates: {'modprobe dummy': true},
		},
	},
	{
		title: 'a loaded module is left alone',
		module, state: facts({loaded: true}), params: {name: 'br_netfilter'},
		plan: {changed: false, msg: 'br_netfilter is loaded', steps: {files: {}}},
	},
	{
		title: 'persistent: present writes modules-load.d and, for its params, modprobe.d, making a missing directory',
		module, state: facts({loaded: true, directories: ['/etc/modules-load.d']}), params: {name: 'dummy', params: 'numdummies=2 x=1', persistent: 'present'},
		plan: {
			changed: true, msg: 'dummy: /etc/modules-load.d/dummy.conf written, /etc/modprobe.d/dummy.conf written',
			steps: {files: {'/etc/modules-load.d/dummy.conf': 'dummy\n', '/etc/modprobe.d/dummy.conf': 'options dummy numdummies=2\noptions dummy x=1\n'}, directories: ['/etc/modprobe.d']},
			predicts: [{path: '/etc/modprobe.d', type: 'directory'}, {path: '/etc/modules-load.d/dummy.conf', type: 'file', mode: 0o644}, {path: '/etc/modprobe.d/dummy.conf', type: 'file', mode: 0o644}],
		},
	},
	{
		title: 'persistent: present over other params comments them out wherever they are',
		module, state: facts({loaded: true}, {'/etc/modules-load.d/k8s.conf': 'overlay\ndummy\n', '/etc/modprobe.d/local.conf': 'options dummy numdummies=4\noptions loop max_loop=8\n'}),
		params: {name: 'dummy', params: 'numdummies=2', persistent: 'present'},
		plan: {changed: true, steps: {files: {'/etc/modprobe.d/local.conf': '#options dummy numdummies=4\noptions loop max_loop=8\n', '/etc/modprobe.d/dummy.conf': 'options dummy numdummies=2\n'}}},
	},
	{
		title: 'persistent: absent comments out the module\'s lines',
		module, state: facts({loaded: true}, {'/etc/modules-load.d/k8s.conf': 'overlay\ndummy # for tests\n', '/etc/modprobe.d/dummy.conf': 'options dummy numdummies=2\n'}),
		params: {name: 'dummy', persistent: 'absent'},
		plan: {changed: true, steps: {files: {'/etc/modules-load.d/k8s.conf': 'overlay\n#dummy # for tests\n', '/etc/modprobe.d/dummy.conf': '#options dummy numdummies=2\n'}}},
	},
	{
		title: 'a built-in module counts as loaded',
		module, state: facts({builtin: true}), params: {name: 'overlay', persistent: 'present'},
		plan: {changed: true, msg: 'overlay: /etc/modules-load.d/overlay.conf written', steps: {files: {'/etc/modules-load.d/overlay.conf': 'overlay\n'}}},
	},
	{
		title: 'a built-in module cannot be unloaded',
		module, state: facts({builtin: true}), params: {name: 'overlay', state: 'absent'},
		plan: {changed: false, failed: 'overlay is built into the kernel (6.1.0-18-amd64): it cannot be unloaded'},
	},
	{
		title: 'a kernel without module support cannot load one it lacks',
		module, state: facts({modular: false}), params: {name: 'dummy', persistent: 'present'},
		plan: {changed: false, steps: {files: {}}, failed: 'the kernel (6.1.0-18-amd64) has no loadable module support (no /proc/modules), and dummy is not built into it (not in /lib/modules/6.1.0-18-amd64/modules.builtin nor /sys/module)'},
	},
	{
		title: 'a container without CAP_SYS_MODULE cannot load modules',
		module, state: facts({canLoad: false}), params: {name: 'dummy'},
		plan: {changed: false, failed: 'this host may not load kernel modules (no CAP_SYS_MODULE: a container?); load dummy on the machine that runs it'},
	},
	{
		title: 'without modprobe, says which package has it',
		module, state: facts({modprobe: undefined}), params: {name: 'dummy'},
		plan: {changed: false, failed: 'modprobe is not installed on the host: install kmod (apt-get install kmod, dnf install kmod)'},
	},
	{
		title: 'a module modprobe cannot find fails with its words',
		module, state: facts({findable: 'modprobe: FATAL: Module nosuch not found in directory /lib/modules/6.1.0-18-amd64 '}), params: {name: 'nosuch'},
		plan: {changed: false, failed: 'modprobe cannot find nosuch: modprobe: FATAL: Module nosuch not found in directory /lib/modules/6.1.0-18-amd64'},
	},
];
