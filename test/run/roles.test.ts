import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import test from 'ava';
import {localInventory, runPlaybook, workspace} from '../helpers/playbook-run.js';
import {pathsReadAhead} from '../helpers/reads-ahead.js';

const oneHost = localInventory('node1');

const play = (body: string) => `- hosts: all\n  gather_facts: false\n${body}`;

/** The names of the tasks started, in order (TASK [...] in the human output). */
function taskNames(events: ReadonlyArray<{kind: string; name?: string}>): string[] {
	return events.flatMap(event => (event.kind === 'task-start' && event.name !== undefined ? [event.name] : []));
}

test('roles run after pre_tasks and their handlers, before tasks; their tasks are named `role : task`', async t => {
	const dir = workspace({
		hosts: oneHost,
		'play.yml': play(`
  pre_tasks:
    - command: "true"
      notify: pre handler
  roles:
    - web
  tasks:
    - debug: msg=task
  handlers:
    - name: pre handler
      debug: msg=pre handler
`),
		'roles/web/tasks/main.yml': '- name: say\n  debug: msg="{{ role_name }} at {{ role_path }}"\n- debug: msg=unnamed\n',
	});
	const run = await runPlaybook(dir);
	t.deepEqual(run.printed.map(line => line.msg), ['pre handler', `web at ${join(dir, 'roles/web')}`, 'unnamed', 'task']);
	t.deepEqual(taskNames(run.events), ['command', 'pre handler', 'web : say', 'web : debug', 'debug']);
});

test('a role entry\'s when and tags hold for every task of the role and its dependencies', async t => {
	const dir = workspace({
		hosts: localInventory('node1', 'node2'),
		'play.yml': play(`
  roles:
    - role: web
      when: inventory_hostname == 'node1'
      tags: [web]
`),
		'roles/web/meta/main.yml': 'dependencies: [base]\n',
		'roles/base/tasks/main.yml': '- debug: msg=base\n',
		'roles/web/tasks/main.yml': '- debug: msg=web\n',
	});
	const run = await runPlaybook(dir);
	t.deepEqual(run.printed, [{host: 'node1', msg: 'base'}, {host: 'node1', msg: 'web'}]);
	const skipped = await runPlaybook(dir, {skipTags: ['web']});
	t.deepEqual(skipped.printed, []);
});

test('meta dependencies run before the role, once per play; again with other params or allow_duplicates', async t => {
	const dir = workspace({
		hosts: oneHost,
		'play.yml': play(`
  roles:
    - web
    - api
    - role: common
      greeting: bonjour
    - dup
    - dup
`),
		'roles/common/defaults/main.yml': 'greeting: hello\n',
		'roles/common/tasks/main.yml': '- debug: msg="common {{ greeting }}"\n',
		'roles/web/meta/main.yml': 'dependencies:\n  - common\n',
		'roles/web/tasks/main.yml': '- debug: msg=web\n',
		'roles/api/meta/main.yml': 'dependencies:\n  - role: common\n',
		'roles/api/tasks/main.yml': '- debug: msg=api\n',
		'roles/dup/meta/main.yml': 'allow_duplicates: true\n',
		'roles/dup/tasks/main.yml': '- debug: msg=dup\n',
	});
	const run = await runPlaybook(dir);
	t.deepEqual(run.printed.map(line => line.msg), ['common hello', 'web', 'api', 'common bonjour', 'dup', 'dup']);
});

test('an include_role\'s dependencies that ran before it do not run again, and what it reads does not count for later roles', async t => {
	const dir = workspace({
		hosts: oneHost,
		'play.yml': play(`
  roles: [common]
  tasks:
    - include_role: {name: web}
    - include_role: {name: web}
    - include_role: {name: api}
      when: false
    - import_role: {name: base}
`),
		'roles/common/tasks/main.yml': '- debug: msg=common\n',
		'roles/base/tasks/main.yml': '- debug: msg=base\n',
		'roles/web/meta/main.yml': 'dependencies: [common]\n',
		'roles/web/tasks/main.yml': '- debug: msg=web\n',
		'roles/api/meta/main.yml': 'dependencies: [base]\n',
	});
	const run = await runPlaybook(dir);
	t.deepEqual(run.printed.map(line => line.msg), ['common', 'web', 'web', 'base']);
});

