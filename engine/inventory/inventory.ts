import {existsSync, statSync} from 'node:fs';
import path from 'node:path';
import {PbError} from '../errors.js';
import {InventoryBuilder, type GroupData, type HostData} from './builder.js';
import {changeInventory, type InventoryChange} from './changes.js';
import {selectHosts, type HostSelection} from './patterns.js';
import {readSource} from './sources.js';
import type {Group, Host} from './types.js';
import {findVarsFiles, readVarsFile} from './vars-files.js';

type Vars = Record<string, unknown>;

export type {Group, Host} from './types.js';

export interface Inventory {
	/** The -i paths, in the order given. */
	readonly sources: readonly string[];
	/** Every listed host by name, in inventory order. The implicit localhost is not among them. */
	readonly hosts: ReadonlyMap<string, Host>;
	readonly groups: ReadonlyMap<string, Group>;
	/** What Ansible would warn about while reading (unknown keys in YAML groups, skipped scripts...). */
	readonly warnings: readonly string[];
	/** A host's inventory variables merged in Ansible's order; a fresh object. */
	hostVars(host: string): Vars;
	/** A group's variables: its inline vars, then its group_vars/ files (ansible-inventory --export). */
	groupVars(group: string): Vars;
	/** A host's own variables: inline, then host_vars/ files (ansible-inventory --export). */
	ownHostVars(host: string): Vars;
	/** All hosts of a group and its descendants, in Ansible's order (the `groups` magic variable). */
	groupHosts(group: string): readonly string[];
	/** Hosts matching a play's `hosts:`, narrowed by --limit when given. */
	selectHosts(pattern: string | readonly string[], limit?: string): HostSelection;
	/** This inventory with add_host's or group_by's change made (this one stays as it is). */
	withChange(change: InventoryChange): InventoryChanged;
}

export interface InventoryChanged {
	readonly inventory: Inventory;
	/** Whether the change added anything, as Ansible reports it for the task. */
	readonly changed: boolean;
	/** The hosts whose groups or variables changed. */
	readonly touched: readonly string[];
}

/** The names Ansible treats as this machine: usable in a play even when no inventory lists them. */
export const localhostNames: readonly string[] = ['localhost', '127.0.0.1', '::1'];

/**
 * group_vars/ and host_vars/ variables in one folder: beside an inventory source, or a playbook.
 * Those of the inventory's groups and hosts are read when it is loaded, so that a mistake shows
 * before any host is contacted; those of a group or host that add_host or group_by make, when
 * first asked for, as Ansible's vars plugin reads them.
 */
class SourceVars {
	private readonly groups = new Map<string, Vars | undefined>();
	private readonly hosts = new Map<string, Vars | undefined>();

	constructor(private readonly base: string | undefined, names: {groups: readonly string[]; hosts: readonly string[]}) {
		for (const name of names.groups) {
			this.group(name);
		}

		for (const name of names.hosts) {
			this.host(name);
		}
	}

	group(name: string): Vars | undefined {
		return this.read(this.groups, 'group_vars', name);
	}

	host(name: string): Vars | undefined {
		return this.read(this.hosts, 'host_vars', name);
	}

	private read(cache: Map<string, Vars | undefined>, subdir: string, name: string): Vars | undefined {
		if (!cache.has(name)) {
			const files = this.base === undefined ? [] : findVarsFiles(path.join(this.base, subdir), name);
			cache.set(name, files.length === 0 ? undefined : Object.assign({}, ...files.map(file => readVarsFile(file))) as Vars);
		}

		return cache.get(name);
	}
}

/**
 * Reads the inventories named by -i (files, directories, or `host1,host2,` lists), with the
 * group_vars/ and host_vars/ beside each, and those in `playbookDirs` (the folders of the
 * playbooks to run, as Ansible reads group_vars/ and host_vars/ beside a playbook too). Every
 * file is read and checked now, so a mistake is reported before any host is contacted.
 */
export async function loadInventory(sources: readonly string[], playbookDirs: readonly string[] = []): Promise<Inventory> {
	const builder = new InventoryBuilder();
	for (const source of sources) {
		readSource(source, builder);
	}

	builder.finish();
	const groups = finishGroups(builder.groups);
	const hosts = new Map<string, Host>();
	for (const host of builder.hosts.values()) {
		hosts.set(host.name, finishHost(host, builder));
	}

	const names = {groups: [...groups.keys()], hosts: [...hosts.keys(), ...localhostNames]};
	const sourceDirs = sources.map(source => varsDirOf(source));
	// A playbook beside its inventory would read the same files twice, to the same effect.
	const playDirs = [...new Set(playbookDirs.map(dir => path.resolve(dir)))].filter(dir => !sourceDirs.some(source => source !== undefined && path.resolve(source) === dir));
	return new LoadedInventory(sources, groups, hosts, builder.warnings, sourceDirs.map(dir => new SourceVars(dir, names)), playDirs.map(dir => new SourceVars(dir, names)));
}

