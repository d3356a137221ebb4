import test from 'ava';
import {formatError, PbError} from '../../engine/errors.js';
import {loadInventory} from '../../engine/inventory/inventory.js';
import {loadPlaybook} from '../../engine/playbook/parse-play.js';
import {validatePlaybook} from '../../engine/playbook/validate.js';
import {modules} from '../../modules/index.js';
import {localInventory, workspace} from '../helpers/playbook-run.js';

/** Loads and validates a playbook; returns the error it raises. */
async function errorOf(playbook: string, files: Record<string, string> = {}): Promise<PbError> {
	const dir = workspace({hosts: localInventory('node1'), 'play.yml': playbook, ...files});
	const inventory = await loadInventory([`${dir}/hosts`]);
	try {
		validatePlaybook(loadPlaybook(`${dir}/play.yml`, modules), inventory, {});
	} catch (error) {
		if (error instanceof PbError) {
			return error;
		}

		throw error;
	}

	throw new Error('expected the playbook to be refused');
}

const play = (tasks: string) => `- hosts: all\n  tasks:\n${tasks}`;

const cases: Array<{title: string; playbook: string; message: string | RegExp; line: number; column: number}> = [
	{title: 'a YAML syntax error', playbook: play('    - debug: {msg: x\n      register: y\n'), message: /^YAML syntax error: missed comma between flow collection entries/, line: 4, column: 7},
	{title: 'an unknown module, with a suggestion', playbook: play('    - comand: echo hi\n'), message: 'unknown module or task keyword \'comand\' (did you mean \'command\'?)', line: 3, column: 7},
	{title: 'an unknown parameter, with a suggestion', playbook: play('    - copy:\n        dest: /tmp/x\n        contnet: hi\n'), message: 'copy: unknown parameter \'contnet\' (did you mean \'content\'?)', line: 5, column: 9},
	{title: 'a missing required parameter', playbook: play('    - copy:\n        content: hi\n'), message: 'copy: missing required parameter \'dest\'', line: 4, column: 9},
	{title: 'a mistyped parameter', playbook: play('    - file:\n        path: /tmp/x\n        recurse: sometimes\n'), message: 'file: parameter \'recurse\' expects a bool, got `"sometimes"` (string)', line: 5, column: 9},
	{title: 'a value outside the choices', playbook: play('    - file:\n        path: /tmp/x\n        state: dir\n'), message: /^file: parameter 'state' must be one of .*; got `"dir"` \(string\)/, line: 5, column: 9},
	{title: 'two modules in one task', playbook: play('    - command: echo\n      shell: echo\n'), message: 'a task runs one module, this one names \'command\' and \'shell\'', line: 4, column: 7},
	{title: 'an unknown play keyword', playbook: '- hosts: all\n  taks: []\n', message: 'unknown play keyword \'taks\' (did you mean \'tasks\'?)', line: 2, column: 3},
	{title: 'a play without hosts', playbook: '- name: x\n  tasks: []\n', message: 'this play has no hosts: line', line: 1, column: 3},
	{title: 'a notify naming no handler', playbook: play('    - command: echo\n      notify: restart containerd\n'), message: 'notify names \'restart containerd\', but no handler of this play has that name or listens to it', line: 3, column: 7},
	{title: 'a bad when expression', playbook: play('    - command: echo\n      when: result.rc ==\n'), message: /^bad condition "result.rc ==": /, line: 4, column: 13},
	{title: 'an undefined variable in a template', playbook: play('    - debug:\n        msg: "{{ containr_version }}"\n'), message: 'undefined variable \'containr_version\' in "{{ containr_version }}"', line: 4, column: 9},
	{title: 'a template syntax error', playbook: play('    - debug:\n        msg: "{{ x }"\n'), message: /^template syntax error: /, line: 4, column: 20},
	{title: 'key=value arguments that are not', playbook: play('    - file: just words\n'), message: 'file takes parameters as a mapping or as key=value pairs, got "just words"', line: 3, column: 13},
	{title: 'an undefined variable in loop', playbook: play('    - debug: {msg: x}\n      loop: "{{ nowhere }}"\n'), message: 'undefined variable \'nowhere\' in "{{ nowhere }}"', line: 4, column: 13},
	{title: 'an undefined variable in with_items', playbook: play('    - debug: {msg: x}\n      with_items: "{{ nowhere }}"\n'), message: 'undefined variable \'nowhere\' in "{{ nowhere }}"', line: 4, column: 19},
	{title: 'an undefined variable in a loop label', playbook: play('    - debug: {msg: x}\n      loop: [1]\n      loop_control:\n        label: "{{ nolabel }}"\n'), message: 'undefined variable \'nolabel\' in "{{ nolabel }}"', line: 6, column: 16},
	{title: 'an undefined variable in delegate_to', playbook: play('    - debug: {msg: x}\n      delegate_to: "{{ nobody }}"\n'), message: 'undefined variable \'nobody\' in "{{ nobody }}"', line: 4, column: 20},
	{title: 'an undefined variable in environment', playbook: play('    - command: "true"\n      environment:\n        A: "{{ noenv }}"\n'), message: 'undefined variable \'noenv\' in "{{ noenv }}"', line: 5, column: 9},
	{title: 'an undefined variable in a task name', playbook: play('    - name: "step {{ nostep }}"\n      debug: {msg: x}\n'), message: 'undefined variable \'nostep\' in "step {{ nostep }}"', line: 3, column: 13},
	{title: 'an unknown gather_subset', playbook: '- hosts: all\n  gather_subset: [network, hardwar]\n  tasks: []\n', message: /^setup: gather_subset has 'hardwar', which is not a subset \(did you mean 'hardware'\?\): use all, min, hardware, network, virtual, or one of /, line: 2, column: 18},
	{title: 'a bad serial', playbook: '- hosts: all\n  serial: lots\n  tasks: []\n', message: /^serial takes a number of hosts or a percentage/, line: 2, column: 11},
];

