import test from 'ava';
import {runPlaybook, workspace, localInventory} from '../helpers/playbook-run.js';

const twoHosts = localInventory('node1', 'node2');

test('handlers run once per host at the end of the play, in definition order, only when notified by a change', async t => {
	const dir = workspace({
		hosts: twoHosts,
		'play.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - command: "true"
      notify: [second, first]
      when: inventory_hostname == 'node1'
    - command: "true"
      notify: second
      when: inventory_hostname == 'node1'
    - command: "true"
      changed_when: false
      notify: first
    - debug: msg=tasks done
      when: inventory_hostname == 'node1'
  handlers:
    - name: first
      debug: msg=first
    - name: second
      debug: msg=second
    - name: third
      listen: second
      debug: msg=third
`,
	});
	const run = await runPlaybook(dir);
	t.deepEqual(run.printed, [
		{host: 'node1', msg: 'tasks done'},
		{host: 'node1', msg: 'first'},
		{host: 'node1', msg: 'second'},
		{host: 'node1', msg: 'third'},
	]);
});

test('meta: flush_handlers runs notified handlers at that point', async t => {
	const dir = workspace({
		hosts: localInventory('node1'),
		'play.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - command: "true"
      notify: restart
    - meta: flush_handlers
    - debug: msg=after flush
  handlers:
    - name: restart
      debug: msg=restarted
`,
	});
	const run = await runPlaybook(dir);
	t.deepEqual(run.printed.map(line => line.msg), ['restarted', 'after flush']);
});

test('block, rescue and always: a rescued failure counts as rescued, not failed, and the host goes on', async t => {
	const dir = workspace({
		hosts: twoHosts,
		'play.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - block:
        - command: /bin/false
          when: inventory_hostname == 'node1'
        - debug: msg=block end
      rescue:
        - debug: msg=rescue
      always:
        - debug: msg=always
    - debug: msg=after
`,
	});
	const run = await runPlaybook(dir);
	t.deepEqual(run.printed.filter(line => line.host === 'node1').map(line => line.msg), ['rescue', 'always', 'after']);
	t.deepEqual(run.printed.filter(line => line.host === 'node2').map(line => line.msg), ['block end', 'always', 'after']);
	t.like(run.recap.node1, {failed: 0, rescued: 1, ok: 3});
	t.like(run.recap.node2, {failed: 0, rescued: 0, ok: 3, skipped: 1});
});

test('a failed host gets no more tasks while the others go on; an ignored failure counts as ok and ignored', async t => {
	const dir = workspace({
		hosts: twoHosts,
		'play.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - command: /bin/false
      ignore_errors: true
    - command: /bin/false
      when: inventory_hostname == 'node1'
    - debug: msg=still here
`,
	});
	const run = await runPlaybook(dir);
	t.deepEqual(run.printed, [{host: 'node2', msg: 'still here'}]);
	t.like(run.recap.node1, {failed: 1, ignored: 1, ok: 1});
	t.like(run.recap.node2, {failed: 0, ignored: 1, ok: 2, skipped: 1});
});

test('loops: each item runs with its own variable, results are registered as a list, when is per item', async t => {
	const dir = workspace({
		hosts: localInventory('node1'),
		'play.yml': `
- hosts: all
  gather_facts: false
  vars:
    packages: [runc, containerd, crictl]
  tasks:
    - command: echo {{ pkg }}
      loop: "{{ packages }}"
      loop_control:
        loop_var: pkg
      when: pkg != 'crictl'
      register: echoed
    - debug:
        msg: "{{ join (lookup echoed 'results') ',' }}"
      when: false
    - debug:
        msg: "{{ echoed.results.0.stdout }} {{ echoed.results.1.stdout }} {{ echoed.results.2.skipped }}"
`,
	});
	const run = await runPlaybook(dir);
	const items = run.results.filter(result => result.item !== undefined);
	t.deepEqual(items.map(result => [result.item, result.status]), [['runc', 'changed'], ['containerd', 'changed'], ['crictl', 'skipped']]);
	t.is(run.printed[0]?.msg, 'runc containerd true');
});

test('until and retries repeat a task until its condition holds; retries and delay may be templates, rendered when the task runs', async t => {
	const dir = workspace({
		hosts: localInventory('node1'),
		'play.yml': `
- hosts: all
  gather_facts: false
  vars:
    allowed: 2
    pause: 0
  tasks:
    - shell: echo x >> {{ playbook_dir }}/tries; wc -l < {{ playbook_dir }}/tries
      register: tries
      until: tries.stdout | int >= 3
      retries: 5
      delay: 0
    - debug:
        msg: "{{ tries.attempts }}"
    - command: /bin/false
      register: never
      until: never.rc == 0
      retries: "{{ allowed }}"
      delay: "{{ pause }}"
`,
	});
	const run = await runPlaybook(dir);
	t.is(run.printed[0]?.msg, '3');
	const failed = run.results.at(-1);
	t.is(failed?.status, 'failed');
	t.regex(failed?.msg ?? '', /retried 3 times, and until \(never\.rc == 0\) never held/);
	const fromCommandLine = await runPlaybook(dir, {extraVars: {allowed: '4'}});
	t.regex(fromCommandLine.results.at(-1)?.msg ?? '', /retried 5 times/);
	const notACount = (await runPlaybook(dir, {extraVars: {allowed: 'many'}})).results.at(-1);
	t.is(notACount?.status, 'failed');
	t.true(notACount?.msg?.includes('play.yml:18:16: retries must be a whole number, 0 or more; "{{ allowed }}" gave "many"'), notACount?.msg);
});

