/* The inventory's hosts and groups as data, apart from how they are read, selected and changed. */

type Vars = Record<string, unknown>;

export interface Group {
	readonly name: string;
	/** Hosts named directly in the group, in inventory order. */
	readonly hosts: readonly string[];
	readonly children: readonly string[];
	readonly parents: readonly string[];
	/** The group's variables written in the inventory itself (not those of group_vars/). */
	readonly vars: Readonly<Vars>;
	/** Longest path from `all` (0); deeper groups win when their variables are merged. */
	readonly depth: number;
	/** ansible_group_priority (default 1): among groups of one depth, the higher wins. */
	readonly priority: number;
}

export interface Host {
	readonly name: string;
	/** The inventory file where the host first appears (Ansible's inventory_file). */
	readonly source: string;
	/** Every group the host is in, through children too, without `all`, sorted (Ansible's group_names). */
	readonly groups: readonly string[];
	/** The host's variables written in the inventory itself (not those of host_vars/). */
	readonly vars: Readonly<Vars>;
}
