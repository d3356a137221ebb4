import test from 'ava';
import {modules} from '../../modules/index.js';
import {localInventory, runPlaybook, workspace} from '../helpers/playbook-run.js';

test('every module Ansible has under ansible.builtin answers to ansible.builtin.X and ansible.legacy.X; the collections\' ones to their own names', t => {
	const collections = new Map([['sysctl', 'ansible.posix'], ['mount', 'ansible.posix'], ['authorized_key', 'ansible.posix'], ['modprobe', 'community.general']]);
	const own = new Set(['download', 'untar', ...collections.keys()]);
	for (const module of new Set(modules.values())) {
		if (!own.has(module.name)) {
			t.is(modules.get(`ansible.builtin.${module.name}`), module);
			t.is(modules.get(`ansible.legacy.${module.name}`), module);
		}
	}

	for (const [name, collection] of collections) {
		t.is(modules.get(`${collection}.${name}`)?.name, name);
		t.is(modules.get(`ansible.builtin.${name}`), undefined);
	}

	t.is(modules.get('ansible.builtin.systemd_service')?.name, 'systemd');
	t.is(modules.get('ansible.builtin.download'), undefined);
});

test('a playbook written with FQCNs runs: modules, include and import of tasks and roles', async t => {
	const dir = workspace({
		hosts: localInventory('node1'),
		'play.yml': `
- hosts: all
  gather_facts: false
  collections: [ansible.posix]
  tasks:
    - ansible.legacy.set_fact: {word: fact}
    - ansible.builtin.debug: msg="{{ word }}"
    - ansible.builtin.import_tasks: more.yml
    - ansible.builtin.include_tasks: more.yml
    - ansible.builtin.import_role: {name: greet}
    - ansible.builtin.include_role:
        name: greet
      vars: {who: included}
`,
		'more.yml': '- ansible.builtin.command: echo more\n  register: out\n  changed_when: false\n- debug: msg="{{ out.stdout }}"\n',
		'roles/greet/defaults/main.yml': 'who: imported\n',
		'roles/greet/tasks/main.yml': '- ansible.builtin.debug: msg="hello {{ who }}"\n',
	});
	const run = await runPlaybook(dir);
	t.deepEqual(run.printed.map(line => line.msg), ['fact', 'more', 'more', 'hello imported', 'hello included']);
	t.is(run.recap.node1?.failed, 0);
});