test('linear shows each task on every host before the next; free shows each host\'s tasks as it runs them', async t => {
	const play = (strategy: string) => `
- hosts: all
  gather_facts: false
  strategy: ${strategy}
  tasks:
    - command: sleep {{ pause }}
    - debug: msg=second
`;
	const hosts = 'slow ansible_connection=local pause=0.6\nfast ansible_connection=local pause=0\n';
	const order = (events: Awaited<ReturnType<typeof runPlaybook>>) => events.results.map(result => `${result.host}:${result.task}`);
	const linear = order(await runPlaybook(workspace({hosts, 'play.yml': play('linear')})));
	t.deepEqual(linear.slice(0, 2), ['fast:command', 'slow:command']);
	t.deepEqual(linear.slice(2).sort(), ['fast:debug', 'slow:debug']);
	const free = await runPlaybook(workspace({hosts, 'play.yml': play('free')}));
	t.deepEqual(order(free), ['fast:command', 'fast:debug', 'slow:command', 'slow:debug']);
});

test('serial runs the play in batches of hosts', async t => {
	const dir = workspace({
		hosts: localInventory('a', 'b', 'c'),
		'play.yml': `
- hosts: all
  gather_facts: false
  serial: 2
  tasks:
    - debug: msg=one
    - debug: msg=two
`,
	});
	const run = await runPlaybook(dir);
	t.deepEqual(run.printed.map(line => `${line.host}:${line.msg}`), ['a:one', 'b:one', 'a:two', 'b:two', 'c:one', 'c:two']);
});

test('any_errors_fatal ends the play for every host when one fails', async t => {
	const dir = workspace({
		hosts: twoHosts,
		'play.yml': `
- hosts: all
  gather_facts: false
  any_errors_fatal: true
  tasks:
    - command: /bin/false
      when: inventory_hostname == 'node1'
    - debug: msg=never
`,
	});
	const run = await runPlaybook(dir);
	t.deepEqual(run.printed, []);
	t.is(run.recap.node1?.failed, 1);
});

test('tags select tasks; always runs unless skipped by name; never only when asked', async t => {
	const dir = workspace({
		hosts: localInventory('node1'),
		'play.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - debug: msg=install
      tags: install
    - debug: msg=config
      tags: [config]
    - debug: msg=always
      tags: always
    - debug: msg=never
      tags: never
    - block:
        - debug: msg=in block
      tags: config
`,
	});
	const messages = async (options: {tags?: string[]; skipTags?: string[]}) => (await runPlaybook(dir, options)).printed.map(line => line.msg);
	t.deepEqual(await messages({}), ['install', 'config', 'always', 'in block']);
	t.deepEqual(await messages({tags: ['config']}), ['config', 'always', 'in block']);
	t.deepEqual(await messages({skipTags: ['config', 'always']}), ['install']);
	t.deepEqual(await messages({tags: ['never']}), ['always', 'never']);
});

test('run_once runs on the first host and hands its result to all; delegate_to localhost runs here', async t => {
	const dir = workspace({
		hosts: twoHosts,
		'play.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - command: echo {{ inventory_hostname }}
      run_once: true
      register: once
    - debug:
        msg: "{{ once.stdout }}"
    - command: hostname
      delegate_to: localhost
      changed_when: false
`,
	});
	const run = await runPlaybook(dir);
	t.is(run.results.filter(result => result.task === 'command' && result.status === 'changed').length, 1);
	t.deepEqual(run.printed.map(line => line.msg), ['node1', 'node1']);
	t.true(run.results.filter(result => result.delegatedTo === 'localhost').length === 2);
});

test('include_tasks reads a templated file when reached; import_tasks is read up front', async t => {
	const dir = workspace({
		hosts: localInventory('node1'),
		'tasks/containerd.yml': '- debug: msg="included {{ runtime }}"\n',
		'tasks/common.yml': '- debug: msg=imported\n',
		'play.yml': `
- hosts: all
  gather_facts: false
  vars:
    runtime: containerd
  tasks:
    - import_tasks: tasks/common.yml
    - include_tasks: tasks/{{ runtime }}.yml
`,
	});
	const run = await runPlaybook(dir);
	t.deepEqual(run.printed.map(line => line.msg), ['imported', 'included containerd']);
});

test('no_log hides messages, diffs and results from every event', async t => {
	const dir = workspace({
		hosts: localInventory('node1'),
		'play.yml': `
- hosts: all
  gather_facts: false
  vars:
    token: s3cr3t-value
  tasks:
    - command: echo {{ token }}
      no_log: true
    - command: sh -c "echo {{ token }} >&2; exit 1"
      no_log: true
      ignore_errors: true
`,
	});
	const run = await runPlaybook(dir, {diff: true, verbosity: 3});
	t.false(JSON.stringify(run.events).includes('s3cr3t'));
	t.is(run.results.length, 2);
});