for (const {title, playbook, message, line, column} of cases) {
	test(`refused before any host is contacted: ${title}`, async t => {
		const error = await errorOf(playbook);
		if (typeof message === 'string') {
			t.is(error.message, message);
		} else {
			t.regex(error.message, message);
		}

		t.like(error.where, {line, column});
		t.is(error.kind, 'parse');
	});
}

test('the printed error shows file:line:column, the offending line with a caret, and a hint', async t => {
	const error = await errorOf(play('    - copy:\n        dest: /tmp/x\n        contnet: hi\n'));
	const text = formatError(error);
	t.regex(text, /play\.yml:5:9: copy: unknown parameter 'contnet'/);
	t.true(text.includes('> 5 |         contnet: hi'));
	t.true(text.includes('  |         ^'));
	t.regex(text, /Parameters of copy: .*content/);
});

test('errors inside an imported task file point into that file', async t => {
	const error = await errorOf(play('    - import_tasks: more.yml\n'), {'more.yml': '- debug: msg=ok\n- stat:\n    pth: /etc\n'});
	t.true(error.where?.file.endsWith('more.yml'));
	t.like(error.where, {line: 3, column: 5});
});

test('an import that imports itself is refused, not followed forever', async t => {
	const error = await errorOf(play('    - import_tasks: loop.yml\n'), {'loop.yml': '- import_tasks: loop.yml\n'});
	t.regex(error.message, /imports itself/);
});

test('variables set anywhere in the playbook count as defined up front', async t => {
	const dir = workspace({
		hosts: localInventory('node1'),
		'play.yml': play('    - command: echo\n      register: out\n    - set_fact:\n        later: 1\n    - debug:\n        msg: "{{ out.stdout }} {{ later }} {{ item }} {{ ansible_facts.arch }} {{ inventory_hostname }}"\n      loop: [1]\n'),
	});
	const inventory = await loadInventory([`${dir}/hosts`]);
	t.notThrows(() => {
		validatePlaybook(loadPlaybook(`${dir}/play.yml`, modules), inventory, {});
	});
});
