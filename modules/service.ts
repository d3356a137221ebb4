import {defineModule, type Params} from '../engine/module.js';
import systemd from './systemd/index.js';

type SystemdParams = Params<typeof systemd.params>;
type SystemdState = Awaited<ReturnType<typeof systemd.read>>;

/** The parameters systemd has no use for, as Ansible's service action lists them; given ones draw a warning. */
const unusedBySystemd = ['pattern', 'runlevel', 'sleep', 'arguments'] as const;

const params = {
	name: {type: 'str', required: true, description: 'The service, e.g. containerd (a systemd unit without a type is a service)'},
	state: {type: 'str', choices: ['started', 'stopped', 'restarted', 'reloaded'], description: 'started/stopped: only when not so already; restarted/reloaded: every time the task runs (use them in handlers)'},
	enabled: {type: 'bool', description: 'Whether the service starts at boot'},
	arguments: {type: 'str', aliases: ['args'], description: 'Arguments for a SysV init script; accepted and ignored on systemd hosts, with a warning, as Ansible does'},
	pattern: {type: 'str', description: 'For init scripts without status: a process pattern; ignored on systemd hosts, with a warning'},
	runlevel: {type: 'str', description: 'OpenRC\'s runlevel; ignored on systemd hosts, with a warning'},
	sleep: {type: 'int', description: 'Seconds between stop and start of a SysV restart; ignored on systemd hosts, with a warning'},
	use: {type: 'str', default: 'auto', description: 'The service manager: auto (from the facts, else found on the host) or systemd, the one pb drives'},
} as const;

/** The same task as systemd sees it. */
function asSystemd(service: Params<typeof params>): SystemdParams {
	return {name: service.name, state: service.state, enabled: service.enabled, daemon_reload: false, scope: 'system'};
}

export default defineModule({
	name: 'service',
	summary: 'Start, stop, restart, reload, enable or disable a service (on systemd hosts, through the systemd module)',
	params,
	rules: {required_one_of: [['state', 'enabled']]},
	example: `- name: containerd runs now and at boot
  service:
    name: containerd
    state: started
    enabled: true`,
	validate(service) {
		return service.use === 'auto' || service.use === 'systemd'
			? undefined
			: `use: ${service.use} is not a service manager pb drives: it manages services through systemd only (use: auto or systemd)`;
	},
	async read(ctx, service): Promise<SystemdState> {
		for (const name of unusedBySystemd) {
			if (service[name] !== undefined) {
				ctx.warn(`Ignoring "${name}" as it is not used in "systemd"`);
			}
		}

		return systemd.read(ctx, asSystemd(service));
	},
	plan(state, service) {
		if (state.kind === 'no-systemd') {
			return {changed: false, msg: '', steps: [], failed: `this host does not run systemd (${state.reason}); pb's service module manages services through systemd only`};
		}

		return systemd.plan(state, asSystemd(service));
	},
	async apply(ctx, service, plan) {
		return systemd.apply(ctx, asSystemd(service), plan);
	},
});
