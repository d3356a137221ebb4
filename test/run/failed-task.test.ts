import test from 'ava';
import {factlessPlay as play, localInventory, runPlaybook, workspace} from '../helpers/playbook-run.js';

test('in a rescue, ansible_failed_task names the failed task, its action and args, and ansible_failed_result holds its result', async t => {
	const dir = workspace({
		hosts: localInventory('h1'),
		'play.yml': play(`    - block:
        - debug: msg=first
        - name: Fail here
          command: sh -c "echo out; exit 3"
          when: inventory_hostname == 'h1'
      rescue:
        - debug: msg="{{ ansible_failed_task.name }}|{{ ansible_failed_task.action }}|{{ ansible_failed_task.args.cmd }}"
        - debug: msg="{{ ansible_failed_task.when }}|{{ ansible_failed_task.register }}"
        - debug: msg="{{ ansible_failed_result.rc }}|{{ ansible_failed_result.stdout }}|{{ ansible_failed_result.failed }}"
    - debug: msg="still {{ ansible_failed_task.name }}"
`),
	});
	const run = await runPlaybook(dir);
	t.deepEqual(run.printed.map(line => line.msg), [
		'first',
		'Fail here|command|sh -c "echo out; exit 3"',
		'["inventory_hostname == \'h1\'"]|',
		'3|out|True',
		// Ansible keeps them for the rest of the play.
		'still Fail here',
	]);
	t.like(run.recap.h1, {failed: 0, rescued: 1});
});

test('a loop\'s failure is the whole loop\'s result, and an unnamed task\'s name is empty, as in Ansible', async t => {
	const dir = workspace({
		hosts: localInventory('h1'),
		'play.yml': play(`    - block:
        - command: "{{ item }}"
          loop: ["true", "false"]
      rescue:
        - debug: msg="[{{ ansible_failed_task.name }}] {{ ansible_failed_result.msg }} {{ ansible_failed_result.results.1.rc }}"
`),
	});
	const run = await runPlaybook(dir);
	t.deepEqual(run.printed.map(line => line.msg), ['[] One or more items failed 1']);
});

test('a failure in a nested block without rescue is caught, and named, by the outer rescue', async t => {
	const dir = workspace({
		hosts: localInventory('h1'),
		'play.yml': play(`    - block:
        - block:
            - name: inner
              fail:
                msg: boom
      rescue:
        - debug: msg="{{ ansible_failed_task.name }} {{ ansible_failed_task.action }} {{ ansible_failed_result.msg }}"
`),
	});
	const run = await runPlaybook(dir);
	t.deepEqual(run.printed.map(line => line.msg), ['inner fail boom']);
});
