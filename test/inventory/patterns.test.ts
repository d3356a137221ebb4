import path from 'node:path';
import test from 'ava';
import {PbError} from '../../engine/errors.js';
import {loadInventory, type Inventory} from '../../engine/inventory/index.js';
import {fixtures} from './helpers/inventory-files.js';

// bastion (ungrouped); etcd: master1; k8s_cluster > kube_control_plane: master1, master2;
// k8s_cluster > kube_node: node01, node02, node03, gpu-node.
let inventory: Inventory;
test.before(async () => {
	inventory = await loadInventory([path.join(fixtures, 'cluster-ini', 'hosts.ini')]);
});

const selects = test.macro({
	exec(t, pattern: string | string[], hosts: string[], limit?: string) {
		t.deepEqual(inventory.selectHosts(pattern, limit), {hosts, warnings: []});
	},
	title: (_, pattern, __, limit) => `pattern ${JSON.stringify(pattern)}${limit ? ` with --limit ${limit}` : ''}`,
});

const everyone = ['bastion', 'master1', 'master2', 'node01', 'node02', 'node03', 'gpu-node'];
test(selects, 'all', everyone);
test(selects, '*', everyone);
test(selects, 'kube_node', ['node01', 'node02', 'node03', 'gpu-node']);
test(selects, 'k8s_cluster', ['master1', 'master2', 'node01', 'node02', 'node03', 'gpu-node']);
test(selects, 'ungrouped', ['bastion']);
test(selects, 'node02', ['node02']);
test(selects, 'node0*', ['node01', 'node02', 'node03']);
test(selects, 'node0[!2]', ['node01', 'node03']);
test(selects, 'kube_*', ['master1', 'master2', 'node01', 'node02', 'node03', 'gpu-node']);
test(selects, '~(master|gpu).*', ['master1', 'master2', 'gpu-node']);
test(selects, 'etcd:kube_node', ['master1', 'node01', 'node02', 'node03', 'gpu-node']);
test(selects, 'etcd, bastion', ['master1', 'bastion']);
test(selects, ['etcd', 'bastion'], ['master1', 'bastion']);
test(selects, 'k8s_cluster:!kube_node', ['master1', 'master2']);
test(selects, 'k8s_cluster:&etcd', ['master1']);
test(selects, '!k8s_cluster', ['bastion']);
test(selects, '!kube_node:etcd:kube_control_plane', ['master1', 'master2']);
test(selects, 'kube_node[0]', ['node01']);
test(selects, 'kube_node[-1]', ['gpu-node']);
test(selects, 'kube_node[1:2]', ['node02', 'node03']);
test(selects, 'kube_node[2:]', ['node03', 'gpu-node']);
test(selects, 'localhost', ['localhost']);
test(selects, 'all', ['master1', 'node01'], 'node01,etcd');
test(selects, 'k8s_cluster', ['node01', 'node02', 'node03', 'gpu-node'], 'kube_node');

test('a pattern that matches nothing gives Ansible\'s warning, and the rest still matches', t => {
	t.deepEqual(inventory.selectHosts('etcd:workers'), {
		hosts: ['master1'],
		warnings: ['Could not match supplied host pattern, ignoring: workers'],
	});
	t.deepEqual(inventory.selectHosts('all', 'nodes'), {
		hosts: [],
		warnings: ['Could not match supplied host pattern, ignoring: nodes'],
	});
});

test('a subscript past the end of a group is an error', t => {
	const error = t.throws(() => inventory.selectHosts('etcd[3]'), {instanceOf: PbError});
	t.is(error?.message, 'No hosts matched the subscripted pattern \'etcd[3]\'');
	t.is(error?.hint, '\'etcd\' matches 1 host, numbered from 0 (or from -1 backwards).');
});

test('a broken regular expression is an error naming the pattern', t => {
	const error = t.throws(() => inventory.selectHosts('~node(0'), {instanceOf: PbError});
	t.regex(error?.message ?? '', /^invalid host pattern '~node\(0': /);
});
