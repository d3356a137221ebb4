import addHost from '../../../modules/add_host.js';
import groupBy from '../../../modules/group_by.js';
import includeVars from '../../../modules/include_vars.js';
import pause from '../../../modules/pause.js';
import uri from '../../../modules/uri/index.js';
import type {PlanCase} from './states.js';

const paused = {start: '2026-01-02 03:04:05.000000', stop: '2026-01-02 03:04:07.504000', seconds: 2.504};

export const controlCases: PlanCase[] = [
	{
		title: 'include_vars: the files\' variables become included vars, registered as ansible_facts',
		module: includeVars, state: {files: ['/p/vars/a.yml'], vars: {port: 80, name: 'x'}}, params: {file: 'a.yml'},
		plan: {changed: false, msg: '/p/vars/a.yml: port, name', effects: {includedVars: {port: 80, name: 'x'}}, result: {ansible_facts: {port: 80, name: 'x'}, ansible_included_var_files: ['/p/vars/a.yml']}},
	},
	{
		title: 'include_vars: a file that cannot be used fails the task with Ansible\'s words, in `message` too, and sets nothing',
		module: includeVars, state: {files: [], vars: {}, failure: '/p/vars/x.txt does not have a valid extension: yaml, yml, json'}, params: {dir: 'vars'},
		plan: {failed: '/p/vars/x.txt does not have a valid extension: yaml, yml, json', effects: undefined, result: {message: '/p/vars/x.txt does not have a valid extension: yaml, yml, json'}},
	},
	{
		title: 'add_host: other parameters are the host\'s variables; name:port sets ansible_ssh_port; groups once each',
		module: addHost, state: undefined, params: {name: 'node9:2222', groups: ['web', ' web', 'db'], ansible_user: 'admin'},
		plan: {
			changed: false, msg: 'node9 in web, db',
			result: {add_host: {host_name: 'node9', groups: ['web', 'db'], host_vars: {ansible_user: 'admin', ansible_ssh_port: 2222}}},
			effects: {inventory: {kind: 'add-host', host: 'node9', groups: ['web', 'db'], vars: {ansible_user: 'admin', ansible_ssh_port: 2222}}},
		},
	},
	{
		title: 'group_by: spaces in names become dashes; parents default to all',
		module: groupBy, state: 'node1', params: {key: 'os Debian 12'},
		plan: {msg: 'node1 in os-Debian-12', result: {add_group: 'os-Debian-12', parent_groups: ['all']}, effects: {inventory: {kind: 'add-group', host: 'node1', group: 'os-Debian-12', parents: ['all']}}},
	},
	{
		title: 'pause: Ansible\'s registered fields; the time rounded to hundredths, a whole one with its .0',
		module: pause, state: paused, params: {seconds: 2},
		plan: {changed: false, msg: 'Paused for 2.5 seconds', result: {rc: 0, stderr: '', stdout: 'Paused for 2.5 seconds', start: paused.start, stop: paused.stop, delta: 2, echo: true, user_input: ''}},
	},
	{
		title: 'pause: minutes are shown in minutes',
		module: pause, state: {...paused, seconds: 60.2}, params: {minutes: 1},
		plan: {msg: 'Paused for 1.0 minutes'},
	},
	{
		title: 'uri: check mode skips it, as Ansible\'s uri does not support check mode',
		module: uri, state: {checkMode: true, guards: {}}, params: {url: 'http://x/', method: 'POST'},
		plan: {changed: false, unpredictable: 'remote module (uri) does not support check mode'},
	},
	{
		title: 'uri: creates exists, so no request',
		module: uri, state: {checkMode: false, guards: {createsExists: true}}, params: {url: 'http://x/', creates: '/etc/done'},
		plan: {changed: false, msg: 'skipped, since /etc/done exists', steps: 'skip', unpredictable: undefined},
	},
	{
		title: 'uri: otherwise the request is made when applied (the plan alone says nothing changed)',
		module: uri, state: {checkMode: false, guards: {}}, params: {url: 'http://x/'},
		plan: {changed: false, steps: undefined, unpredictable: undefined},
	},
];
