import path from 'node:path';
import test from 'ava';
import {PbError} from '../../engine/errors.js';
import {loadInventory} from '../../engine/inventory/index.js';
import {encryptAes256} from '../../engine/vault/cipher.js';
import {formatVaultText} from '../../engine/vault/format.js';
import {fixtures, writeInventory} from './helpers/inventory-files.js';

test('a host\'s variables merge in Ansible\'s order, group_vars/all above inline group vars', async t => {
	const inventory = await loadInventory([path.join(fixtures, 'precedence', 'hosts')]);
	// Each pair of adjacent levels sets one variable; the later level must win.
	t.deepEqual(inventory.hostVars('h1'), {
		a: 'parent-inline', // [all:vars] < [parent:vars]
		b: 'child-inline', // [parent:vars] < [child:vars] (deeper group)
		c: 'group_vars-all', // [child:vars] < group_vars/all.yml
		d: 'group_vars-parent', // group_vars/all.yml < group_vars/parent.yaml
		e: 'group_vars-child', // group_vars/parent.yaml < group_vars/child (no extension)
		f: 'host-inline', // group_vars/child < host line
		g: 'host_vars', // host line < host_vars/h1.yml
	});
});

test('groups of the same depth merge by name, unless ansible_group_priority says otherwise', async t => {
	const dir = await writeInventory({
		hosts: '[beta]\nh1\n[alpha]\nh1\n[beta:vars]\nx=beta\n[alpha:vars]\nx=alpha\n',
		'prioritised/hosts': '[beta]\nh1\n[alpha]\nh1\n[beta:vars]\nx=beta\n[alpha:vars]\nx=alpha\nansible_group_priority=10\n',
	});
	t.is((await loadInventory([path.join(dir, 'hosts')])).hostVars('h1')['x'], 'beta');
	const prioritised = await loadInventory([path.join(dir, 'prioritised', 'hosts')]);
	t.is(prioritised.hostVars('h1')['x'], 'alpha');
	t.is(prioritised.groups.get('alpha')?.priority, 10);
	t.false('ansible_group_priority' in prioritised.hostVars('h1'));
});

test('a directory inventory merges its files, skips ignored ones, and reads group_vars/NAME/ directories', async t => {
	const inventory = await loadInventory([path.join(fixtures, 'directory')]);
	t.deepEqual(inventory.groupHosts('web'), ['web1', 'web2', 'web3']);
	t.deepEqual(inventory.groupHosts('db'), ['db1']);
	t.deepEqual(inventory.hostVars('web1'), {http_port: 8443, ntp_server: '10.0.0.1'});
	t.deepEqual(inventory.hostVars('web2'), {http_port: 8081, ntp_server: '10.0.0.1'});
	t.deepEqual(inventory.hostVars('db1'), {http_port: 80, ntp_server: '10.0.0.1'});
	t.deepEqual(inventory.warnings, []);
});

test('the implicit localhost has a local connection and the variables of all', async t => {
	const dir = await writeInventory({
		hosts: '[all:vars]\nfrom_inline=1\n[web]\nweb1\n',
		'group_vars/all.yml': 'from_file: 2\n',
		'host_vars/localhost.yml': 'from_host_vars: 3\n',
	});
	const inventory = await loadInventory([path.join(dir, 'hosts')]);
	t.deepEqual(inventory.hostVars('localhost'), {from_inline: 1, from_file: 2, ansible_connection: 'local', from_host_vars: 3});
	t.deepEqual(inventory.hostVars('127.0.0.1'), {from_inline: 1, from_file: 2, ansible_connection: 'local'});
	t.false(inventory.hosts.has('localhost'));
});

test('a listed localhost is an ordinary host', async t => {
	const dir = await writeInventory({hosts: 'localhost ansible_connection=ssh\n'});
	const inventory = await loadInventory([path.join(dir, 'hosts')]);
	t.deepEqual(inventory.hostVars('localhost'), {ansible_connection: 'ssh'});
});

test('with several -i sources, hosts merge and the later source\'s group_vars win', async t => {
	const dir = await writeInventory({
		'one/hosts': '[web]\nweb1\n',
		'one/group_vars/web.yml': 'port: 1\nonly_one: true\n',
		'two/hosts.yml': 'web:\n  hosts:\n    web2:\n',
		'two/group_vars/web.yml': 'port: 2\n',
	});
	const inventory = await loadInventory([path.join(dir, 'one', 'hosts'), path.join(dir, 'two', 'hosts.yml')]);
	t.deepEqual(inventory.groupHosts('web'), ['web1', 'web2']);
	t.deepEqual(inventory.hostVars('web1'), {port: 2, only_one: true});
});

test('-i accepts Ansible\'s comma-separated host list', async t => {
	const inventory = await loadInventory(['web1,web2:2222,']);
	t.deepEqual(inventory.groupHosts('ungrouped'), ['web1', 'web2']);
	t.deepEqual(inventory.hostVars('web2'), {ansible_port: 2222});
});

test('hostVars returns a fresh copy each time', async t => {
	const inventory = await loadInventory([path.join(fixtures, 'cluster-ini', 'hosts.ini')]);
	const vars = inventory.hostVars('node01');
	(vars['node_labels'] as Record<string, string>)['role'] = 'changed';
	t.deepEqual(inventory.hostVars('node01')['node_labels'], {role: 'worker'});
});

