import test from 'ava';
import {factlessPlay as play, localInventory, runPlaybook, workspace} from '../helpers/playbook-run.js';

test('with_<lookup> loops give what ansible-playbook 2.14 gives: the lookup\'s results for the rendered terms', async t => {
	const dir = workspace({
		hosts: localInventory('h1'),
		'play.yml': play(`    - debug: {msg: "items {{ item }}"}
      with_items: [[1, 2], 3]
    - debug: {msg: "dict {{ item.key }}={{ item.value }}"}
      with_dict: "{{ ports }}"
    - debug: {msg: "nested {{ item[0] }}-{{ item[1] }}"}
      with_nested: [[a, b], [x]]
    - debug: {msg: "sub {{ item.0.name }}:{{ item.1 }}"}
      with_subelements: ["{{ users }}", groups]
    - debug: {msg: "seq {{ item }}"}
      with_sequence: start=1 end=3 format=n%02d
    - debug: {msg: "together {{ item }}"}
      with_together: [[a, b], [1]]
    - debug: {msg: "indexed {{ item.0 }} {{ item.1 }}"}
      with_indexed_items: [p, q]
`, `  vars:
    users:
      - {name: ann, groups: [wheel, adm]}
      - {name: bob, groups: []}
    ports: {http: 80, https: 443}
`),
	});
	const run = await runPlaybook(dir);
	// Printed by ansible-playbook 2.14 for the same playbook.
	t.deepEqual(run.printed.map(line => line.msg), [
		'items 1', 'items 2', 'items 3',
		'dict http=80', 'dict https=443',
		'nested a-x', 'nested b-x',
		'sub ann:wheel', 'sub ann:adm',
		'seq n01', 'seq n02', 'seq n03',
		'together [\'a\', 1]', 'together [\'b\', None]',
		'indexed 0 p', 'indexed 1 q',
	]);
});

test('two loop keywords on one task are refused, naming both', async t => {
	const dir = workspace({
		hosts: localInventory('h1'),
		'play.yml': play('    - debug: {msg: x}\n      loop: [1]\n      with_dict: {a: 1}\n'),
	});
	await t.throwsAsync(runPlaybook(dir), {message: /use one of loop and with_dict, not both/});
});