test('a dependency\'s params reach its tasks, and the roles depending on it see its defaults', async t => {
	const dir = workspace({
		hosts: oneHost,
		'play.yml': play('  roles: [app]\n'),
		'roles/app/meta/main.yml': 'dependencies:\n  - role: port\n    number: 8080\n',
		'roles/app/tasks/main.yml': '- debug: msg="app sees {{ port_protocol }}"\n',
		'roles/port/defaults/main.yml': 'port_protocol: tcp\nnumber: 80\n',
		'roles/port/tasks/main.yml': '- debug: msg="open {{ number }}/{{ port_protocol }}"\n',
	});
	const run = await runPlaybook(dir);
	t.deepEqual(run.printed.map(line => line.msg), ['open 8080/tcp', 'app sees tcp']);
});

test('precedence: role defaults < inventory < play vars < vars_files < role vars < task vars < set_fact < role params < extra vars', async t => {
	const names = ['inventory', 'play', 'files', 'rolevars', 'task', 'fact', 'param', 'extra'];
	const dir = workspace({
		hosts: `node1 ansible_connection=local ${names.map(name => `${name}=inventory`).join(' ')} only_default=inventory\n`,
		'play.yml': play(`
  vars: {${names.slice(1).map(name => `${name}: play`).join(', ')}}
  vars_files: [more.yml]
  roles:
    - role: show
      param: param
      extra: param
`),
		'more.yml': names.slice(2).map(name => `${name}: files`).join('\n'),
		'roles/show/defaults/main.yml': [...names, 'untouched'].map(name => `${name}: default`).join('\n'),
		'roles/show/vars/main.yml': names.slice(3).map(name => `${name}: rolevars`).join('\n'),
		'roles/show/tasks/main.yml': `
- set_fact: {fact: fact, param: fact, extra: fact}
- debug:
    msg: "${[...names, 'untouched'].map(name => `{{ ${name} }}`).join(' ')}"
  vars: {task: task, fact: task, param: task, extra: task}
`,
	});
	const run = await runPlaybook(dir, {extraVars: {extra: 'extra'}});
	t.deepEqual(run.printed.map(line => line.msg), ['inventory play files rolevars task fact param extra default']);
});

test('a role\'s `vars:` sit below its vars/main.yml and task vars; the play sees roles\' defaults and vars', async t => {
	const dir = workspace({
		hosts: oneHost,
		'play.yml': play(`
  vars: {from_vars: play, given: play}
  roles:
    - role: web
      vars: {from_vars: invocation, given: invocation}
  tasks:
    - debug: msg="{{ web_port }} {{ web_user }} {{ from_vars }} {{ given }}"
`),
		'roles/web/defaults/main.yml': 'web_port: 80\n',
		'roles/web/vars/main.yml': 'web_user: www\nfrom_vars: rolevars\n',
		'roles/web/tasks/main.yml': '- debug: msg="{{ from_vars }} {{ given }}"\n- debug: msg="{{ from_vars }}"\n  vars: {from_vars: task}\n',
	});
	const run = await runPlaybook(dir);
	t.deepEqual(run.printed.map(line => line.msg), ['rolevars invocation', 'task', '80 www rolevars invocation']);
});

test('role handlers answer to their name, to listen and to `role : name`, and run before the play\'s own', async t => {
	const dir = workspace({
		hosts: oneHost,
		'play.yml': play(`
  roles: [web]
  tasks:
    - command: "true"
      notify: [play handler, 'web : reload web', web restarts]
  handlers:
    - name: play handler
      debug: msg=play handler
`),
		'roles/web/tasks/main.yml': '- command: "true"\n  notify: restart web\n',
		'roles/web/handlers/main.yml': '- name: restart web\n  debug: msg="restart {{ role_name }}"\n- name: reload web\n  debug: msg=reload\n- name: other\n  listen: web restarts\n  debug: msg=listener\n',
	});
	const run = await runPlaybook(dir);
	t.deepEqual(run.printed.map(line => line.msg), ['restart web', 'reload', 'listener', 'play handler']);
	t.true(taskNames(run.events).includes('web : restart web'));
});

test('a role\'s handlers hold to the keywords of where the role was named, as its tasks do', async t => {
	const dir = workspace({
		hosts: localInventory('node1', 'node2'),
		'play.yml': play(`
  roles:
    - role: web
      when: inventory_hostname == 'node1'
  tasks:
    - command: "true"
      notify: restart web
`),
		'roles/web/handlers/main.yml': '- name: restart web\n  debug: msg=restarted\n',
	});
	const run = await runPlaybook(dir);
	t.deepEqual(run.printed, [{host: 'node1', msg: 'restarted'}]);
});

