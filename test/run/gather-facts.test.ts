import test from 'ava';
import {localInventory, runPlaybook, workspace} from '../helpers/playbook-run.js';

test('facts are gathered once for plays that ask the same gather_subset, again for one that asks another', async t => {
	const dir = workspace({
		hosts: localInventory('h1'),
		'play.yml': `
- hosts: all
  gather_subset: ['!all']
  tasks:
    - debug: msg="min only"
      when: ansible_memtotal_mb is not defined and ansible_distribution is defined
- hosts: all
  tasks:
    - debug: msg="all now"
      when: ansible_memtotal_mb is defined and ansible_default_ipv4 is defined
- hosts: all
  tasks:
    - debug: msg="still all"
      when: ansible_memtotal_mb is defined
`,
	});
	const run = await runPlaybook(dir);
	t.deepEqual(run.printed.map(line => line.msg), ['min only', 'all now', 'still all']);
	t.is(run.events.filter(event => event.kind === 'task-start' && event.name === 'Gathering Facts').length, 2);
});
