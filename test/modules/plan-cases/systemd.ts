import systemd from '../../../modules/systemd/index.js';
import type {PlanCase} from './states.js';

const name = 'pb-sleep.service';
const module = systemd;

/** What `systemctl show` reports of a loaded unit, stopped and disabled unless told otherwise. */
function unit(properties: Record<string, string> = {}, more: {needReload?: string[]; predictedFile?: {path: string; installable: boolean}} = {}) {
	return {
		kind: 'systemd',
		unit: {
			name,
			properties: {Id: name, LoadState: 'loaded', ActiveState: 'inactive', SubState: 'dead', UnitFileState: 'disabled', CanReload: 'no', NeedDaemonReload: 'no', ...properties},
			...(more.predictedFile ? {predictedFile: more.predictedFile} : {}),
		},
		needReload: more.needReload ?? [],
	};
}

const notFound = {LoadState: 'not-found', UnitFileState: '', ActiveState: 'inactive'};
const running = {ActiveState: 'active', SubState: 'running', UnitFileState: 'enabled'};

export const systemdCases: PlanCase[] = [
	{
		title: 'a stopped, disabled unit is enabled then started, with a key-by-key diff',
		module, state: unit(), params: {name: 'pb-sleep', state: 'started', enabled: true},
		plan: {
			changed: true, msg: `${name}: enabled, started`, steps: ['enable', 'start'],
			diff: [{header: name, before: 'enabled: false\nstate: inactive\n', after: 'enabled: true\nstate: active\n'}],
		},
	},
	{
		title: 'a running, enabled unit is left alone',
		module, state: unit(running), params: {name, state: 'started', enabled: true},
		plan: {changed: false, msg: `${name} is already as wanted (enabled: true, state: active)`, steps: [], diff: undefined},
	},
	{
		title: 'an activating unit counts as started',
		module, state: unit({ActiveState: 'activating'}), params: {name, state: 'started'},
		plan: {changed: false, steps: []},
	},
	{
		title: 'stopped and disabled: stop then disable (disable first)',
		module, state: unit(running), params: {name, state: 'stopped', enabled: false},
		plan: {changed: true, msg: `${name}: disabled, stopped`, steps: ['disable', 'stop'], diff: [{header: name, before: 'enabled: true\nstate: active\n', after: 'enabled: false\nstate: inactive\n'}]},
	},
	{
		title: 'a failed unit is started again',
		module, state: unit({ActiveState: 'failed'}), params: {name, state: 'started'},
		plan: {changed: true, steps: ['start']},
	},
	{
		title: 'restarted always restarts, even a running unit',
		module, state: unit(running), params: {name, state: 'restarted'},
		plan: {changed: true, msg: `${name}: restarted`, steps: ['restart'], diff: [{header: name, before: 'state: active\n', after: 'state: active (restarted)\n'}]},
	},
	{
		title: 'reloaded reloads a running unit that can',
		module, state: unit({...running, CanReload: 'yes'}), params: {name, state: 'reloaded'},
		plan: {changed: true, steps: ['reload']},
	},
	{
		title: 'reloaded starts a stopped unit (a stopped unit cannot reload)',
		module, state: unit(), params: {name, state: 'reloaded'},
		plan: {changed: true, steps: ['start']},
	},
	{
		title: 'reloaded fails, saying what to do, on a unit without ExecReload',
		module, state: unit(running), params: {name, state: 'reloaded'},
		plan: {changed: false, failed: `unit ${name} cannot reload (it has no ExecReload=); use state: restarted`},
	},
	{
		title: 'daemon_reload runs first when a unit changed on disk, and shows in the diff',
		module, state: unit(running, {needReload: [name]}), params: {name, state: 'restarted', daemon_reload: true},
		plan: {
			changed: true, msg: `${name}: daemon reloaded, restarted`, steps: ['daemon-reload', 'restart'],
			diff: [{header: name, before: `daemon_reload: needed (${name} changed on disk)\nstate: active\n`, after: 'daemon_reload: done\nstate: active (restarted)\n'}],
		},
	},
	{
		title: 'daemon_reload with nothing changed on disk does nothing',
		module, state: unit(running), params: {name, state: 'started', daemon_reload: true},
		plan: {changed: false, steps: []},
	},
	{
		title: 'daemon_reload alone reloads when some loaded unit changed on disk',
		module, state: {kind: 'systemd', unit: undefined, needReload: ['containerd.service']}, params: {daemon_reload: true},
		plan: {changed: true, msg: 'daemon reloaded', steps: ['daemon-reload']},
	},
	{
		title: 'daemon_reload alone, nothing changed on disk: unchanged',
		module, state: {kind: 'systemd', unit: undefined, needReload: []}, params: {daemon_reload: true},
		plan: {changed: false, steps: []},
	},
	{
		title: 'a unit systemd does not know fails with what to do',
		module, state: unit(notFound), params: {name, state: 'started'},
		plan: {changed: false, failed: `unit ${name} not found: no unit file for it in /etc/systemd/system, /lib/systemd/system or the other unit directories; install its package, or write its unit file (copy, template) in an earlier task`},
	},
	{
		title: 'check mode: a unit whose file an earlier task would write would be enabled and started',
		module, state: unit(notFound, {predictedFile: {path: `/etc/systemd/system/${name}`, installable: true}}), params: {name: 'pb-sleep', state: 'started', enabled: true, daemon_reload: true},
		plan: {changed: true, msg: `${name}: enabled, started`, steps: ['enable', 'start'], diff: [{header: name, before: 'enabled: false\nstate: inactive\n', after: 'enabled: true\nstate: active\n'}]},
	},
	{
		title: 'check mode: a predicted unit file without [Install] is static: started, not enabled',
		module, state: unit(notFound, {predictedFile: {path: `/etc/systemd/system/${name}`, installable: false}}), params: {name, state: 'started', enabled: true},
		plan: {changed: true, msg: `${name}: started`, steps: ['start']},
	},
	{
		title: 'a static unit counts as enabled',
		module, state: unit({UnitFileState: 'static'}), params: {name, enabled: true},
		plan: {changed: false, steps: []},
	},
	{
		title: 'a static unit cannot be disabled: fails, suggesting masked',
		module, state: unit({UnitFileState: 'static'}), params: {name, enabled: false},
		plan: {failed: `unit ${name} is static (enabled by something other than its own [Install] section): it cannot be disabled; mask it (masked: true) to keep it from starting`},
	},
	{
		title: 'mask a running unit and stop it',
		module, state: unit(running), params: {name, masked: true, state: 'stopped'},
		plan: {changed: true, steps: ['mask', 'stop'], diff: [{header: name, before: 'masked: false\nstate: active\n', after: 'masked: true\nstate: inactive\n'}]},
	},
	{
		title: 'a unit that does not exist can still be masked',
		module, state: unit(notFound), params: {name, masked: true},
		plan: {changed: true, steps: ['mask']},
	},
	{
		title: 'a masked unit is not started unless unmasked',
		module, state: unit({LoadState: 'masked', UnitFileState: 'masked'}), params: {name, state: 'started'},
		plan: {failed: `unit ${name} is masked; add masked: false to unmask it before it can be enabled or started`},
	},
	{
		title: 'masked: false unmasks, then enables and starts',
		module, state: unit({LoadState: 'masked', UnitFileState: 'masked'}), params: {name, masked: false, enabled: true, state: 'started'},
		plan: {changed: true, steps: ['unmask', 'enable', 'start']},
	},
	{
		title: 'a unit that failed to load fails with systemd\'s reason',
		module, state: unit({LoadState: 'bad-setting', LoadError: 'org.freedesktop.systemd1.BadUnitSetting "Unit has a bad unit file setting."'}), params: {name, state: 'started'},
		plan: {failed: `unit ${name} failed to load (bad-setting: org.freedesktop.systemd1.BadUnitSetting "Unit has a bad unit file setting."); see systemctl status ${name}`},
	},
	{
		title: 'a host without systemd fails saying so',
		module, state: {kind: 'no-systemd', reason: 'PID 1 is init, not systemd'}, params: {name, state: 'started'},
		plan: {changed: false, failed: 'this host does not run systemd (PID 1 is init, not systemd); the systemd module manages systemd units only'},
	},
];