test('include_role with a loop runs the role per item; public keeps its vars visible afterwards, private does not', async t => {
	const dir = workspace({
		hosts: oneHost,
		'play.yml': play(`
  tasks:
    - include_role:
        name: greet
      loop: [a, b]
      vars: {who: "{{ item }}"}
    - debug: msg="not visible"
      when: greet_word is not defined
    - include_role:
        name: greet
        public: true
      vars: {who: c}
    - debug: msg="{{ greet_word }} after"
`),
		'roles/greet/defaults/main.yml': 'greet_word: hi\n',
		'roles/greet/tasks/main.yml': '- debug: msg="{{ greet_word }} {{ who }}"\n',
	});
	const run = await runPlaybook(dir);
	t.deepEqual(run.printed.map(line => line.msg), ['hi a', 'hi b', 'not visible', 'hi c', 'hi after']);
});

test('include_role: its when decides whether to include, a templated name is read when reached', async t => {
	const dir = workspace({
		hosts: localInventory('node1', 'node2'),
		'play.yml': play(`
  vars: {which: greet}
  tasks:
    - include_role:
        name: "{{ which }}"
      when: inventory_hostname == 'node2'
`),
		'roles/greet/tasks/main.yml': '- debug: msg="hello {{ role_name }}"\n',
	});
	const run = await runPlaybook(dir);
	t.deepEqual(run.printed, [{host: 'node2', msg: 'hello greet'}]);
});

test('an include_role naming by a template a role not found fails its hosts, pointing at the name', async t => {
	const dir = workspace({
		hosts: oneHost,
		'play.yml': play(`
  vars: {which: nowhere}
  tasks:
    - include_role:
        name: "{{ which }}"
    - debug: msg=not reached
`),
	});
	const run = await runPlaybook(dir);
	t.is(run.recap.node1?.failed, 1);
	t.deepEqual(run.printed, []);
	t.regex(run.results[0]?.msg ?? '', /play\.yml:7:15: the role 'nowhere' was not found in /);
});

test('include_role\'s tags select the include only; apply gives them to the included tasks', async t => {
	const dir = workspace({
		hosts: oneHost,
		'play.yml': play(`
  tasks:
    - include_role:
        name: greet
        apply:
          tags: [greeting]
      vars: {who: applied}
      tags: [greeting]
    - include_role:
        name: greet
      vars: {who: not applied}
      tags: [greeting]
`),
		'roles/greet/tasks/main.yml': '- debug: msg="hello {{ who }}"\n',
	});
	t.deepEqual((await runPlaybook(dir)).printed.map(line => line.msg), ['hello applied', 'hello not applied']);
	t.deepEqual((await runPlaybook(dir, {tags: ['greeting']})).printed.map(line => line.msg), ['hello applied']);
});

test('import_role reads tasks_from, vars_from, defaults_from and handlers_from; its keywords hold for the role\'s tasks', async t => {
	const dir = workspace({
		hosts: localInventory('node1', 'node2'),
		'play.yml': play(`
  tasks:
    - import_role:
        name: db
        tasks_from: setup
        vars_from: big.yml
        defaults_from: other
        handlers_from: extra
      when: inventory_hostname == 'node1'
`),
		'roles/db/tasks/main.yml': '- debug: msg=main\n',
		'roles/db/tasks/setup.yml': '- debug: msg="setup {{ size }} {{ engine }}"\n  changed_when: true\n  notify: \'db : flush\'\n',
		'roles/db/vars/big.yml': 'size: big\n',
		'roles/db/defaults/other.yml': 'engine: pg\n',
		'roles/db/handlers/extra.yml': '- name: flush\n  debug: msg=flushed\n',
	});
	const run = await runPlaybook(dir);
	t.deepEqual(run.printed, [{host: 'node1', msg: 'setup big pg'}, {host: 'node1', msg: 'flushed'}]);
});

