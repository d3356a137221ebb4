import path from 'node:path';
import test from 'ava';
import {PbError} from '../../engine/errors.js';
import {loadInventory, type Inventory} from '../../engine/inventory/index.js';
import {fixtures, writeInventory} from './helpers/inventory-files.js';

const load = async (files: Record<string, string>, name: string) => {
	const dir = await writeInventory(files);
	return {file: path.join(dir, name), inventory: await loadInventory([path.join(dir, name)])};
};

const membership = (inventory: Inventory) => Object.fromEntries([...inventory.groups.keys()].map(group => [group, inventory.groupHosts(group)]));
const allVars = (inventory: Inventory) => Object.fromEntries([...inventory.hosts.keys()].map(host => [host, inventory.hostVars(host)]));

test('the YAML form of an inventory gives the same hosts, groups and variables as its INI form', async t => {
	const yaml = await loadInventory([path.join(fixtures, 'cluster-yaml', 'hosts.yml')]);
	const ini = await loadInventory([path.join(fixtures, 'cluster-ini', 'hosts.ini')]);
	t.deepEqual([...yaml.hosts.keys()], [...ini.hosts.keys()]);
	t.deepEqual(membership(yaml), membership(ini));
	t.deepEqual(allVars(yaml), allVars(ini));
	t.deepEqual(yaml.hosts.get('gpu-node')?.vars, {ansible_port: 2222, motd: 'hello world', mode: '0644', gpu: true, ratio: 1.5});
	t.deepEqual(yaml.groups.get('k8s_cluster')?.children, ['kube_control_plane', 'kube_node']);
});

test('hosts listed under all: are also in ungrouped, as Ansible puts them', async t => {
	const yaml = await loadInventory([path.join(fixtures, 'cluster-yaml', 'hosts.yml')]);
	t.deepEqual(yaml.groups.get('all')?.hosts, ['bastion']);
	t.deepEqual(yaml.groups.get('ungrouped')?.hosts, ['bastion']);
});

test('a string under hosts: names one host, and YAML 1.1 booleans read as booleans', async t => {
	const {inventory} = await load({'hosts.yaml': 'web:\n  hosts: web1\n  vars:\n    ansible_become: yes\n'}, 'hosts.yaml');
	t.deepEqual(inventory.groups.get('web')?.hosts, ['web1']);
	t.deepEqual(inventory.hostVars('web1'), {ansible_become: true});
});

test('a file without extension is read as YAML when it is a YAML mapping', async t => {
	const {inventory} = await load({hosts: 'all:\n  children:\n    db:\n      hosts:\n        db[1:2]:\n'}, 'hosts');
	t.deepEqual(inventory.groups.get('db')?.hosts, ['db1', 'db2']);
});

test('what Ansible only warns about in a YAML inventory is a warning with file:line:column', async t => {
	const {inventory, file} = await load({'hosts.yml': 'all:\n  host:\n    web1:\n  children:\n    web: [web1]\n'}, 'hosts.yml');
	t.deepEqual(inventory.warnings, [
		`${file}:2:3: skipping unexpected key (host) in group (all), only "vars", "children" and "hosts" are valid`,
		`${file}:5:5: skipping 'web' as this is not a valid group definition (it is a list, not a mapping)`,
	]);
	t.deepEqual([...inventory.hosts.keys()], []);
});

const badYaml = test.macro({
	async exec(t, text: string, message: (file: string) => string, line: number, column: number) {
		const dir = await writeInventory({'hosts.yml': text});
		const file = path.join(dir, 'hosts.yml');
		const error = await t.throwsAsync(loadInventory([file]), {instanceOf: PbError});
		t.is(error?.message, message(file));
		t.deepEqual(error?.where, {file, line, column});
		t.truthy(error?.hint);
	},
	title: (_, text) => `YAML error for ${JSON.stringify(text)}`,
});

test(badYaml, '- web1\n- web2\n', file => `a YAML inventory must be a mapping of group names, such as 'all:', but ${file} holds a list`, 1, 1);
test(badYaml, 'plugin: aws_ec2\nregions: [eu-west-1]\n', file => `${file} configures the inventory plugin 'aws_ec2'; pb reads static INI and YAML inventories only`, 1, 1);
test(badYaml, 'all:\n  hosts:\n    - web1\n', () => '\'hosts\' of group \'all\' must be a mapping, but it is a list', 2, 3);
test(badYaml, 'all:\n  hosts:\n    web1: 10.0.0.1\n', () => 'host \'web1\' in group \'all\' must be followed by a mapping of its variables, but it is string "10.0.0.1"', 3, 11);
test(badYaml, 'all:\n  children:\n    web:\n      hosts:\n        web[3:1]:\n', () => 'host range [3:1] runs backwards: begin must be at most end', 5, 9);
test(badYaml, 'all:\n  hosts:\n    web1:\n   ansible_host: x\n', () => 'YAML syntax error: bad indentation of a mapping entry', 4, 4);
