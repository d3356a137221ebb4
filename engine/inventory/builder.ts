import {PbError, type SourcePosition} from '../errors.js';

export interface GroupData {
	readonly name: string;
	/** Hosts named directly in this group, in the order first seen. */
	readonly hosts: string[];
	readonly children: string[];
	readonly parents: string[];
	/** Variables written in the inventory file itself (group_vars/ files are kept apart). */
	readonly vars: Record<string, unknown>;
	/** ansible_group_priority: breaks ties between groups of the same depth. */
	priority: number;
}

export interface HostData {
	readonly name: string;
	/** The inventory file where the host first appears. */
	readonly source: string;
	/** Groups that name the host directly. */
	readonly groups: string[];
	readonly vars: Record<string, unknown>;
}

/** Every group above `name`, through parents of parents. */
export function ancestorsIn(groups: ReadonlyMap<string, {readonly parents: readonly string[]}>, name: string): Set<string> {
	const seen = new Set<string>();
	const pending = [...groups.get(name)?.parents ?? []];
	for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
		if (!seen.has(next)) {
			seen.add(next);
			pending.push(...groups.get(next)?.parents ?? []);
		}
	}

	return seen;
}

/**
 * The mutable inventory that the INI and YAML parsers fill in, one source after another;
 * `finish` then applies Ansible's rules for `all` and `ungrouped`.
 */
export class InventoryBuilder {
	readonly groups = new Map<string, GroupData>();
	readonly hosts = new Map<string, HostData>();
	readonly warnings: string[] = [];

	constructor() {
		this.addGroup('all');
		this.addGroup('ungrouped');
		this.addChild('all', 'ungrouped');
	}

	addGroup(name: string): GroupData {
		let group = this.groups.get(name);
		if (!group) {
			group = {name, hosts: [], children: [], parents: [], vars: {}, priority: 1};
			this.groups.set(name, group);
		}

		return group;
	}

	addHost(name: string, groupName: string, source: string, port?: number): HostData {
		let host = this.hosts.get(name);
		if (!host) {
			host = {name, source, groups: [], vars: {}};
			this.hosts.set(name, host);
		}

		if (port !== undefined) {
			host.vars['ansible_port'] = port;
		}

		const group = this.addGroup(groupName);
		if (!group.hosts.includes(name)) {
			group.hosts.push(name);
			host.groups.push(groupName);
		}

		return host;
	}

	setGroupVar(groupName: string, key: string, value: unknown, where?: SourcePosition): void {
		const group = this.addGroup(groupName);
		if (key !== 'ansible_group_priority') {
			group.vars[key] = value;
			return;
		}

		const priority = Number(value);
		if (!Number.isInteger(priority)) {
			throw new PbError(`ansible_group_priority of group '${groupName}' must be a whole number, got ${JSON.stringify(value)}`, {where});
		}

		group.priority = priority;
	}

	addChild(parentName: string, childName: string, where?: SourcePosition): void {
		if (parentName === childName) {
			throw new PbError(`group '${parentName}' cannot be a child of itself`, {where, hint: 'Remove the line, or name another group.'});
		}

		const parent = this.addGroup(parentName);
		const child = this.addGroup(childName);
		if (parent.children.includes(childName)) {
			return;
		}

		if (this.ancestors(parentName).has(childName)) {
			throw new PbError(`making '${childName}' a child of '${parentName}' creates a loop: '${childName}' is already an ancestor of '${parentName}'`, {
				where,
				hint: 'A group cannot contain itself, directly or through other groups: remove one of the two links.',
			});
		}

		parent.children.push(childName);
		child.parents.push(parentName);
	}

	ancestors(groupName: string): Set<string> {
		return ancestorsIn(this.groups, groupName);
	}

	/** Ansible's reconcile_inventory: top groups hang under `all`, hosts with no group go to `ungrouped`. */
	finish(): void {
		for (const group of this.groups.values()) {
			if (group.name !== 'all' && group.parents.length === 0) {
				this.addChild('all', group.name);
			}
		}

		const ungrouped = this.addGroup('ungrouped');
		for (const host of this.hosts.values()) {
			const named = host.groups.filter(name => name !== 'all' && name !== 'ungrouped');
			if (named.length > 0 && host.groups.includes('ungrouped')) {
				ungrouped.hosts.splice(ungrouped.hosts.indexOf(host.name), 1);
				host.groups.splice(host.groups.indexOf('ungrouped'), 1);
			} else if (named.length === 0 && !host.groups.includes('ungrouped')) {
				ungrouped.hosts.push(host.name);
				host.groups.push('ungrouped');
			}

			if (this.groups.has(host.name)) {
				this.warnings.push(`Found both group and host with same name: ${host.name}`);
			}
		}
	}
}
