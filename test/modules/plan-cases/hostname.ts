import hostname from '../../../modules/hostname.js';
import type {PlanCase} from './states.js';

const module = hostname;

export const hostnameCases: PlanCase[] = [
	{
		title: 'a new name: static and live set, the diff and the facts as Ansible gives them',
		module, state: {strategy: 'systemd', current: 'debian', permanent: 'debian'}, params: {name: 'web-1.example.com'},
		plan: {
			changed: true, msg: 'host name set to web-1.example.com (was debian across reboots, debian live)',
			steps: {strategy: 'systemd', setPermanent: true, setCurrent: true},
			diff: [{header: 'hostname (hostnamectl)', before: 'hostname = debian\n', after: 'hostname = web-1.example.com\n'}],
			result: {name: 'web-1.example.com', ansible_facts: {ansible_hostname: 'web-1', ansible_nodename: 'web-1.example.com', ansible_fqdn: 'web-1.example.com', ansible_domain: 'example.com'}},
			effects: {facts: {hostname: 'web-1', nodename: 'web-1.example.com', fqdn: 'web-1.example.com', domain: 'example.com'}},
			predicts: [{path: '/etc/hostname', type: 'file'}], predictsStates: {hostname: 'web-1.example.com'},
		},
	},
	{
		title: 'the live name only: /etc/hostname is right already, the diff shows the live name',
		module, state: {strategy: 'file', current: 'localhost', permanent: 'web-1'}, params: {name: 'web-1'},
		plan: {
			changed: true, steps: {strategy: 'file', setPermanent: false, setCurrent: true},
			diff: [{header: '/etc/hostname', before: 'hostname = localhost\n', after: 'hostname = web-1\n'}], predicts: undefined,
		},
	},
	{
		title: 'the name already set: nothing, the facts still given',
		module, state: {strategy: 'systemd', current: 'web-1', permanent: 'web-1'}, params: {name: 'web-1'},
		plan: {changed: false, msg: 'the host is named web-1', effects: {facts: {hostname: 'web-1'}}},
	},
];