test('a role\'s template and copy src, and its include_tasks files, are looked for in its own folders first', async t => {
	const dir = workspace({
		hosts: oneHost,
		'play.yml': play(`
  roles:
    - role: site
      out: "{{ playbook_dir }}/out"
`),
		// The same names beside the playbook: the role's own win.
		'templates/page.j2': 'wrong\n',
		'files/data.txt': 'wrong\n',
		'roles/site/templates/page.j2': 'page of {{ role_name }}\n',
		'roles/site/files/data.txt': 'data\n',
		'roles/site/tasks/main.yml': '- include_tasks: write.yml\n',
		'roles/site/tasks/write.yml': `
- file: {path: "{{ out }}", state: directory}
- template: {src: page.j2, dest: "{{ out }}/page"}
- copy: {src: data.txt, dest: "{{ out }}/data"}
`,
	});
	const run = await runPlaybook(dir);
	t.is(run.recap.node1?.failed, 0);
	t.is(readFileSync(join(dir, 'out/page'), 'utf8'), 'page of site\n');
	t.is(readFileSync(join(dir, 'out/data'), 'utf8'), 'data\n');
	const again = await runPlaybook(dir);
	t.is(again.recap.node1?.changed, 0);
});

test('--check goes through roles as through any task: predicted, nothing written', async t => {
	const dir = workspace({
		hosts: oneHost,
		'play.yml': play('  roles:\n    - role: site\n      out: "{{ playbook_dir }}/out"\n'),
		'roles/site/tasks/main.yml': '- file: {path: "{{ out }}", state: directory}\n- copy: {content: x, dest: "{{ out }}/x"}\n',
	});
	const run = await runPlaybook(dir, {check: true});
	t.deepEqual(run.results.map(result => [result.task, result.status]), [['site : file', 'changed'], ['site : copy', 'changed']]);
	t.throws(() => readFileSync(join(dir, 'out/x')));
});

test('roles are found in the roles path, and by a path', async t => {
	const shared = workspace({'common/tasks/main.yml': '- debug: msg=shared common\n', 'pathed/tasks/main.yml': '- debug: msg="{{ role_name }}"\n'});
	const dir = workspace({
		hosts: oneHost,
		'play.yml': play(`  roles: [common, ${join(shared, 'pathed')}]\n`),
	});
	const run = await runPlaybook(dir, {rolesPath: [shared]});
	t.deepEqual(run.printed.map(line => line.msg), ['shared common', join(shared, 'pathed')]);
});

test('--offline plans a role\'s handlers under the keywords of where the role was named', async t => {
	const files = (when: string) => workspace({
		hosts: oneHost,
		'play.yml': play(`  roles:\n    - role: fetcher\n      when: ${when}\n`),
		'roles/fetcher/handlers/main.yml': `- name: fetch\n  download: {url: "http://127.0.0.1:9/pb-none.tar", dest: /tmp/pb-none.tar, checksum: "sha256:${'0'.repeat(64)}"}\n`,
	});
	await t.notThrowsAsync(runPlaybook(files('false'), {offline: true}));
	await t.throwsAsync(runPlaybook(files('true'), {offline: true}), {message: /the controller's cache lacks what it would download:\n {2}pb-none\.tar \(fetcher : fetch/});
});

test('a dependency runs once per host however many include_role passes read it; a role included first is not imported again', async t => {
	const dir = workspace({
		hosts: oneHost,
		'play.yml': play(`
  tasks:
    - include_role: {name: web}
      loop: [1, 2]
    - include_role: {name: api}
    - import_role: {name: common}
`),
		'roles/common/tasks/main.yml': '- debug: msg=common\n',
		'roles/web/meta/main.yml': 'dependencies: [common]\n',
		'roles/web/tasks/main.yml': '- debug: msg="web {{ item }}"\n',
		'roles/api/meta/main.yml': 'dependencies: [common]\n',
		'roles/api/tasks/main.yml': '- debug: msg=api\n',
	});
	const run = await runPlaybook(dir);
	t.deepEqual(run.printed.map(line => line.msg), ['common', 'web 1', 'web 2', 'api']);
});

test('reading ahead goes through a role: the next tasks\' paths are rendered with the role\'s variables', async t => {
	const dir = workspace({
		hosts: oneHost,
		'play.yml': play('  roles: [web]\n'),
		'roles/web/defaults/main.yml': 'web_root: /srv/web\n',
		'roles/web/tasks/main.yml': '- stat: {path: "{{ web_root }}/a"}\n- stat: {path: "{{ web_root }}/b"}\n- file: {path: "{{ web_root }}/c", state: directory}\n',
	});
	t.deepEqual(await pathsReadAhead(dir), ['/srv/web/b', '/srv/web/c']);
});
