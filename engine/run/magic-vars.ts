import {dirname} from 'node:path';
import type {HostRun} from './host-run.js';
import type {RunContext} from './run-context.js';
import type {Scope} from './scope.js';

/**
 * The ansible-core release pb answers to in ansible_version: the one whose behaviour pb is
 * measured against (Debian 12's ansible-core), so content that checks
 * `ansible_version.full is version('2.12', '>=')` runs.
 */
export const ansibleVersion = {string: '2.14.18', full: '2.14.18', major: 2, minor: 14, revision: 18} as const;

// Python sorts strings by code point; localeCompare would not.
const byCodePoint = (a: string, b: string): number => (a < b ? -1 : (a > b ? 1 : 0));

const names = (hosts: readonly HostRun[]): string[] => hosts.map(host => host.name);

/**
 * Variables computed when read, from what they stand for then. Each of these walks every host of
 * the play: made for every task on every host, they cost a 1000-host run more CPU than its tasks.
 */
function withComputed(vars: Record<string, unknown>, computed: Readonly<Record<string, () => unknown>>): Record<string, unknown> {
	for (const [name, get] of Object.entries(computed)) {
		Object.defineProperty(vars, name, {get, enumerable: true, configurable: true});
	}

	return vars;
}

/** The host's own names, which hostvars shows of other hosts too. */
export function hostMagicVars(run: RunContext, host: HostRun): Record<string, unknown> {
	return withComputed({
		inventory_hostname: host.name,
		inventory_hostname_short: host.name.split('.')[0],
		groups: run.groups,
		...(host.inventoryFile === undefined ? {} : {inventory_file: host.inventoryFile, inventory_dir: dirname(host.inventoryFile)}),
	}, {
		group_names: () => Object.entries(run.groups).filter(([group, members]) => group !== 'all' && members.includes(host.name)).map(([group]) => group).sort(byCodePoint),
	});
}

/**
 * Ansible's magic variables (VariableManager._get_magic_variables and the command line's options
 * vars): the host's own names, who the play runs on, what the command line asked.
 * ansible_play_hosts_all is every host of the play, ansible_play_hosts those of them that have not
 * failed, ansible_play_batch (and the older play_hosts) those of the current serial batch.
 */
export function magicVars(run: RunContext, host: HostRun, scope: Scope, check: boolean): Record<string, unknown> {
	const {options} = run;
	const batch = () => names(scope.playHosts.filter(other => other.active));
	return withComputed(Object.assign(hostMagicVars(run, host), {
		playbook_dir: scope.play.dir,
		ansible_play_name: scope.play.name,
		ansible_version: ansibleVersion,
		ansible_check_mode: check,
		ansible_diff_mode: options.diff,
		ansible_forks: options.forks,
		ansible_verbosity: options.verbosity,
		ansible_run_tags: options.tags.length === 0 ? ['all'] : [...new Set(options.tags)],
		ansible_skip_tags: [...new Set(options.skipTags)],
		...(options.limit === undefined ? {} : {ansible_limit: options.limit}),
	}), {
		ansible_play_hosts_all: () => names(scope.playHostsAll),
		ansible_play_hosts: () => names(scope.playHostsAll.filter(other => other.active)),
		ansible_play_batch: batch,
		play_hosts: batch,
	});
}
