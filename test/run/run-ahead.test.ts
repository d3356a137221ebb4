import {existsSync} from 'node:fs';
import {join} from 'node:path';
import test from 'ava';
import type {RunEvent} from '../../engine/report/events.js';
import {runPlaybook, workspace} from '../helpers/playbook-run.js';

/*
 * Hosts run ahead of one another through tasks that keep to their own host (engine/run/run-ahead.ts).
 * Each case has a slow host, whose first task sleeps, and a fast one: a marker file the fast host's
 * second task leaves only while the slow host's first task is still running tells whether the
 * fast host ran ahead.
 */

const hosts = 'slow ansible_connection=local pause=1\nfast ansible_connection=local pause=0\n';

/** The two tasks, in `dir` (given with -e): the slow host's first ends by writing slow-done; the fast host's second notes whether it came before. */
function play({more = '', playKeywords = '', secondEchoes = ''} = {}): string {
	return `
- hosts: all
  gather_facts: false
${playKeywords}  tasks:
    - name: first
      shell: sleep {{ pause }}; touch {{ dir }}/{{ inventory_hostname }}-done
      register: first
    - name: second
      shell: (test -e {{ dir }}/slow-done || touch {{ dir }}/{{ inventory_hostname }}-ahead)${secondEchoes ? `; echo ${secondEchoes}` : ''}
${more}`;
}

/** Runs the playbook on the two hosts; the run, and whether the fast host ran ahead of the slow one. */
async function runTwo(playbook: string): Promise<{run: Awaited<ReturnType<typeof runPlaybook>>; ahead: boolean}> {
	const dir = workspace({hosts, 'play.yml': playbook});
	const run = await runPlaybook(dir, {extraVars: {dir}});
	return {run, ahead: existsSync(join(dir, 'fast-ahead'))};
}

/** The events as the output shows them: banners, then each host's result, in order. */
function shown(events: readonly RunEvent[]): string[] {
	return events.flatMap(event => (event.kind === 'task-start' ? [`TASK ${event.name}`] : event.kind === 'host-result' ? [`${event.host}: ${event.status}`] : event.kind === 'debug' ? [`${event.host} says ${event.msg}`] : []));
}

test('a host runs ahead through tasks that keep to it, and the output still shows each task whole and in order', async t => {
	const {run, ahead} = await runTwo(play());
	t.true(ahead, 'the fast host ran its second task while the slow one ran its first');
	t.deepEqual(shown(run.events), ['TASK first', 'fast: changed', 'slow: changed', 'TASK second', 'fast: changed', 'slow: changed']);
	t.deepEqual(run.events.filter(event => event.kind === 'task-end').map(event => event.kind === 'task-end' && event.name), ['first', 'second']);
});

test('hosts keep in step around a task that reads another host\'s variables, in its words or through a variable', async t => {
	const reads: Record<string, {secondEchoes: string; playKeywords?: string}> = {
		'its words': {secondEchoes: '{{ hostvars.slow.first.rc }}'},
		'a play variable': {secondEchoes: '{{ slow_rc }}', playKeywords: '  vars:\n    slow_rc: "{{ hostvars.slow.first.rc }}"\n'},
	};
	for (const [how, words] of Object.entries(reads)) {
		const {run, ahead} = await runTwo(play(words));
		t.false(ahead, how);
		t.is(run.results.find(result => result.host === 'fast' && result.task === 'second')?.result?.stdout, '0', how);
	}
});

test('hosts keep in step where a failure ends the play for all', async t => {
	const {ahead} = await runTwo(play({playKeywords: '  any_errors_fatal: true\n'}));
	t.false(ahead);
});

test('a host that fails leaves the stretch; the others go on, and a task no host reaches is not shown', async t => {
	const {run} = await runTwo(`
- hosts: all
  gather_facts: false
  tasks:
    - name: first
      shell: sleep {{ pause }}; test {{ inventory_hostname }} = slow
    - name: second
      debug: msg=on
    - name: third
      fail: msg=stop
    - name: fourth
      debug: msg=never
`);
	t.deepEqual(shown(run.events), ['TASK first', 'fast: failed', 'slow: changed', 'TASK second', 'slow: ok', 'slow says on', 'TASK third', 'slow: failed']);
	t.like(run.recap, {fast: {failed: 1, ok: 0}, slow: {failed: 1, ok: 2, changed: 1}});
});
