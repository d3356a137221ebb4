import {join} from 'node:path';
import test from 'ava';
import {loadInventory} from '../../engine/inventory/inventory.js';
import {workspace} from '../helpers/playbook-run.js';

async function sample() {
	const dir = workspace({
		hosts: 'lone\n[web]\nweb1\n[db]\ndb1\n',
		'group_vars/os_debian.yml': 'family: debian\n',
		'host_vars/new1.yml': 'from_file: yes\n',
	});
	return loadInventory([join(dir, 'hosts')]);
}

test('add_host: a new host is in all first (as Ansible lists it), in its groups, with its variables and its host_vars file; the old inventory stays', async t => {
	const inventory = await sample();
	const {inventory: grown, changed, touched} = inventory.withChange({kind: 'add-host', host: 'new1', groups: ['web', 'extra'], vars: {ansible_host: '10.0.0.9'}});
	t.true(changed);
	t.deepEqual(touched, ['new1']);
	t.deepEqual(grown.groupHosts('all'), ['new1', 'lone', 'web1', 'db1']);
	t.deepEqual(grown.groupHosts('web'), ['web1', 'new1']);
	t.deepEqual(grown.groupHosts('extra'), ['new1']);
	t.deepEqual(grown.hosts.get('new1')?.groups, ['extra', 'web']);
	t.like(grown.hostVars('new1'), {ansible_host: '10.0.0.9', from_file: true});
	t.false(inventory.hosts.has('new1'));
	t.false(inventory.groups.has('extra'));
	t.false(grown.withChange({kind: 'add-host', host: 'new1', groups: ['web'], vars: {ansible_host: '10.0.0.9'}}).changed, 'the same again changes nothing');
	t.true(grown.withChange({kind: 'add-host', host: 'new1', groups: [], vars: {ansible_host: '10.0.0.10'}}).changed, 'a new value is a change');
});

test('add_host: a host in no group is ungrouped; joining one takes it out of ungrouped', async t => {
	const inventory = await sample();
	const alone = inventory.withChange({kind: 'add-host', host: 'new2', groups: [], vars: {}}).inventory;
	t.deepEqual(alone.groupHosts('ungrouped'), ['lone', 'new2']);
	const lone = inventory.withChange({kind: 'add-host', host: 'lone', groups: ['web'], vars: {}}).inventory;
	t.deepEqual(lone.groupHosts('ungrouped'), []);
	t.deepEqual(lone.hosts.get('lone')?.groups, ['web']);
});

test('group_by: the host joins a new group under its parents; its group_vars are read; members of a newly linked group gain the parent', async t => {
	const inventory = await sample();
	const first = inventory.withChange({kind: 'add-group', host: 'web1', group: 'os_debian', parents: ['linux']});
	t.true(first.changed);
	t.deepEqual(first.inventory.hosts.get('web1')?.groups, ['linux', 'os_debian', 'web']);
	t.like(first.inventory.hostVars('web1'), {family: 'debian'});
	t.is(first.inventory.groups.get('os_debian')?.depth, 2);
	const again = first.inventory.withChange({kind: 'add-group', host: 'web1', group: 'os_debian', parents: ['linux']});
	t.false(again.changed);
	const second = first.inventory.withChange({kind: 'add-group', host: 'db1', group: 'os_debian', parents: ['servers']});
	t.true(second.changed);
	t.deepEqual([...second.touched].sort(), ['db1', 'web1'], 'web1 is in os_debian, now under servers too');
	t.deepEqual(second.inventory.hosts.get('web1')?.groups, ['linux', 'os_debian', 'servers', 'web']);
	t.false(second.inventory.withChange({kind: 'add-group', host: 'db1', group: 'linux', parents: ['os_debian']}).changed === undefined);
	t.deepEqual(second.inventory.withChange({kind: 'add-group', host: 'db1', group: 'linux', parents: ['os_debian']}).inventory.groups.get('linux')?.parents, ['all'], 'a link that would make a loop is not made');
});
