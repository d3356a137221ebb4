import test from 'ava';
import type {PbError} from '../../engine/errors.js';
import {factlessPlay, localInventory, runPlaybook, workspace} from '../helpers/playbook-run.js';

/* Ansible's behaviour in the corners: each case here was once wrong. */

const four = localInventory('h1', 'h2', 'h3', 'h4');

const play = factlessPlay;

test('no_log and ignore_errors on a block hold for the tasks in it', async t => {
	const dir = workspace({
		hosts: localInventory('h1'),
		'play.yml': play(`    - block:
        - debug: msg="token is {{ token }}"
        - command: "false"
      no_log: true
      ignore_errors: true
    - debug: msg=after
`, '  vars:\n    token: TOPSECRET\n'),
	});
	const run = await runPlaybook(dir);
	t.false(JSON.stringify(run.events).includes('TOPSECRET'));
	t.deepEqual(run.printed.map(line => line.msg), ['after']);
	t.like(run.recap.h1, {failed: 0, ignored: 1});
});

test('text from a host is never rendered again as a template', async t => {
	const dir = workspace({
		hosts: localInventory('h1'),
		'play.yml': play(`    - shell: printf '%s' '{''{ secret_token }}'
      register: out
    - debug:
        msg: "remote said {{ out.stdout }}"
`, '  vars:\n    secret_token: s3cr3t\n'),
	});
	const run = await runPlaybook(dir);
	t.deepEqual(run.printed.map(line => line.msg), ['remote said {{ secret_token }}']);
});

test('any_errors_fatal leaves a failure inside a block to its rescue', async t => {
	const dir = workspace({
		hosts: four,
		'play.yml': play(`    - block:
        - command: "false"
          when: inventory_hostname == 'h1'
      rescue:
        - debug: msg=rescued
    - debug: msg=after
`, '  any_errors_fatal: true\n'),
	});
	const run = await runPlaybook(dir);
	t.deepEqual(run.printed.filter(line => line.host === 'h1').map(line => line.msg), ['rescued', 'after']);
	t.is(run.printed.filter(line => line.msg === 'after').length, 4);
	t.like(run.recap.h1, {failed: 0, rescued: 1});
});

test('a failed handler fails its host', async t => {
	const dir = workspace({
		hosts: localInventory('h1'),
		'play.yml': play(`    - command: "true"
      notify: broken
    - meta: flush_handlers
    - debug: msg=after
  handlers:
    - name: broken
      command: "false"
`),
	});
	const run = await runPlaybook(dir);
	t.deepEqual(run.printed, []);
	t.is(run.recap.h1?.failed, 1);
});

test('max_fail_percentage stops the play, later serial batches included', async t => {
	const dir = workspace({
		hosts: four,
		'play.yml': play(`    - command: "false"
      when: inventory_hostname == 'h1'
    - debug: msg=after
`, '  serial: 2\n  max_fail_percentage: 0\n'),
	});
	const run = await runPlaybook(dir);
	t.deepEqual(run.printed, []);
	t.false(run.results.some(result => result.host === 'h3' || result.host === 'h4'));
});

test('serial and max_fail_percentage may be templates, from play vars, defaults_files and -e', async t => {
	const dir = workspace({
		hosts: four,
		'defaults.yml': 'batch: 3\n',
		'play.yml': play(`    - command: "false"
      when: inventory_hostname == 'h2'
    - debug: msg=after
`, '  defaults_files: [defaults.yml]\n  vars:\n    tolerated: 0\n  serial: "{{ batch }}"\n  max_fail_percentage: "{{ tolerated }}"\n'),
	});
	const batchOf = (run: Awaited<ReturnType<typeof runPlaybook>>) => run.results.filter(result => result.task === 'command').map(result => result.host);
	const byDefault = await runPlaybook(dir);
	t.deepEqual(batchOf(byDefault).sort(), ['h1', 'h2', 'h3'], 'the first batch of 3, then the play stops: h4 never runs');
	t.deepEqual(byDefault.printed, []);
	const fromCommandLine = await runPlaybook(dir, {extraVars: {batch: '2', tolerated: '100'}});
	t.deepEqual(batchOf(fromCommandLine), ['h1', 'h2', 'h3', 'h4'], '-e gives strings, as on the command line; two hosts a batch');
	t.deepEqual(fromCommandLine.printed.map(line => line.host), ['h1', 'h3', 'h4'], 'one host of two failing is within 100%: the play goes on');
});

