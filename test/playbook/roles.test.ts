import {join} from 'node:path';
import test from 'ava';
import {PbError} from '../../engine/errors.js';
import {loadInventory} from '../../engine/inventory/inventory.js';
import {loadPlaybook} from '../../engine/playbook/parse-play.js';
import {validatePlaybook} from '../../engine/playbook/validate.js';
import {modules} from '../../modules/index.js';
import {localInventory, pb, workspace} from '../helpers/playbook-run.js';

/** Loads and validates a playbook with roles; returns the error it raises, and the folder. */
async function errorOf(files: Record<string, string>, rolesPath: string[] = []): Promise<{error: PbError; dir: string}> {
	const dir = workspace({hosts: localInventory('node1'), ...files});
	const inventory = await loadInventory([join(dir, 'hosts')]);
	try {
		validatePlaybook(loadPlaybook(join(dir, 'play.yml'), modules, rolesPath), inventory, {});
	} catch (error) {
		if (error instanceof PbError) {
			return {error, dir};
		}

		throw error;
	}

	throw new Error('expected the playbook to be refused');
}

const play = (body: string) => `- hosts: all\n  gather_facts: false\n${body}`;

test('a role not found names the reference\'s place and every folder searched', async t => {
	const {error, dir} = await errorOf({'play.yml': play('  roles:\n    - common\n    - role: nowhere\n'), 'roles/common/tasks/main.yml': '[]\n'}, ['/srv/roles']);
	t.is(error.message, `the role 'nowhere' was not found in ${join(dir, 'roles')}:/srv/roles:${dir}`);
	t.deepEqual(error.where, {file: join(dir, 'play.yml'), line: 5, column: 13});
	t.regex(error.hint ?? '', /roles_path/);
	t.is(error.kind, 'parse');
});

test('a missing dependency is named at its line in the dependent role\'s meta/main.yml', async t => {
	const {error, dir} = await errorOf({
		'play.yml': play('  roles: [web]\n'),
		'roles/web/meta/main.yml': 'galaxy_info: {}\ndependencies:\n  - base\n',
	});
	t.is(error.message, `the role 'base' was not found in ${join(dir, 'roles')}:${dir}`);
	t.deepEqual(error.where, {file: join(dir, 'roles/web/meta/main.yml'), line: 3, column: 5});
});

test('an import_role naming no role found points at its name', async t => {
	const {error} = await errorOf({'play.yml': play('  tasks:\n    - import_role:\n        name: ghost\n')});
	t.regex(error.message, /^the role 'ghost' was not found/);
	t.like(error.where, {line: 5, column: 15});
});

test('errors in a role\'s files name that file, line and column', async t => {
	const unknownModule = await errorOf({
		'play.yml': play('  roles: [web]\n'),
		'roles/web/tasks/main.yml': '- debug: msg=ok\n- name: bad\n  comand: ls\n',
	});
	t.is(unknownModule.error.message, 'unknown module or task keyword \'comand\' (did you mean \'command\'?)');
	t.deepEqual(unknownModule.error.where, {file: join(unknownModule.dir, 'roles/web/tasks/main.yml'), line: 3, column: 3});
	const badParameter = await errorOf({
		'play.yml': play('  tasks:\n    - include_role: {name: web}\n'),
		'roles/web/handlers/main.yml': '- name: h\n  copy:\n    dest: /x\n    contnet: y\n',
	});
	t.deepEqual(badParameter.error.where, {file: join(badParameter.dir, 'roles/web/handlers/main.yml'), line: 4, column: 5});
	const yamlError = await errorOf({
		'play.yml': play('  roles: [web]\n'),
		'roles/web/defaults/main.yml': 'a: 1\nb: [2\n',
	});
	t.is(yamlError.error.where?.file, join(yamlError.dir, 'roles/web/defaults/main.yml'));
	const notMapping = await errorOf({'play.yml': play('  roles: [web]\n'), 'roles/web/vars/main.yml': '- a\n- b\n'});
	t.deepEqual(notMapping.error.where, {file: join(notMapping.dir, 'roles/web/vars/main.yml'), line: 1, column: 1});
});

test('notify may name a role\'s handler by name, by `role : name` or by listen; a wrong one is refused where written', async t => {
	const files = {
		'roles/web/handlers/main.yml': '- name: restart\n  listen: web changed\n  debug: msg=r\n',
		'roles/web/tasks/main.yml': '- command: "true"\n  notify: [restart, "web : restart", web changed]\n',
	};
	const dir = workspace({hosts: localInventory('node1'), 'play.yml': play('  roles: [web]\n'), ...files});
	t.notThrows(() => loadPlaybook(join(dir, 'play.yml'), modules, []));
	const {error} = await errorOf({'play.yml': play('  roles: [web]\n  tasks:\n    - command: "true"\n      notify: "db : restart"\n'), ...files});
	t.regex(error.message, /^notify names 'db : restart', but no handler/);
	t.regex(error.hint ?? '', /web : restart/);
	t.like(error.where, {line: 5, column: 7});
});