test('an inventory script is skipped with a warning', async t => {
	const dir = await writeInventory({'inventory/aws': '#!/usr/bin/env python3\nprint("{}")\n', 'inventory/hosts': 'web1\n'});
	const inventory = await loadInventory([path.join(dir, 'inventory')]);
	t.deepEqual([...inventory.hosts.keys()], ['web1']);
	t.deepEqual(inventory.warnings, [`${path.join(dir, 'inventory', 'aws')}: skipped: it is an inventory script, and pb reads static inventories only`]);
});

test('a missing inventory is an options error that says what -i takes', async t => {
	const error = await t.throwsAsync(loadInventory(['/nonexistent/hosts']), {instanceOf: PbError});
	t.is(error?.message, 'inventory /nonexistent/hosts does not exist');
	t.is(error?.kind, 'options');
});

test('asking for a host that is not in the inventory names it', async t => {
	const inventory = await loadInventory([path.join(fixtures, 'cluster-ini', 'hosts.ini')]);
	const error = t.throws(() => inventory.hostVars('node99'), {instanceOf: PbError});
	t.is(error?.message, 'host \'node99\' is not in the inventory');
});

test('a group_vars file that is not a mapping is an error at its first line', async t => {
	const dir = await writeInventory({hosts: 'web1\n', 'group_vars/all.yml': '- ntp_server\n'});
	const file = path.join(dir, 'group_vars', 'all.yml');
	const error = await t.throwsAsync(loadInventory([path.join(dir, 'hosts')]), {instanceOf: PbError});
	t.is(error?.message, `${file} must hold a mapping of variable names to values, but it holds a list`);
	t.deepEqual(error?.where, {file, line: 1, column: 1});
});

test('a vault-encrypted vars file without a vault password is an error that says what to pass', async t => {
	const vault = formatVaultText(encryptAes256(Buffer.from('a: 1\n'), Buffer.from('pw'), undefined));
	const dir = await writeInventory({hosts: 'web1\n', 'host_vars/web1.yml': vault});
	const file = path.join(dir, 'host_vars', 'web1.yml');
	const error = await t.throwsAsync(loadInventory([path.join(dir, 'hosts')]), {instanceOf: PbError});
	t.is(error?.message, `cannot decrypt ${file}: no vault password was given`);
	t.is(error?.hint, 'Pass the vault password with --vault-password-file FILE, --vault-id LABEL@FILE or --ask-vault-pass.');
});

test('a YAML syntax error in host_vars points at its line', async t => {
	const dir = await writeInventory({hosts: 'web1\n', 'host_vars/web1': 'a: 1\n b: 2\n'});
	const error = await t.throwsAsync(loadInventory([path.join(dir, 'hosts')]), {instanceOf: PbError});
	t.is(error?.where?.file, path.join(dir, 'host_vars', 'web1'));
	t.is(error?.where?.line, 2);
	t.regex(error?.message ?? '', /^YAML syntax error/);
});

/** An inventory in inv/ and a playbook's folder play/, each with group_vars/ and host_vars/. */
async function inventoryAndPlaybookDirs(): Promise<string> {
	return writeInventory({
		'inv/hosts': '[web]\nh1 e=host-inline f=host-inline\n[web:vars]\na=inline-group\n[all:vars]\na=inline-all\n',
		'inv/group_vars/all.yml': 'a: inv-group_vars-all\nb: inv-group_vars-all\n',
		'play/group_vars/all.yml': 'b: play-group_vars-all\nc: play-group_vars-all\n',
		'inv/group_vars/web.yml': 'c: inv-group_vars-web\nd: inv-group_vars-web\n',
		'play/group_vars/web.yml': 'd: play-group_vars-web\ne: play-group_vars-web\n',
		'inv/host_vars/h1.yml': 'f: inv-host_vars\ng: inv-host_vars\n',
		'play/host_vars/h1.yml': 'g: play-host_vars\n',
		'play/host_vars/localhost.yml': 'only_local: yes\n',
	});
}

test('group_vars/ and host_vars/ beside the playbook sit between the inventory\'s, in Ansible\'s documented order', async t => {
	const dir = await inventoryAndPlaybookDirs();
	const inventory = await loadInventory([path.join(dir, 'inv', 'hosts')], [path.join(dir, 'play')]);
	// Each pair of adjacent levels sets one variable; the later level must win (as ansible-playbook 2.14 gave).
	t.deepEqual(inventory.hostVars('h1'), {
		a: 'inv-group_vars-all', // inventory file group vars < inventory group_vars/all
		b: 'play-group_vars-all', // inventory group_vars/all < playbook group_vars/all
		c: 'inv-group_vars-web', // playbook group_vars/all < inventory group_vars/web
		d: 'play-group_vars-web', // inventory group_vars/web < playbook group_vars/web
		e: 'host-inline', // playbook group_vars/web < inventory file host vars
		f: 'inv-host_vars', // inventory file host vars < inventory host_vars/
		g: 'play-host_vars', // inventory host_vars/ < playbook host_vars/
	});
	t.is(inventory.hostVars('localhost')['only_local'], true);
});

test('without the playbook\'s folder, only the inventory\'s group_vars/ and host_vars/ count; the same folder twice counts once', async t => {
	const dir = await inventoryAndPlaybookDirs();
	const inventoryOnly = await loadInventory([path.join(dir, 'inv', 'hosts')]);
	t.like(inventoryOnly.hostVars('h1'), {b: 'inv-group_vars-all', d: 'inv-group_vars-web', g: 'inv-host_vars'});
	const same = await loadInventory([path.join(dir, 'inv', 'hosts')], [path.join(dir, 'inv'), path.join(dir, 'inv/')]);
	t.deepEqual(same.hostVars('h1'), inventoryOnly.hostVars('h1'));
});
