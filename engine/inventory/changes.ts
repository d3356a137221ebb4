import {ancestorsIn} from './builder.js';
import type {Group, Host} from './types.js';

/**
 * What add_host and group_by do to the in-memory inventory, for the tasks and plays after them,
 * as Ansible's strategy applies their results (StrategyBase._add_host and _add_group).
 */
export type InventoryChange =
	/** add_host: the host (new, or already listed) joins `groups`, created as needed, and gains `vars` over its own. */
	| {readonly kind: 'add-host'; readonly host: string; readonly groups: readonly string[]; readonly vars: Readonly<Record<string, unknown>>}
	/** group_by: the host joins `group`, created as needed, which becomes a child of each of `parents` (created too). */
	| {readonly kind: 'add-group'; readonly host: string; readonly group: string; readonly parents: readonly string[]};

export interface InventoryMaps {
	readonly groups: ReadonlyMap<string, Group>;
	readonly hosts: ReadonlyMap<string, Host>;
}

/** The maps after a change; `changed` as Ansible reports it for the task. */
export interface ChangedMaps extends InventoryMaps {
	readonly changed: boolean;
	/** Hosts whose groups or variables are not what they were. */
	readonly touched: readonly string[];
}

/** Working copies: groups and hosts are replaced, never edited, so the inventory before the change stays as it was. */
class Draft {
	readonly groups: Map<string, Group>;
	readonly hosts: Map<string, Host>;
	changed = false;
	readonly touched = new Set<string>();

	constructor(maps: InventoryMaps) {
		this.groups = new Map(maps.groups);
		this.hosts = new Map(maps.hosts);
	}

	group(name: string): Group {
		let group = this.groups.get(name);
		if (!group) {
			group = {name, hosts: [], children: [], parents: [], vars: {}, depth: 0, priority: 1};
			this.groups.set(name, group);
			this.changed = true;
		}

		return group;
	}

	/** Makes `child` a child of `parent`; false when it was one already, or when that would make a loop. */
	link(parent: string, child: string): boolean {
		const upper = this.group(parent);
		const lower = this.group(child);
		if (parent === child || upper.children.includes(child) || this.ancestors(parent).has(child)) {
			return false;
		}

		this.groups.set(parent, {...upper, children: [...upper.children, child]});
		this.groups.set(child, {...lower, parents: [...lower.parents, parent]});
		this.changed = true;
		return true;
	}

	ancestors(name: string): Set<string> {
		return ancestorsIn(this.groups, name);
	}

	/** Puts the host directly in the group; a host in a group of its own leaves `ungrouped`, as Ansible's reconcile_inventory has it. */
	join(host: string, name: string): void {
		const group = this.group(name);
		if (group.hosts.includes(host)) {
			return;
		}

		this.groups.set(name, {...group, hosts: [...group.hosts, host]});
		this.changed = true;
		if (name !== 'all' && name !== 'ungrouped') {
			const ungrouped = this.groups.get('ungrouped');
			if (ungrouped?.hosts.includes(host)) {
				this.groups.set('ungrouped', {...ungrouped, hosts: ungrouped.hosts.filter(each => each !== host)});
			}
		}

		this.touched.add(host);
	}

	/**
	 * As Ansible's reconcile_inventory: a group with no parent goes under `all`. Then the hosts'
	 * groups (through parents too, without `all`, sorted) and the groups' depths, after the links changed.
	 */
	finish(): ChangedMaps {
		for (const group of [...this.groups.values()]) {
			if (group.name !== 'all' && this.groups.get(group.name)!.parents.length === 0) {
				this.link('all', group.name);
			}
		}

		const depths = new Map<string, number>();
		const depth = (name: string): number => {
			let known = depths.get(name);
			if (known === undefined) {
				known = Math.max(0, ...(this.groups.get(name)?.parents ?? []).map(parent => depth(parent) + 1));
				depths.set(name, known);
			}

			return known;
		};

		for (const group of this.groups.values()) {
			if (group.depth !== depth(group.name)) {
				this.groups.set(group.name, {...group, depth: depth(group.name)});
			}
		}

		for (const name of this.touched) {
			const direct = [...this.groups.values()].filter(group => group.hosts.includes(name)).map(group => group.name);
			const all = new Set(direct.flatMap(group => [group, ...this.ancestors(group)]));
			all.delete('all');
			this.hosts.set(name, {...this.hosts.get(name)!, groups: [...all].sort()});
		}

		return {groups: this.groups, hosts: this.hosts, changed: this.changed, touched: [...this.touched]};
	}

	/** Every host in the group and the groups below it. */
	below(name: string): string[] {
		const hosts = new Set<string>();
		const pending = [name];
		for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
			const group = this.groups.get(next);
			for (const host of group?.hosts ?? []) {
				hosts.add(host);
			}

			pending.push(...group?.children ?? []);
		}

		return [...hosts];
	}
}

/** Ansible's _add_host: a new host goes in `all` (and so in `ungrouped` until it joins a group); variables merge over its own. */
function addHost(draft: Draft, change: Extract<InventoryChange, {kind: 'add-host'}>): void {
	const {host: name, groups, vars} = change;
	let host = draft.hosts.get(name);
	if (!host) {
		host = {name, source: '', groups: [], vars: {}};
		draft.hosts.set(name, host);
		draft.join(name, 'all');
		if (groups.length === 0) {
			draft.join(name, 'ungrouped');
		}
	}

	const merged = {...host.vars, ...vars};
	if (JSON.stringify(merged) !== JSON.stringify(host.vars)) {
		draft.hosts.set(name, {...draft.hosts.get(name)!, vars: merged});
		draft.changed = true;
		draft.touched.add(name);
	}

	for (const group of groups) {
		draft.join(name, group);
	}
}

/** Ansible's _add_group: the parents are linked first; every host below a newly linked group gains the parents. */
function addGroup(draft: Draft, change: Extract<InventoryChange, {kind: 'add-group'}>): void {
	draft.group(change.group);
	for (const parent of change.parents) {
		if (draft.link(parent, change.group)) {
			for (const host of draft.below(change.group)) {
				draft.touched.add(host);
			}
		}
	}

	draft.join(change.host, change.group);
}

/** The inventory's groups and hosts with the change made; the maps given are left as they were. */
export function changeInventory(maps: InventoryMaps, change: InventoryChange): ChangedMaps {
	const draft = new Draft(maps);
	if (change.kind === 'add-host') {
		addHost(draft, change);
	} else {
		addGroup(draft, change);
	}

	return draft.finish();
}
