import {didYouMean} from '../../engine/did-you-mean.js';

/*
 * gather_subset, read as Ansible 2.14 reads it (module_utils/facts/collector.py,
 * get_collector_names): `min` is always added unless `!min` is given; `all` adds every subset,
 * `!all` removes all but the minimal ones; `!name` removes one, unless it is also named without
 * `!`. pb gathers four groups: the minimal facts, hardware, network and virtual. Ansible's finer
 * collector names (distribution, date_time, env...) name the group that holds them here, so a
 * subset of them still runs only that group's part of the script.
 */

/** What the fact script can gather, each part only when asked. */
export type FactGroup = 'min' | 'hardware' | 'network' | 'virtual';

const groups: readonly FactGroup[] = ['min', 'hardware', 'network', 'virtual'];

/** Ansible's collector names and the group of pb's script that holds what they gather. */
const collectorGroups: Readonly<Record<string, FactGroup>> = {
	apparmor: 'min', caps: 'min', cmdline: 'min', date_time: 'min', distribution: 'min', dns: 'min', env: 'min',
	fips: 'min', local: 'min', lsb: 'min', pkg_mgr: 'min', platform: 'min', python: 'min', selinux: 'min',
	service_mgr: 'min', ssh_pub_keys: 'min', user: 'min', chroot: 'min', loadavg: 'min',
	hardware: 'hardware', devices: 'hardware', dmi: 'hardware',
	network: 'network', fibre_channel_wwn: 'network', iscsi: 'network', nvme: 'network',
	virtual: 'virtual', facter: 'min', ohai: 'min',
};

/** A name gather_subset does not know; the message names the closest one and those there are. */
export class UnknownSubset extends Error {
	constructor(readonly subset: string) {
		const finer = Object.keys(collectorGroups).filter(name => !(groups as readonly string[]).includes(name)).sort();
		super(`gather_subset has '${subset}', which is not a subset${didYouMean(subset, ['all', ...Object.keys(collectorGroups), 'min'])}: `
			+ `use all, ${groups.join(', ')}, or one of ${finer.join(', ')}; !NAME leaves one out`);
	}
}

/** gather_subset as written: a list, or one comma-separated string (`!all,network`). */
export function subsetList(value: unknown): string[] {
	const items = Array.isArray(value) ? value.map(String) : String(value ?? 'all').split(',');
	const list = items.map(item => item.trim()).filter(item => item !== '');
	return list.length === 0 ? ['all'] : list;
}

/** The groups the script runs for a gather_subset list; throws UnknownSubset for a name Ansible would refuse. */
export function resolveSubsets(subsets: readonly string[]): Set<FactGroup> {
	const added = new Set<FactGroup>();
	const excluded = new Set<FactGroup>();
	const explicit = new Set<FactGroup>();
	for (const subset of ['min', ...subsets]) {
		const negated = subset.startsWith('!');
		const name = negated ? subset.slice(1) : subset;
		if (name === 'all') {
			for (const group of groups) {
				(negated ? (group === 'min' ? undefined : excluded) : added)?.add(group);
			}

			continue;
		}

		const group = name === 'min' ? 'min' : collectorGroups[name];
		if (group === undefined) {
			// Ansible checks only the names it adds; an unknown exclusion excludes nothing.
			if (negated) {
				continue;
			}

			throw new UnknownSubset(name);
		}

		if (negated) {
			excluded.add(group);
		} else {
			added.add(group);
			if (name !== 'min') {
				explicit.add(group);
			}
		}
	}

	return new Set([...added].filter(group => !excluded.has(group) || explicit.has(group)));
}
