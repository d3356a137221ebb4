import {readFile} from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import {PbError} from '../../engine/errors.js';
import {graphInventory, listInventory, loadInventory} from '../../engine/inventory/index.js';
import {fixtures} from './helpers/inventory-files.js';

const expected = async (name: string) => (await readFile(path.join(fixtures, 'expected', name), 'utf8')).trimEnd();
const cluster = async () => loadInventory([path.join(fixtures, 'cluster-ini', 'hosts.ini')]);

test('--list prints what ansible-inventory --list prints: sorted keys, 4 spaces, merged hostvars', async t => {
	t.is(listInventory(await cluster()), await expected('cluster-list.json'));
});

test('--graph prints ansible-inventory\'s @all: tree', async t => {
	t.is(graphInventory(await cluster()), await expected('cluster-graph.txt'));
});

test('--graph can start from a group', async t => {
	t.is(graphInventory(await cluster(), 'kube_control_plane'), '@kube_control_plane:\n  |--master1\n  |--master2');
});

test('--graph from something that is not a group is an options error', async t => {
	const inventory = await cluster();
	const error = t.throws(() => graphInventory(inventory, 'master1'), {instanceOf: PbError});
	t.is(error?.message, '\'master1\' is not a group of the inventory, and --graph starts from a group');
	t.is(error?.kind, 'options');
});

test('--list --export puts each group\'s own vars on the group and only host vars on hosts; empty groups are left out', async t => {
	const inventory = await loadInventory([path.join(fixtures, 'precedence', 'hosts')]);
	t.deepEqual(JSON.parse(listInventory(inventory, {export: true})), {
		_meta: {hostvars: {h1: {f: 'host-inline', g: 'host_vars'}}},
		all: {children: ['ungrouped', 'parent'], vars: {a: 'all-inline', c: 'group_vars-all', d: 'group_vars-all'}},
		parent: {children: ['child'], vars: {a: 'parent-inline', b: 'parent-inline', d: 'group_vars-parent', e: 'group_vars-parent'}},
		child: {hosts: ['h1'], vars: {b: 'child-inline', c: 'child-inline', e: 'group_vars-child', f: 'group_vars-child'}},
	});
});
