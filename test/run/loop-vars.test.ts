import test from 'ava';
import {factlessPlay as play, localInventory, runPlaybook, workspace} from '../helpers/playbook-run.js';

test('loop_control.extended gives each item ansible_loop, as Ansible: index, index0, revindex, revindex0, first, last, length, previtem, nextitem, allitems', async t => {
	const dir = workspace({
		hosts: localInventory('h1'),
		'play.yml': play(`    - debug:
        msg: "{{ item }} {{ ansible_loop.index }}/{{ ansible_loop.length }} i0={{ ansible_loop.index0 }} r={{ ansible_loop.revindex }} r0={{ ansible_loop.revindex0 }} first={{ ansible_loop.first }} last={{ ansible_loop.last }} all={{ ansible_loop.allitems.2 }}"
      loop: [a, b, c]
      loop_control:
        extended: true
    - debug:
        msg: "{{ ansible_loop.previtem }}<{{ item }}"
      loop: [a, b, c]
      loop_control: {extended: true}
      when: ansible_loop.previtem is defined
    - debug:
        msg: "{{ item }}<{{ ansible_loop.nextitem }}"
      loop: [a, b, c]
      loop_control: {extended: true}
      when: ansible_loop.nextitem is defined
`),
	});
	const run = await runPlaybook(dir);
	t.deepEqual(run.printed.map(line => line.msg), [
		'a 1/3 i0=0 r=3 r0=2 first=True last=False all=c',
		'b 2/3 i0=1 r=2 r0=1 first=False last=False all=c',
		'c 3/3 i0=2 r=1 r0=0 first=False last=True all=c',
		'a<b',
		'b<c',
		'a<b',
		'b<c',
	]);
});

test('extended_allitems: false leaves allitems out; without extended there is no ansible_loop', async t => {
	const dir = workspace({
		hosts: localInventory('h1'),
		'play.yml': play(`    - debug:
        msg: "{{ item }} has no allitems"
      loop: [a]
      loop_control: {extended: true, extended_allitems: false}
      when: ansible_loop.index == 1 and ansible_loop.allitems is not defined
    - debug:
        msg: "{{ item }} has no ansible_loop"
      loop: [b]
      when: ansible_loop is not defined
`),
	});
	const run = await runPlaybook(dir);
	t.deepEqual(run.printed.map(line => line.msg), ['a has no allitems', 'b has no ansible_loop']);
});

test('index_var, ansible_loop_var and ansible_index_var, in the item and in its registered result', async t => {
	const dir = workspace({
		hosts: localInventory('h1'),
		'play.yml': play(`    - debug:
        msg: "{{ idx }}:{{ name }} {{ ansible_loop_var }} {{ ansible_index_var }}"
      loop: [x, y]
      loop_control: {loop_var: name, index_var: idx, extended: true}
      register: out
    - debug:
        msg: "{{ out.results.1.idx }} {{ out.results.1.name }} {{ out.results.1.ansible_loop_var }} {{ out.results.1.ansible_index_var }} {{ out.results.1.ansible_loop.index }}"
`),
	});
	const run = await runPlaybook(dir);
	t.deepEqual(run.printed.map(line => line.msg), ['0:x name idx', '1:y name idx', '1 y name idx 2']);
});

test('a loop_control keyword pb does not know is refused with a suggestion', async t => {
	const dir = workspace({
		hosts: localInventory('h1'),
		'play.yml': play(`    - debug: msg=x
      loop: [a]
      loop_control: {extendd: true}
`),
	});
	await t.throwsAsync(runPlaybook(dir), {message: /unknown loop_control keyword 'extendd' \(did you mean 'extended'\?\)/});
});

test('include_tasks in a loop: index_var and extended too, in every included task', async t => {
	const dir = workspace({
		hosts: localInventory('h1'),
		'step.yml': '- debug:\n    msg: "{{ step }} #{{ n }} {{ ansible_loop.index }}/{{ ansible_loop.length }} last={{ ansible_loop.last }}"\n',
		'play.yml': play(`    - include_tasks: step.yml
      loop: [x, y]
      loop_control: {loop_var: step, index_var: n, extended: true}
`),
	});
	const run = await runPlaybook(dir);
	t.deepEqual(run.printed.map(line => line.msg), ['x #0 1/2 last=False', 'y #1 2/2 last=True']);
});
