import test from 'ava';
import {factlessPlay, localInventory, runPlaybook, workspace} from '../helpers/playbook-run.js';

test('add_host adds a new host, connected with the variables given, for the plays after; it runs once, for the first host only', async t => {
	const dir = workspace({
		hosts: localInventory('node1', 'node2'),
		'play.yml': `${factlessPlay(`    - add_host:
        name: added
        groups: [late]
        ansible_connection: local
        colour: blue
      register: added
`)}
- hosts: late
  gather_facts: false
  tasks:
    - debug:
        msg: "{{ inventory_hostname }} {{ colour }} {{ group_names }} {{ groups.all }}"
`,
	});
	const run = await runPlaybook(dir);
	t.deepEqual(run.results.filter(result => result.task === 'add_host').map(result => [result.host, result.status]), [['node1', 'changed']]);
	t.deepEqual(run.printed, [{host: 'added', msg: 'added blue [\'late\'] [\'added\', \'node1\', \'node2\']'}]);
	t.deepEqual(Object.keys(run.recap).sort(), ['added', 'node1', 'node2']);
	t.like(run.recap['node2'], {ok: 0, changed: 0});
});

test('group_by: each host in its group; --check makes the groups too, so later plays run on them', async t => {
	const dir = workspace({
		hosts: '[web]\nnode1 ansible_connection=local\n[db]\nnode2 ansible_connection=local\n',
		'play.yml': `${factlessPlay(`    - group_by:
        key: "tier_{{ group_names[0] }}"
        parents: [tiers]
`)}
- hosts: tier_db
  gather_facts: false
  tasks:
    - debug: {msg: "in {{ group_names }}"}
`,
	});
	for (const check of [false, true]) {
		const run = await runPlaybook(dir, {check});
		t.deepEqual(run.results.filter(result => result.task === 'group_by').map(result => result.status), ['changed', 'changed']);
		t.deepEqual(run.printed, [{host: 'node2', msg: 'in [\'db\', \'tier_db\', \'tiers\']'}]);
	}
});

test('include_vars with run_once: every host gets the variables; with a loop, later files win', async t => {
	const dir = workspace({
		hosts: localInventory('node1', 'node2'),
		'vars/a.yml': 'which: a\nonly_a: 1\n',
		'vars/b.json': '{"which": "b"}',
		'play.yml': factlessPlay(`    - include_vars: "{{ item }}"
      loop: [a.yml, b.json]
      run_once: true
    - debug: {msg: "{{ which }} {{ only_a }}"}
`),
	});
	const run = await runPlaybook(dir);
	t.deepEqual(run.printed, [{host: 'node1', msg: 'b 1'}, {host: 'node2', msg: 'b 1'}]);
});

test('include_vars fails with Ansible\'s words for a file that holds no dictionary, and sets nothing', async t => {
	const dir = workspace({
		hosts: localInventory('node1'),
		'vars/list.yml': '- a\n- b\n',
		'play.yml': factlessPlay(`    - include_vars: list.yml
      ignore_errors: true
    - debug: {msg: "{{ a | default('unset') }}"}
`),
	});
	const run = await runPlaybook(dir);
	t.regex(run.results[0]!.msg, /vars\/list\.yml must be stored as a dictionary\/hash$/);
	t.deepEqual(run.printed, [{host: 'node1', msg: 'unset'}]);
});
