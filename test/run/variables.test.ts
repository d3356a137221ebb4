import test from 'ava';
import {localInventory, runPlaybook, workspace} from '../helpers/playbook-run.js';

test('variable precedence: inventory < play vars < vars_files < task vars < set_fact < extra vars', async t => {
	const dir = workspace({
		hosts: '[web]\nnode1 ansible_connection=local from_host=host\n[web:vars]\nfrom_group=group\nlayer=inventory\n',
		'vars.yml': 'layer: vars_file\nfrom_file: file\n',
		'play.yml': `
- hosts: all
  gather_facts: false
  vars:
    layer: play
    from_play: play
  vars_files: [vars.yml]
  tasks:
    - debug:
        msg: "{{ from_group }} {{ from_host }} {{ from_play }} {{ from_file }} {{ layer }}"
    - debug:
        msg: "{{ layer }}"
      vars:
        layer: task
    - set_fact:
        layer: set_fact
    - debug:
        msg: "{{ layer }}"
      vars:
        layer: task
    - debug:
        msg: "{{ cli }}"
`,
	});
	const run = await runPlaybook(dir, {extraVars: {cli: 'extra'}});
	t.deepEqual(run.printed.map(line => line.msg), ['group host play file vars_file', 'task', 'set_fact', 'extra']);
	const overridden = await runPlaybook(dir, {extraVars: {cli: 'x', layer: 'extra'}});
	t.is(overridden.printed[0]?.msg, 'group host play file extra');
});

test('group_vars/ and host_vars/ beside the playbook are read, checked up front, and stay below play vars', async t => {
	const dir = workspace({
		'inventory/hosts': '[web]\nnode1 ansible_connection=local\n',
		'inventory/group_vars/web.yml': 'port: 80\nlayer: inventory\n',
		'site/group_vars/web.yml': 'port: 8080\nfrom_playbook_side: yes\n',
		'site/host_vars/node1.yml': 'layer: playbook host_vars\n',
		'site/play.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - debug:
        msg: "{{ port }} {{ from_playbook_side }} {{ layer }}"
    - debug:
        msg: "{{ layer }}"
      vars:
        layer: task
`,
	});
	const run = await runPlaybook(dir, {inventory: 'inventory/hosts', playbook: 'site/play.yml'});
	t.deepEqual(run.printed.map(line => line.msg), ['8080 True playbook host_vars', 'task']);
});

test('variables that name other variables are rendered through', async t => {
	const dir = workspace({
		hosts: 'node1 ansible_connection=local\n',
		'play.yml': `
- hosts: all
  gather_facts: false
  vars:
    version: "1.7.2"
    url: "https://mirror/containerd-{{ version }}.tar.gz"
    urls: ["{{ url }}"]
  tasks:
    - debug:
        msg: "{{ url }}"
    - debug:
        msg: "{{ item }}"
      loop: "{{ urls }}"
`,
	});
	const run = await runPlaybook(dir);
	t.deepEqual(run.printed.map(line => line.msg), ['https://mirror/containerd-1.7.2.tar.gz', 'https://mirror/containerd-1.7.2.tar.gz']);
});

test('facts are gathered in one step and visible as ansible_facts and ansible_*', async t => {
	const dir = workspace({
		hosts: 'node1 ansible_connection=local\n',
		'play.yml': `
- hosts: all
  tasks:
    - debug:
        msg: "{{ ansible_facts.arch }} {{ ansible_system }} {{ inventory_hostname }} {{ join group_names ',' }}"
`,
	});
	const run = await runPlaybook(dir);
	t.regex(run.printed[0]?.msg ?? '', /^(amd64|arm64) Linux node1 ungrouped$/);
	t.is(run.results[0]?.task, 'Gathering Facts');
});

test('registered results and magic variables are available to later tasks and to conditions', async t => {
	const dir = workspace({
		hosts: '[a]\nnode1 ansible_connection=local\n[b]\nnode2 ansible_connection=local\n',
		'play.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - command: echo {{ inventory_hostname }}
      register: out
      changed_when: false
    - debug:
        msg: "{{ out.stdout }} rc={{ out.rc }}"
      when: out.rc == 0 and 'a' in group_names
    - debug:
        msg: "{{ hostvars.node2.out.stdout }}"
      when: inventory_hostname == 'node1'
`,
	});
	const run = await runPlaybook(dir);
	t.deepEqual(run.printed, [{host: 'node1', msg: 'node1 rc=0'}, {host: 'node1', msg: 'node2'}]);
	t.is(run.recap.node2?.skipped, 2);
});

test('vars_files named by a fact are read per host once facts are gathered, as Ansible reads them', async t => {
	const dir = workspace({
		hosts: localInventory('h1'),
		'vars/Linux.yml': 'greeting: from the Linux file\n',
		'play.yml': `
- hosts: all
  vars_files:
    - "vars/{{ ansible_system }}.yml"
  tasks:
    - debug: {msg: "{{ greeting }}"}
`,
	});
	const run = await runPlaybook(dir);
	t.deepEqual(run.printed.map(line => line.msg), ['from the Linux file']);
});
