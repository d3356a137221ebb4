import {existsSync} from 'node:fs';
import {join} from 'node:path';
import test from 'ava';
import {localInventory, pb, workspace} from '../helpers/playbook-run.js';

const ok = `- hosts: all
  gather_facts: false
  tasks:
    - copy:
        dest: "{{ playbook_dir }}/out.txt"
        content: hello
`;

test('exit 0 when every host is ok, and a second run changes nothing', t => {
	const dir = workspace({hosts: localInventory('node1'), 'play.yml': ok});
	const first = pb(['run', join(dir, 'play.yml'), '-i', join(dir, 'hosts')]);
	t.is(first.code, 0, first.stderr);
	t.regex(first.stdout, /changed: \[node1\]/);
	t.regex(first.stdout, /node1 +: ok=1 +changed=1 +unreachable=0 +failed=0/);
	const second = pb(['run', join(dir, 'play.yml'), '-i', join(dir, 'hosts')]);
	t.regex(second.stdout, /node1 +: ok=1 +changed=0 +unreachable=0 +failed=0/);
});

test('--check --diff shows the change and makes none', t => {
	const dir = workspace({hosts: localInventory('node1'), 'play.yml': ok});
	const run = pb(['run', join(dir, 'play.yml'), '-i', join(dir, 'hosts'), '--check', '--diff']);
	t.is(run.code, 0, run.stderr);
	t.regex(run.stdout, /\+hello/);
	t.regex(run.stdout, /CHECK MODE/);
	t.false(existsSync(join(dir, 'out.txt')));
});

test('exit 2 when a host fails', t => {
	const dir = workspace({hosts: localInventory('node1'), 'play.yml': '- hosts: all\n  gather_facts: false\n  tasks:\n    - command: /bin/false\n'});
	const run = pb(['run', join(dir, 'play.yml'), '-i', join(dir, 'hosts')]);
	t.is(run.code, 2);
	t.regex(run.stdout, /fatal: \[node1\]: FAILED! [\d.]+s => command `\/bin\/false` exited with rc 1/);
});

test('exit 4 when the playbook does not parse, with the place and no host contacted', t => {
	const dir = workspace({hosts: localInventory('node1'), 'play.yml': '- hosts: all\n  tasks:\n    - comand: echo\n'});
	const run = pb(['run', join(dir, 'play.yml'), '-i', join(dir, 'hosts')]);
	t.is(run.code, 4);
	t.regex(run.stderr, /play\.yml:3:7: unknown module or task keyword 'comand' \(did you mean 'command'\?\)/);
	t.is(run.stdout, '');
});

test('exit 4 when a host is unreachable, and the others finish', t => {
	const dir = workspace({
		hosts: 'node1 ansible_connection=local\ngone ansible_host=127.0.0.1 ansible_port=1 ansible_password=unused\n',
		'play.yml': '- hosts: all\n  gather_facts: false\n  tasks:\n    - command: "true"\n    - debug: msg=done\n',
	});
	const run = pb(['run', join(dir, 'play.yml'), '-i', join(dir, 'hosts'), '--json']);
	t.is(run.code, 4);
	const events = run.stdout.trim().split('\n').map(line => JSON.parse(line) as {kind: string; host?: string; status?: string; msg?: string; hosts?: Record<string, {unreachable: number; ok: number}>});
	t.true(events.some(event => event.kind === 'host-result' && event.host === 'gone' && event.status === 'unreachable' && /ECONNREFUSED|refused/i.test(event.msg ?? '')));
	const recap = events.find(event => event.kind === 'recap');
	t.like(recap?.hosts, {gone: {unreachable: 1}, node1: {ok: 2}});
});

test('exit 5 on bad options', t => {
	t.is(pb(['run', 'x.yml', '--forks', '0']).code, 5);
	t.is(pb(['run', 'x.yml', '--no-such-flag']).code, 5);
	t.is(pb(['doc', 'no_such_module']).code, 5);
});

test('--syntax-check, --list-tasks and --list-hosts stop before running', t => {
	const dir = workspace({hosts: localInventory('node1', 'node2'), 'play.yml': ok});
	const args = [join(dir, 'play.yml'), '-i', join(dir, 'hosts')];
	t.regex(pb(['run', ...args, '--syntax-check']).stdout, /playbook: .*play\.yml/);
	t.regex(pb(['run', ...args, '--list-tasks']).stdout, /tasks:\n {6}copy/);
	t.regex(pb(['run', ...args, '--list-hosts', '--limit', 'node2']).stdout, /hosts \(1\):\n {6}node2/);
	t.false(existsSync(join(dir, 'out.txt')));
});

test('-e takes key=value, JSON and @file, and wins over play vars', t => {
	const dir = workspace({
		hosts: localInventory('node1'),
		'extra.yml': 'from_file: file\n',
		'play.yml': '- hosts: all\n  gather_facts: false\n  vars:\n    a: play\n  tasks:\n    - debug:\n        msg: "{{ a }} {{ b }} {{ from_file }}"\n',
	});
	const run = pb(['run', join(dir, 'play.yml'), '-i', join(dir, 'hosts'), '-e', 'a=cli', '-e', '{"b": 2}', '-e', `@${join(dir, 'extra.yml')}`]);
	t.is(run.code, 0, run.stderr);
	t.regex(run.stdout, /cli 2 file/);
});

test('pb modules lists the modules and pb doc shows one from its schema', t => {
	const list = pb(['modules']).stdout;
	t.regex(list, /^copy +ansible\.builtin\.copy +Copy a file/m);
	t.regex(list, /^sysctl +ansible\.posix\.sysctl +Set a kernel parameter/m);
	t.regex(list, /^untar +- +Extract/m);
	const byFqcn = pb(['doc', 'ansible.builtin.copy']);
	t.is(byFqcn.code, 0);
	t.regex(byFqcn.stdout, /^copy: Copy a file.*\nAlso named: ansible\.builtin\.copy, ansible\.legacy\.copy\n/);
	const doc = pb(['doc', 'file']);
	t.is(doc.code, 0);
	t.regex(doc.stdout, /state +\[.*one of .*directory/);
	t.regex(doc.stdout, /Example:/);
});

test('pb inventory --graph and --list read the inventory as pb will', t => {
	const dir = workspace({hosts: '[workers]\nnode[1:2] ansible_connection=local\n'});
	t.regex(pb(['inventory', '-i', join(dir, 'hosts'), '--graph']).stdout, /@workers:\n.*--node1\n.*--node2/);
	const list = JSON.parse(pb(['inventory', '-i', join(dir, 'hosts'), '--list']).stdout) as {workers: {hosts: string[]}};
	t.deepEqual(list.workers.hosts, ['node1', 'node2']);
});