test('a serial template that gives no batch size names the keyword, its value and where it is written', async t => {
	const dir = workspace({hosts: four, 'play.yml': play('    - debug: msg=never\n', '  serial: "{{ batch }}"\n')});
	const error = await t.throwsAsync(runPlaybook(dir, {extraVars: {batch: 'two'}}));
	t.is(error?.message, 'serial takes a number of hosts or a percentage (\'30%\'), or a list of them; "{{ batch }}" gave "two"');
	t.like((error as PbError).where, {line: 4, column: 11});
});

test('a failed run_once task fails every host of the batch', async t => {
	const dir = workspace({hosts: four, 'play.yml': play('    - command: "false"\n      run_once: true\n    - debug: msg=after\n')});
	const run = await runPlaybook(dir);
	t.deepEqual(run.printed, []);
	t.is(run.results.filter(result => result.status === 'failed').length, 1);
	t.is(Object.values(run.recap).filter(counts => counts.failed === 1).length, 4);
});

test('failed_when does not hide an error that kept the module from running', async t => {
	const dir = workspace({
		hosts: localInventory('h1'),
		'play.yml': play(`    - command: "true"
      register: r
    - command: "echo {{ r.nostdout }}"
      failed_when: false
`),
	});
	const run = await runPlaybook(dir);
	t.is(run.results.at(-1)?.status, 'failed');
	t.regex(run.results.at(-1)?.msg ?? '', /undefined variable "r.nostdout"/);
});

test('delegate_to and loop_control.index_var see the loop item', async t => {
	const dir = workspace({
		hosts: localInventory('h1', 'h2', 'h3'),
		'play.yml': play(`    - debug: msg="{{ idx }}:{{ item }}"
      delegate_to: "{{ item }}"
      loop: [h2, h3]
      loop_control:
        index_var: idx
      when: inventory_hostname == 'h1'
`),
	});
	const run = await runPlaybook(dir);
	t.deepEqual(run.results.filter(result => result.host === 'h1').map(result => result.delegatedTo), ['h2', 'h3']);
	t.deepEqual(run.printed.map(line => line.msg), ['0:h2', '1:h3']);
});

test('a run-time error in delegate_to or loop points at that keyword\'s value', async t => {
	const dir = workspace({
		hosts: localInventory('h1'),
		'play.yml': play(`    - set_fact: {helper: ghost, items: not a list}
    - debug: {msg: x}
      delegate_to: "{{ helper }}"
      ignore_errors: true
    - debug: {msg: x}
      loop: "{{ items }}"
`),
	});
	const run = await runPlaybook(dir);
	t.regex(run.results[1]?.msg ?? '', /play\.yml:7:20: delegate_to names 'ghost', which is not in the inventory/);
	t.regex(run.results[2]?.msg ?? '', /play\.yml:10:13: loop must give a list, got "not a list"/);
});

test('include_tasks with a loop runs the file once per item', async t => {
	const dir = workspace({
		hosts: localInventory('h1'),
		'inc.yml': '- debug: msg="item={{ item }}"\n',
		'play.yml': play('    - include_tasks: inc.yml\n      loop: [a, b]\n'),
	});
	const run = await runPlaybook(dir);
	t.deepEqual(run.printed.map(line => line.msg), ['item=a', 'item=b']);
});

test('connection variables may be templates, and secrets set in play vars are masked', async t => {
	const dir = workspace({
		hosts: 'h1 ansible_connection="{{ how }}" how=local\n',
		'play.yml': play('    - debug:\n        var: ansible_become_password\n    - command: "true"\n', '  vars:\n    ansible_become_password: hunter2-play\n'),
	});
	const run = await runPlaybook(dir);
	t.is(run.recap.h1?.ok, 2);
	t.false(JSON.stringify(run.events).includes('hunter2-play'));
});

test('check mode predicts a delegated task from what earlier tasks delegated to the same host would write', async t => {
	const dir = workspace({
		hosts: localInventory('h1'),
		'play.yml': play(`    - file:
        path: "{{ playbook_dir }}/made/new-dir"
        state: directory
      delegate_to: localhost
    - copy:
        dest: "{{ playbook_dir }}/made/new-dir/f"
        content: "x\\n"
      delegate_to: localhost
`),
	});
	const run = await runPlaybook(dir, {check: true});
	t.deepEqual(run.results.map(result => result.status), ['changed', 'changed']);
});