function finishGroups(data: ReadonlyMap<string, GroupData>): Map<string, Group> {
	const depths = new Map<string, number>();
	const depth = (name: string): number => {
		let known = depths.get(name);
		if (known === undefined) {
			known = Math.max(0, ...(data.get(name)?.parents ?? []).map(parent => depth(parent) + 1));
			depths.set(name, known);
		}

		return known;
	};

	return new Map([...data.values()].map(group => [group.name, {...group, depth: depth(group.name)}]));
}

function finishHost(host: HostData, builder: InventoryBuilder): Host {
	const groups = new Set<string>();
	for (const group of host.groups) {
		groups.add(group);
		for (const ancestor of builder.ancestors(group)) {
			groups.add(ancestor);
		}
	}

	groups.delete('all');
	return {name: host.name, source: host.source, vars: host.vars, groups: [...groups].sort()};
}

/** Where Ansible looks for an inventory source's group_vars/: beside a file, or inside a directory; a host list has none. */
function varsDirOf(source: string): string | undefined {
	return existsSync(source) ? (statSync(source).isDirectory() ? source : path.dirname(source)) : undefined;
}

class LoadedInventory implements Inventory {
	constructor(
		readonly sources: readonly string[],
		readonly groups: ReadonlyMap<string, Group>,
		readonly hosts: ReadonlyMap<string, Host>,
		readonly warnings: readonly string[],
		private readonly sourceVars: readonly SourceVars[],
		private readonly playbookVars: readonly SourceVars[],
	) {}

	/**
	 * Ansible's order (VariableManager.get_vars), lowest first: inline vars of `all`; inline vars
	 * of the host's other groups, sorted by depth, priority, name; the inventory's group_vars/all;
	 * the playbook's group_vars/all; the inventory's group_vars/ of those groups in the same order;
	 * the playbook's; the host's inline vars; the inventory's host_vars/; the playbook's. Each
	 * later value replaces an earlier one whole (no deep merge, as Ansible's default
	 * hash_behaviour). So group_vars/all.yml outranks `[web:vars]`, as it does under Ansible.
	 */
	hostVars(name: string): Vars {
		const host = this.host(name);
		const groups = host.groups.map(group => this.group(group)).sort((a, b) => a.depth - b.depth || a.priority - b.priority || compare(a.name, b.name));
		const allGroup = (dirs: readonly SourceVars[]) => dirs.map(dir => dir.group('all'));
		const ownGroups = (dirs: readonly SourceVars[]) => dirs.flatMap(dir => groups.map(group => dir.group(group.name)));
		const layers: Array<Vars | undefined> = [
			this.group('all').vars,
			...groups.map(group => group.vars),
			...allGroup(this.sourceVars),
			...allGroup(this.playbookVars),
			...ownGroups(this.sourceVars),
			...ownGroups(this.playbookVars),
			host.vars,
			...[...this.sourceVars, ...this.playbookVars].map(dir => dir.host(name)),
		];
		return structuredClone(Object.assign({}, ...layers) as Vars);
	}

	groupVars(name: string): Vars {
		const group = this.group(name);
		const files = this.sourceVars.map(source => source.group(name));
		const priority = group.priority === 1 ? {} : {ansible_group_priority: group.priority};
		return structuredClone(Object.assign({}, group.vars, ...files, priority) as Vars);
	}

	ownHostVars(name: string): Vars {
		return structuredClone(Object.assign({}, this.host(name).vars, ...this.sourceVars.map(source => source.host(name))) as Vars);
	}

	groupHosts(name: string): readonly string[] {
		// Breadth first from the group, as Ansible's Group.get_hosts walks its descendants.
		const hosts = new Set<string>();
		const seen = new Set([name]);
		for (let level = [name]; level.length > 0;) {
			const next: string[] = [];
			for (const group of level.map(member => this.group(member))) {
				for (const host of group.hosts) {
					hosts.add(host);
				}

				for (const child of group.children.filter(child => !seen.has(child))) {
					seen.add(child);
					next.push(child);
				}
			}

			level = next;
		}

		return [...hosts];
	}

	selectHosts(pattern: string | readonly string[], limit?: string): HostSelection {
		return selectHosts(this, pattern, limit);
	}

	withChange(change: InventoryChange): InventoryChanged {
		const {groups, hosts, changed, touched} = changeInventory(this, change);
		return {inventory: new LoadedInventory(this.sources, groups, hosts, this.warnings, this.sourceVars, this.playbookVars), changed, touched};
	}

	/** A listed host, or the implicit localhost: local connection, only `all`'s variables. */
	private host(name: string): Host {
		const host = this.hosts.get(name);
		if (host) {
			return host;
		}

		if (localhostNames.includes(name)) {
			return {name, source: '', groups: [], vars: {...this.group('all').vars, ansible_connection: 'local'}};
		}

		throw new PbError(`host '${name}' is not in the inventory`, {kind: 'runtime', hint: `Add it to ${this.sources.join(', ')}, or check its spelling.`});
	}

	private group(name: string): Group {
		const group = this.groups.get(name);
		if (!group) {
			throw new PbError(`group '${name}' is not in the inventory`, {kind: 'runtime', hint: `Add it to ${this.sources.join(', ')}, or check its spelling.`});
		}

		return group;
	}
}

// Python sorts strings by code point; localeCompare would not.
function compare(a: string, b: string): number {
	return a < b ? -1 : (a > b ? 1 : 0);
}
