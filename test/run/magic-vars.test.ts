import test from 'ava';
import {factlessPlay, localInventory, runPlaybook, workspace} from '../helpers/playbook-run.js';

/** What `debug: var=NAME` printed on each host, parsed. */
function shown(printed: ReadonlyArray<{host: string; msg: string}>, name: string): Array<[string, unknown]> {
	return printed.flatMap(({host, msg}) => {
		const value = (JSON.parse(msg) as Record<string, unknown>)[name];
		return value === undefined ? [] : [[host, value] as [string, unknown]];
	});
}

test('ansible_play_hosts_all, ansible_play_hosts (without the failed), ansible_play_batch and play_hosts (the serial batch), as ansible-playbook 2.14 gives them', async t => {
	const dir = workspace({
		hosts: `[web]\n${localInventory('w1.example.com', 'w2', 'w3')}`,
		'play.yml': factlessPlay(`    - fail:
        msg: x
      when: inventory_hostname == 'w2'
    - debug: var=ansible_play_hosts_all
    - debug: var=ansible_play_hosts
    - debug: var=ansible_play_batch
    - debug: var=play_hosts
    - debug: var=inventory_hostname_short
`, '  serial: 2\n'),
	});
	const {printed} = await runPlaybook(dir);
	const all = ['w1.example.com', 'w2', 'w3'];
	t.deepEqual(shown(printed, 'ansible_play_hosts_all'), [['w1.example.com', all], ['w3', all]]);
	t.deepEqual(shown(printed, 'ansible_play_hosts'), [['w1.example.com', ['w1.example.com', 'w3']], ['w3', ['w1.example.com', 'w3']]]);
	t.deepEqual(shown(printed, 'ansible_play_batch'), [['w1.example.com', ['w1.example.com']], ['w3', ['w3']]]);
	t.deepEqual(shown(printed, 'play_hosts'), [['w1.example.com', ['w1.example.com']], ['w3', ['w3']]]);
	t.deepEqual(shown(printed, 'inventory_hostname_short'), [['w1.example.com', 'w1'], ['w3', 'w3']]);
});

test('the command line\'s options as Ansible\'s variables: ansible_run_tags, ansible_skip_tags, ansible_limit, ansible_version, and the others', async t => {
	const dir = workspace({
		hosts: localInventory('h1', 'h2'),
		'play.yml': factlessPlay(`    - debug: var=ansible_run_tags
      tags: [foo]
    - debug: var=ansible_skip_tags
      tags: [foo]
    - debug: var=ansible_limit
      tags: [foo]
    - debug: var=ansible_version
      tags: [foo]
    - debug:
        msg: "{{ ansible_version.full }} {{ ansible_diff_mode }} {{ ansible_forks }} {{ ansible_verbosity }} {{ ansible_play_name }}"
      tags: [foo]
`),
	});
	const {printed} = await runPlaybook(dir, {tags: ['foo'], skipTags: ['bar'], limit: 'h1', forks: 7});
	t.deepEqual(shown(printed.slice(0, 4), 'ansible_run_tags'), [['h1', ['foo']]]);
	t.deepEqual(shown(printed.slice(0, 4), 'ansible_skip_tags'), [['h1', ['bar']]]);
	t.deepEqual(shown(printed.slice(0, 4), 'ansible_limit'), [['h1', 'h1']]);
	t.deepEqual(shown(printed.slice(0, 4), 'ansible_version'), [['h1', {string: '2.14.18', full: '2.14.18', major: 2, minor: 14, revision: 18}]]);
	t.is(printed[4]?.msg, '2.14.18 False 7 0 all');
});

test('without --tags, ansible_run_tags is [all]; without --limit, ansible_limit is not defined', async t => {
	const dir = workspace({
		hosts: localInventory('h1'),
		'play.yml': factlessPlay(`    - debug: var=ansible_run_tags
    - debug: msg=no-limit
      when: ansible_limit is not defined
`),
	});
	const {printed} = await runPlaybook(dir);
	t.deepEqual(shown(printed.slice(0, 1), 'ansible_run_tags'), [['h1', ['all']]]);
	t.is(printed[1]?.msg, 'no-limit');
});

test('group_names is sorted, as Ansible sorts it, whatever the inventory\'s order', async t => {
	const dir = workspace({
		hosts: '[zeta]\nh1 ansible_connection=local\n[alpha]\nh1\n[Mid]\nh1\n',
		'play.yml': factlessPlay('    - debug: var=group_names\n'),
	});
	const {printed} = await runPlaybook(dir);
	t.deepEqual(shown(printed, 'group_names'), [['h1', ['Mid', 'alpha', 'zeta']]]);
});

test('hostvars shows another host\'s group_names and inventory_hostname_short too', async t => {
	const dir = workspace({
		hosts: '[web]\nw1 ansible_connection=local\n[db]\nd1 ansible_connection=local\n',
		'play.yml': factlessPlay(`    - debug:
        msg: "{{ hostvars.w1.group_names.0 }} {{ hostvars.w1.inventory_hostname_short }}"
      when: inventory_hostname == 'd1'
`),
	});
	const {printed} = await runPlaybook(dir);
	t.deepEqual(printed, [{host: 'd1', msg: 'web w1'}]);
});
