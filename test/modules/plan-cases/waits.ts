import reboot from '../../../modules/reboot.js';
import waitFor from '../../../modules/wait_for/index.js';
import waitForConnection from '../../../modules/wait_for_connection.js';
import type {PlanCase} from './states.js';

const notInCheck = 'remote module (wait_for) does not support check mode: it would wait up to';

export const waitCases: PlanCase[] = [
	{
		title: 'wait_for: a path and its text, said in check mode, never a change',
		module: waitFor, state: undefined, params: {path: '/run/app.pid', search_regex: 'pid=(\\d+)', timeout: 30},
		plan: {changed: false, msg: 'wait up to 30 s for /run/app.pid to be present and match pid=(\\d+)', unpredictable: `${notInCheck} 30 s for /run/app.pid to be present and match pid=(\\d+)`},
	},
	{
		title: 'wait_for: a port, from the host\'s side, to open',
		module: waitFor, state: undefined, params: {port: 6443},
		plan: {msg: 'wait up to 300 s for 127.0.0.1:6443 to accept connections'},
	},
	{
		title: 'wait_for: a port to close',
		module: waitFor, state: undefined, params: {host: '10.0.0.5', port: 80, state: 'stopped'},
		plan: {msg: 'wait up to 300 s for 10.0.0.5:80 to stop accepting connections'},
	},
	{
		title: 'wait_for: a port to drain',
		module: waitFor, state: undefined, params: {port: 443, state: 'drained', exclude_hosts: ['10.0.0.1']},
		plan: {msg: 'wait up to 300 s for the active connections to 127.0.0.1:443 to drain'},
	},
	{
		title: 'wait_for: neither port nor path only lets the timeout pass',
		module: waitFor, state: undefined, params: {timeout: 5},
		plan: {msg: 'wait up to 5 s for the timeout to pass'},
	},
	{
		title: 'wait_for_connection: skipped in check mode, saying what it would wait for',
		module: waitForConnection, state: undefined, params: {timeout: 60},
		plan: {changed: false, unpredictable: 'wait_for_connection is skipped in check mode: it would wait up to 60 s for a connection to the host'},
	},
	{
		title: 'reboot: always a change, predicted as rebooted in check mode',
		module: reboot, state: {local: false}, params: {},
		plan: {changed: true, unpredictable: undefined, failed: undefined, result: {rebooted: true, elapsed: 0}},
	},
	{
		title: 'reboot: never over the local connection, which would reboot the controller',
		module: reboot, state: {local: true}, params: {},
		plan: {changed: false, failed: 'Running reboot with local connection would reboot the control node.', result: {rebooted: false}},
	},
];
