import {userInfo} from 'node:os';
import test from 'ava';
import {PbError} from '../../engine/errors.js';
import {connectionSettings, loadInventory} from '../../engine/inventory/index.js';

test('a host without connection variables gets Ansible\'s defaults', t => {
	t.deepEqual(connectionSettings('web1', {}), {
		connection: 'ssh',
		address: 'web1',
		port: 22,
		user: userInfo().username,
		password: undefined,
		privateKeyFile: undefined,
		hostKeyChecking: true,
		become: false,
		becomeUser: 'root',
		becomePassword: undefined,
		connectTimeoutSeconds: undefined,
		keepalive: {intervalSeconds: 6, countMax: 4},
	});
});

test('the connection variables of the inventory are read into settings', t => {
	t.deepEqual(connectionSettings('web1', {
		ansible_connection: 'ssh',
		ansible_host: '10.0.0.5',
		ansible_port: 2222,
		ansible_user: 'deploy',
		ansible_password: 'pw',
		ansible_ssh_private_key_file: '~/.ssh/id_ed25519',
		ansible_host_key_checking: 'no',
		ansible_become: 'yes',
		ansible_become_user: 'postgres',
		ansible_become_password: 'sudo-pw',
		ansible_ssh_timeout: '30',
	}), {
		connection: 'ssh',
		address: '10.0.0.5',
		port: 2222,
		user: 'deploy',
		password: 'pw',
		privateKeyFile: '~/.ssh/id_ed25519',
		hostKeyChecking: false,
		become: true,
		becomeUser: 'postgres',
		becomePassword: 'sudo-pw',
		connectTimeoutSeconds: 30,
		keepalive: {intervalSeconds: 6, countMax: 4},
	});
});

test('Ansible\'s older variable names still work', t => {
	const settings = connectionSettings('web1', {
		ansible_ssh_host: '10.0.0.6', ansible_ssh_port: '2200', ansible_ssh_user: 'old', ansible_ssh_pass: 'pw', ansible_become_pass: 'sudo', ansible_timeout: 20,
	});
	t.is(settings.connectTimeoutSeconds, 20);
	t.is(settings.address, '10.0.0.6');
	t.is(settings.port, 2200);
	t.is(settings.user, 'old');
	t.is(settings.password, 'pw');
	t.is(settings.becomePassword, 'sudo');
});

test('the implicit localhost connects locally', async t => {
	const inventory = await loadInventory(['web1,']);
	t.is(connectionSettings('localhost', inventory.hostVars('localhost')).connection, 'local');
});

const rejects = test.macro({
	exec(t, vars: Record<string, unknown>, message: string) {
		const error = t.throws(() => connectionSettings('web1', vars), {instanceOf: PbError});
		t.is(error?.message, message);
	},
	title: (_, vars) => `connection settings reject ${JSON.stringify(vars)}`,
});

test(rejects, {ansible_port: 'ssh'}, 'host \'web1\' has ansible_port="ssh", which is not a port number');
test(rejects, {ansible_ssh_port: 0}, 'host \'web1\' has ansible_ssh_port=0, which is not a port number');
test(rejects, {ansible_ssh_timeout: '10s'}, 'host \'web1\' has ansible_ssh_timeout="10s", which is not a number of seconds');
test(rejects, {ansible_connection: 'docker'}, 'host \'web1\' has ansible_connection=docker, but pb connects with ssh or local only');
test(rejects, {ansible_become: 'sometimes'}, 'host \'web1\' has ansible_become="sometimes", which is not a boolean');

test('the command line\'s -c, -u, --private-key, -k, -b, --become-user and -K hold where the inventory says nothing', t => {
	const defaults = {connection: 'local', user: 'deploy', privateKeyFile: '/keys/deploy', password: 'p1', become: true, becomeUser: 'admin', becomePassword: 'p2'} as const;
	t.like(connectionSettings('node1', {}, defaults), {connection: 'local', user: 'deploy', privateKeyFile: '/keys/deploy', password: 'p1', become: true, becomeUser: 'admin', becomePassword: 'p2'});
	const inventory = {
		ansible_connection: 'ssh', ansible_user: 'ops', ansible_ssh_private_key_file: '/keys/ops', ansible_password: 'i1',
		ansible_become: 'no', ansible_become_user: 'web', ansible_become_password: 'i2',
	};
	t.like(connectionSettings('node1', inventory, defaults), {connection: 'ssh', user: 'ops', privateKeyFile: '/keys/ops', password: 'i1', become: false, becomeUser: 'web', becomePassword: 'i2'});
});

test('a host that stops answering is lost within 30 s unless set: ServerAlive options from its ssh args, then ansible.cfg\'s, else from ansible_ssh_timeout', t => {
	const keepalive = (vars: Record<string, unknown>, sshArgs?: string) => connectionSettings('node1', vars, sshArgs === undefined ? {} : {sshArgs}).keepalive;
	t.deepEqual(keepalive({}), {intervalSeconds: 6, countMax: 4}, 'lost after 4 to 5 silent intervals of 6 s: at most 30 s');
	t.deepEqual(keepalive({ansible_ssh_timeout: 10}), {intervalSeconds: 2, countMax: 4});
	t.deepEqual(keepalive({ansible_ssh_common_args: '-o StrictHostKeyChecking=yes -o ServerAliveInterval=3'}), {intervalSeconds: 3, countMax: 4});
	t.deepEqual(keepalive({ansible_ssh_extra_args: '-oServerAliveCountMax=2'}, '-o ServerAliveInterval 7 -o ServerAliveCountMax=9'), {intervalSeconds: 7, countMax: 2}, 'the host\'s own first, then ansible.cfg\'s, key by key');
	const error = t.throws(() => keepalive({ansible_ssh_common_args: '-o ServerAliveInterval=soon'}), {instanceOf: PbError});
	t.is(error?.message, 'host \'node1\': ansible_ssh_common_args sets ServerAliveInterval to "soon", which is not a whole number from 1 up');
});
