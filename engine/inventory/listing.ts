import {PbError} from '../errors.js';
import type {Inventory} from './inventory.js';

interface ListedGroup {
	hosts?: string[];
	children?: string[];
	vars?: Record<string, unknown>;
}

/**
 * What `ansible-inventory --list` prints: each non-empty group with its direct hosts and
 * children, and `_meta.hostvars` with each host's merged variables. With `export`, as
 * `--export`: groups carry their own vars and hostvars only the host's own.
 */
export function listInventory(inventory: Inventory, options: {readonly export?: boolean} = {}): string {
	const result: Record<string, unknown> = {};
	const seen = new Set<string>();
	const visit = (name: string) => {
		const group = inventory.groups.get(name);
		if (!group) {
			return;
		}

		const listed: ListedGroup = {};
		if (name !== 'all' && group.hosts.length > 0) {
			listed.hosts = [...group.hosts];
		}

		if (group.children.length > 0) {
			listed.children = [...group.children];
		}

		const vars = options.export ? inventory.groupVars(name) : {};
		if (Object.keys(vars).length > 0) {
			listed.vars = vars;
		}

		if (Object.keys(listed).length > 0) {
			result[name] = listed;
		}

		for (const child of group.children.filter(child => !seen.has(child))) {
			seen.add(child);
			visit(child);
		}
	};

	visit('all');
	const hostvars: Record<string, unknown> = {};
	for (const host of inventory.groupHosts('all')) {
		const vars = options.export ? inventory.ownHostVars(host) : inventory.hostVars(host);
		if (Object.keys(vars).length > 0) {
			hostvars[host] = vars;
		}
	}

	result['_meta'] = {hostvars};
	// Ansible prints with json.dumps(indent=4, sort_keys=True).
	return JSON.stringify(sortKeys(result), null, 4);
}

function sortKeys(value: unknown): unknown {
	if (Array.isArray(value)) {
		return value.map(item => sortKeys(item));
	}

	if (value !== null && typeof value === 'object') {
		return Object.fromEntries(Object.keys(value).sort().map(key => [key, sortKeys((value as Record<string, unknown>)[key])]));
	}

	return value;
}

/**
 * What `ansible-inventory --graph [GROUP]` prints: the group tree from GROUP (default all),
 * children before hosts, each in inventory order.
 */
export function graphInventory(inventory: Inventory, top = 'all'): string {
	if (!inventory.groups.has(top)) {
		throw new PbError(`'${top}' is not a group of the inventory, and --graph starts from a group`, {
			kind: 'options',
			hint: `Groups: ${[...inventory.groups.keys()].join(', ')}.`,
		});
	}

	const lines: string[] = [];
	const indent = (depth: number, text: string) => (depth === 0 ? text : `${'  |'.repeat(depth)}--${text}`);
	const visit = (name: string, depth: number) => {
		const group = inventory.groups.get(name);
		lines.push(indent(depth, `@${name}:`));
		for (const child of group?.children ?? []) {
			visit(child, depth + 1);
		}

		if (name !== 'all') {
			for (const host of group?.hosts ?? []) {
				lines.push(indent(depth + 1, host));
			}
		}
	};

	visit(top, 0);
	return lines.join('\n');
}
