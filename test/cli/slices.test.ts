import {readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import test from 'ava';
import {localInventory, pb, workspace} from '../helpers/playbook-run.js';
import {recapText} from '../helpers/recap-text.js';

/*
 * pb run --slice K/N and pb report merge on the command line, with local hosts: each slice runs its
 * hosts only, the slices' merged recap and exit code are the whole run's, and bad input is refused.
 */

const names = ['n1', 'n2', 'n3', 'n4', 'n5'];
// Each host leaves a file of its name; n3 fails and n5 skips, so the recap has a mix to compare.
const play = `- hosts: all
  gather_facts: false
  tasks:
    - copy: {dest: "{{ playbook_dir }}/out/{{ inventory_hostname }}", content: "{{ inventory_hostname }}\\n"}
    - fail: {msg: "n3 fails"}
      when: inventory_hostname == 'n3'
    - command: "true"
      when: inventory_hostname != 'n5'
`;

function job() {
	const dir = workspace({hosts: localInventory(...names), 'play.yml': play, 'out/.keep': ''});
	return {dir, run: (...args: string[]) => pb(['run', join(dir, 'play.yml'), '-i', join(dir, 'hosts'), ...args])};
}

test('three slices run as three processes: each its own hosts, merged into the one run\'s recap and exit code', t => {
	const whole = job();
	const single = whole.run();
	t.is(single.code, 2, single.stderr);
	const sliced = job();
	const files = [1, 2, 3].map(index => {
		const run = sliced.run('--slice', `${index}/3`, '--json');
		const file = join(sliced.dir, `slice-${index}.json`);
		writeFileSync(file, run.stdout);
		return {file, run};
	});
	t.deepEqual(files.map(({run}) => run.code), [0, 2, 0], 'n3, in slice 2, failed');
	const first = JSON.parse(files[0]!.run.stdout.split('\n')[0]!) as unknown;
	t.deepEqual(first, {kind: 'slice', slice: 1, of: 3, hosts: {n1: 1, n2: 2, n3: 2, n4: 3, n5: 3}});
	t.regex(files[0]!.run.stdout, /"kind":"recap","hosts":\{"n1":\{[^}]*\}\},/, 'slice 1 ran n1 only');
	for (const name of names) {
		t.is(readFileSync(join(sliced.dir, 'out', name), 'utf8'), `${name}\n`);
	}

	const merged = pb(['report', 'merge', ...files.map(({file}) => file)]);
	t.is(merged.code, single.code, merged.stderr);
	t.is(recapText(merged.stdout), recapText(single.stdout));
	const json = pb(['report', 'merge', '--json', ...files.map(({file}) => file)]);
	t.is(json.code, 2);
	t.like(JSON.parse(json.stdout) as object, {kind: 'recap', hosts: {n3: {failed: 1}, n5: {skipped: 2}}});
});

test('a slice with no host runs nothing, says so, and succeeds', t => {
	const {run} = job();
	const text = run('--slice', '1/9');
	t.is(text.code, 0, text.stderr);
	t.regex(text.stdout, /SLICE \[1 of 9\][^\n]*\nnone of the 5 host\(s\) is in this slice: nothing to run/);
	t.notRegex(text.stdout, /TASK/);
	const json = run('--slice', '1/9', '--json');
	t.deepEqual(json.stdout.trim().split('\n').map(line => (JSON.parse(line) as {kind: string}).kind), ['slice', 'recap']);
});

test('--list-hosts lists the slice\'s hosts only', t => {
	const listed = job().run('--slice', '2/2', '--list-hosts');
	t.is(listed.code, 0, listed.stderr);
	t.regex(listed.stdout, /hosts \(3\):\s+n3\s+n4\s+n5/);
});

test('a malformed --slice is a usage error, exit 5, before any file is read', t => {
	for (const bad of ['0/4', '5/4', 'two/4', '2']) {
		const run = pb(['run', 'no-such-playbook.yml', '-i', 'no-such-inventory', '--slice', bad]);
		t.is(run.code, 5, bad);
		t.regex(run.stderr, /--slice ".*": expected K\/N, whole numbers with 1 <= K <= N/);
	}
});

test('merging a slice twice, or a file that is not a stream, fails with exit 1 saying which file', t => {
	const {dir, run} = job();
	const file = join(dir, 'slice-1.json');
	writeFileSync(file, run('--slice', '1/2', '--json').stdout);
	const twice = pb(['report', 'merge', file, file]);
	t.is(twice.code, 1);
	t.regex(twice.stderr, /slice 1 of 2 is in both .*slice-1\.json and .*slice-1\.json/);
	const text = join(dir, 'text.out');
	writeFileSync(text, run('--slice', '2/2').stdout);
	const notJson = pb(['report', 'merge', file, text]);
	t.is(notJson.code, 1);
	t.regex(notJson.stderr, /text\.out:2 is not JSON/);
});
