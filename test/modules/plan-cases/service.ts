import service from '../../../modules/service.js';
import type {PlanCase} from './states.js';

const module = service;
const name = 'app.service';

export const serviceCases: PlanCase[] = [
	{
		title: 'on systemd: systemd\'s plan, verbs and diff',
		module,
		state: {kind: 'systemd', unit: {name, properties: {Id: name, LoadState: 'loaded', ActiveState: 'inactive', SubState: 'dead', UnitFileState: 'disabled', CanReload: 'no'}}, needReload: []},
		params: {name: 'app', state: 'started', enabled: true, arguments: '--verbose'},
		plan: {changed: true, msg: `${name}: enabled, started`, steps: ['enable', 'start'], diff: [{header: name, before: 'enabled: false\nstate: inactive\n', after: 'enabled: true\nstate: active\n'}]},
	},
	{
		title: 'without systemd: a clear failure',
		module, state: {kind: 'no-systemd', reason: 'PID 1 is init, not systemd'}, params: {name: 'app', state: 'started'},
		plan: {changed: false, failed: 'this host does not run systemd (PID 1 is init, not systemd); pb\'s service module manages services through systemd only'},
	},
];