test('import_role needs names without templates, and include_role takes only its own parameters', async t => {
	const templated = await errorOf({'play.yml': play('  tasks:\n    - import_role:\n        name: "{{ x }}"\n')});
	t.regex(templated.error.message, /^import_role reads its role before the run/);
	const unknown = await errorOf({'play.yml': play('  tasks:\n    - include_role:\n        name: web\n        task_from: x\n'), 'roles/web/tasks/main.yml': '[]\n'});
	t.is(unknown.error.message, 'unknown include_role keyword \'task_from\' (did you mean \'tasks_from\'?)');
	t.like(unknown.error.where, {line: 6, column: 9});
	const missing = await errorOf({'play.yml': play('  tasks:\n    - import_role: {name: web, tasks_from: nothere}\n'), 'roles/web/tasks/main.yml': '[]\n'});
	t.regex(missing.error.message, /^role 'web' has no tasks file 'nothere'/);
});

test('a role naming itself, through its dependencies or its tasks, is refused, not followed forever', async t => {
	const {error} = await errorOf({
		'play.yml': play('  roles: [a]\n'),
		'roles/a/meta/main.yml': 'dependencies: [b]\n',
		'roles/b/meta/main.yml': 'dependencies: [a]\n',
	});
	t.regex(error.message, /^role 'a' names itself/);
	const byImport = await errorOf({'play.yml': play('  roles: [a]\n'), 'roles/a/tasks/main.yml': '- import_role: {name: a}\n'});
	t.regex(byImport.error.message, /^role 'a' names itself: .*roles\/a\/tasks\/main\.yml is being read already/);
	t.like(byImport.error.where, {line: 1, column: 23});
});

test('a role\'s variables count as defined when the playbook is checked', async t => {
	const dir = workspace({
		hosts: localInventory('node1'),
		'play.yml': play('  roles:\n    - role: web\n      port: 80\n  tasks:\n    - debug: msg="{{ web_user }}"\n'),
		'roles/web/defaults/main.yml': 'web_root: /srv\n',
		'roles/web/vars/main.yml': 'web_user: www\n',
		'roles/web/tasks/main.yml': '- debug: msg="{{ web_root }} {{ port }} {{ role_name }} {{ role_path }}"\n',
	});
	const inventory = await loadInventory([join(dir, 'hosts')]);
	t.notThrows(() => {
		validatePlaybook(loadPlaybook(join(dir, 'play.yml'), modules, []), inventory, {});
	});
	const {error} = await errorOf({'play.yml': play('  roles: [web]\n'), 'roles/web/tasks/main.yml': '- debug: msg="{{ web_rot }}"\n'});
	t.regex(error.message, /^undefined variable 'web_rot'/);
});

test('collections: is accepted as a list of names', async t => {
	const dir = workspace({hosts: localInventory('node1'), 'play.yml': play('  collections: [ansible.posix, community.general]\n  tasks: []\n')});
	t.notThrows(() => loadPlaybook(join(dir, 'play.yml'), modules, []));
	const {error} = await errorOf({'play.yml': play('  collections:\n    - {name: x}\n  tasks: []\n')});
	t.regex(error.message, /^collections lists collection names/);
	t.like(error.where, {line: 4, column: 7});
});

test('--list-tasks shows a role\'s named tasks as `role : name`, as ansible-playbook', t => {
	const dir = workspace({
		hosts: localInventory('node1'),
		'play.yml': play('  roles: [web]\n  tasks:\n    - debug: msg=x\n    - include_role: {name: web}\n'),
		'roles/web/tasks/main.yml': '- name: install\n  debug: msg=x\n- command: "true"\n',
	});
	const result = pb(['run', 'play.yml', '-i', 'hosts', '--list-tasks'], dir);
	t.is(result.code, 0, result.stderr);
	t.regex(result.stdout, /tasks:\n {6}web : install\tTAGS: \[\]\n {6}command\tTAGS: \[\]\n {6}debug\tTAGS: \[\]\n {6}include_role\tTAGS: \[\]\n/);
});

test('pb run finds roles through ./ansible.cfg\'s roles_path, relative to the file\'s folder', t => {
	const dir = workspace({
		hosts: localInventory('node1'),
		'ansible.cfg': '[defaults]\nroles_path = ./shared-roles\n',
		'play.yml': play('  roles: [common]\n'),
		'shared-roles/common/tasks/main.yml': '- name: from the roles path\n  debug: msg=x\n',
		'elsewhere/.keep': '',
	});
	const listed = pb(['run', 'play.yml', '-i', 'hosts', '--list-tasks'], dir);
	t.is(listed.code, 0, listed.stderr);
	t.regex(listed.stdout, /common : from the roles path/);
	// Run from elsewhere, the file is not found, and neither is the role: exit 4, the folders searched named.
	const elsewhere = pb(['run', join(dir, 'play.yml'), '-i', join(dir, 'hosts'), '--list-tasks'], join(dir, 'elsewhere'));
	t.is(elsewhere.code, 4);
	t.regex(elsewhere.stderr, /the role 'common' was not found in /);
});
