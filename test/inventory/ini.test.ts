import path from 'node:path';
import test from 'ava';
import {formatError, PbError} from '../../engine/errors.js';
import {loadInventory} from '../../engine/inventory/index.js';
import {fixtures, writeInventory} from './helpers/inventory-files.js';

const cluster = path.join(fixtures, 'cluster-ini', 'hosts.ini');

test('an INI inventory gives groups with their hosts, children and parents', async t => {
	const inventory = await loadInventory([cluster]);
	t.deepEqual([...inventory.groups.keys()], ['all', 'ungrouped', 'kube_control_plane', 'etcd', 'kube_node', 'k8s_cluster']);
	t.deepEqual(inventory.groups.get('kube_node')?.hosts, ['node01', 'node02', 'node03', 'gpu-node']);
	t.deepEqual(inventory.groups.get('k8s_cluster')?.children, ['kube_control_plane', 'kube_node']);
	t.deepEqual(inventory.groups.get('kube_node')?.parents, ['k8s_cluster']);
	// Groups without a parent hang under all, after the implicit ungrouped.
	t.deepEqual(inventory.groups.get('all')?.children, ['ungrouped', 'etcd', 'k8s_cluster']);
	t.deepEqual(inventory.groups.get('kube_node')?.depth, 2);
});

test('hosts before the first section are ungrouped; every host knows all its groups', async t => {
	const inventory = await loadInventory([cluster]);
	t.deepEqual(inventory.groups.get('ungrouped')?.hosts, ['bastion']);
	t.deepEqual(inventory.hosts.get('bastion')?.groups, ['ungrouped']);
	t.deepEqual(inventory.hosts.get('master1')?.groups, ['etcd', 'k8s_cluster', 'kube_control_plane']);
	t.is(inventory.hosts.get('master1')?.source, cluster);
});

test('host line values are read as Ansible reads them: numbers, booleans, dicts, quoted text', async t => {
	const inventory = await loadInventory([cluster]);
	t.deepEqual(inventory.hosts.get('gpu-node')?.vars, {ansible_port: 2222, motd: 'hello world', mode: '0644', gpu: true, ratio: 1.5});
	t.deepEqual(inventory.hosts.get('node02')?.vars, {node_labels: {role: 'worker'}});
	t.deepEqual(inventory.groups.get('k8s_cluster')?.vars, {container_manager: 'containerd', max_pods: 110});
});

test('a child group may be declared after the [parent:children] that names it', async t => {
	const dir = await writeInventory({hosts: '[cluster:children]\nweb\n\n[cluster:vars]\nx=1\n\n[web]\nweb1\n'});
	const inventory = await loadInventory([path.join(dir, 'hosts')]);
	t.deepEqual(inventory.groups.get('cluster')?.children, ['web']);
	t.deepEqual(inventory.groupHosts('cluster'), ['web1']);
});

test('a host in two groups is one host with the variables of both lines', async t => {
	const dir = await writeInventory({hosts: '[a]\nh1 x=1 y=1\n[b]\nh1 y=2\n'});
	const inventory = await loadInventory([path.join(dir, 'hosts')]);
	t.deepEqual([...inventory.hosts.keys()], ['h1']);
	t.deepEqual(inventory.hosts.get('h1')?.vars, {x: 1, y: 2});
	t.deepEqual(inventory.hosts.get('h1')?.groups, ['a', 'b']);
});

test('a [g:vars] value keeps its quotes\' meaning and an INI file without extension is read as INI', async t => {
	const dir = await writeInventory({hosts: '[web]\nweb1\n[web:vars]\nquoted="1"\nnumber=1\nspaced = a b c\n'});
	const inventory = await loadInventory([path.join(dir, 'hosts')]);
	t.deepEqual(inventory.groups.get('web')?.vars, {quoted: '1', number: 1, spaced: 'a b c'});
});

const badIni = test.macro({
	async exec(t, text: string, message: string, line: number, column: number) {
		const dir = await writeInventory({'hosts.ini': text});
		const file = path.join(dir, 'hosts.ini');
		const error = await t.throwsAsync(loadInventory([file]), {instanceOf: PbError});
		t.is(error?.message, message);
		t.deepEqual(error?.where, {file, line, column});
		t.is(error?.kind, 'parse');
		t.truthy(error?.hint);
	},
	title: (_, __, message) => `INI error: ${message}`,
});

test(badIni, '[web]\nweb1\n[web:var]\nx=1\n', 'section [web:var] has unknown type \'var\'', 3, 1);
test(badIni, '[web servers]\nweb1\n', 'invalid section header [web servers]', 1, 1);
test(badIni, '[web]\nweb1 ansible_port=22 become\n', 'expected key=value after the host name, got \'become\'', 2, 22);
test(badIni, '[web]\n  web1 motd="hello\n', 'the " opened here is never closed', 2, 13);
test(badIni, '[web]\nweb1\n[web:vars]\nntp_server\n', 'expected key=value in [web:vars], got \'ntp_server\'', 4, 1);
test(badIni, '[web]\nweb1\n[all:children]\nweb db\n', 'expected one group name in [all:children], got \'web db\'', 4, 1);
test(badIni, '[k8s:children]\nmasters\nworkers\n[masters]\nm1\n', '[k8s:children] names group \'workers\', which is not defined', 3, 1);
test(badIni, '[web]\nweb1\n\n[db:vars]\nport=5432\n', 'section [db:vars] is for group \'db\', which is not defined', 4, 1);
test(badIni, '[a:children]\nb\n[b:children]\na\n', 'making \'a\' a child of \'b\' creates a loop: \'a\' is already an ancestor of \'b\'', 4, 1);
test(badIni, '[web]\nnode[01:100]\n', 'host range [01:100] pads with zeros, so begin and end must have the same number of digits', 2, 1);
test(badIni, '---\nall:\n  hosts:\n', '\'---\' is not a host name: this file looks like YAML', 1, 1);

test('an INI error reads as file:line:column, the line with a caret, then what to do', async t => {
	const dir = await writeInventory({'hosts.ini': '[web]\nweb1\nweb2 ansible_port=22 become\nweb3\n'});
	const file = path.join(dir, 'hosts.ini');
	const error = await t.throwsAsync(loadInventory([file]));
	t.is(formatError(error), [
		`${file}:3:22: expected key=value after the host name, got 'become'`,
		'  2 | web1',
		'> 3 | web2 ansible_port=22 become',
		'    |                      ^',
		'  4 | web3',
		'Set host variables as key=value, and quote values that hold blanks: motd="hello world".',
	].join('\n'));
});
