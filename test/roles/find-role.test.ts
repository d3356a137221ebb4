import {join, relative} from 'node:path';
import test from 'ava';
import {findRole, roleSearchDirs} from '../../engine/roles/find-role.js';
import {roleFile, roleVariableFiles, taskFilePath} from '../../engine/roles/role-files.js';
import {workspace} from '../helpers/playbook-run.js';

test('roles are looked for in roles/ beside the playbook, the roles path, the dependent role\'s folder, then the playbook\'s folder', t => {
	t.deepEqual(roleSearchDirs('/p', ['/a', '/b'], '/deps'), ['/p/roles', '/a', '/b', '/deps', '/p']);
	t.deepEqual(roleSearchDirs('/p', ['/p/roles']), ['/p/roles', '/p']);
});

test('the first folder holding the role wins; a path keeps its name, unless found only from the current directory', t => {
	const dir = workspace({
		'play/roles/web/tasks/main.yml': '',
		'path/web/tasks/main.yml': '',
		'path/db/tasks/main.yml': '',
		'play/api/tasks/main.yml': '',
		'elsewhere/cache/tasks/main.yml': '',
	});
	const dirs = roleSearchDirs(join(dir, 'play'), [join(dir, 'path')]);
	t.deepEqual(findRole('web', dirs), {name: 'web', path: join(dir, 'play/roles/web')});
	t.deepEqual(findRole('db', dirs), {name: 'db', path: join(dir, 'path/db')});
	t.deepEqual(findRole('api', dirs), {name: 'api', path: join(dir, 'play/api')});
	t.deepEqual(findRole(join(dir, 'elsewhere/cache'), dirs), {name: join(dir, 'elsewhere/cache'), path: join(dir, 'elsewhere/cache')});
	t.deepEqual(findRole('../elsewhere/cache', dirs), {name: '../elsewhere/cache', path: join(dir, 'elsewhere/cache')});
	const fromCwd = relative(process.cwd(), join(dir, 'elsewhere/cache'));
	t.deepEqual(findRole(fromCwd, roleSearchDirs(join(dir, 'play/deep/er'), [])), {name: 'cache', path: join(dir, 'elsewhere/cache')});
	t.is(findRole('nowhere', dirs), undefined);
});

test('a role\'s main file is main.yml, main.yaml, main.json or main; a *_from name is tried as written first', t => {
	const dir = workspace({
		'r/tasks/main.yaml': '',
		'r/tasks/main': '',
		'r/vars/main': '',
		'r/defaults/extra': '',
		'r/defaults/extra.yml': '',
		'r/handlers/other.yml': '',
	});
	t.is(roleFile(join(dir, 'r'), 'tasks'), join(dir, 'r/tasks/main.yaml'));
	t.is(roleFile(join(dir, 'r'), 'vars'), join(dir, 'r/vars/main'));
	t.is(roleFile(join(dir, 'r'), 'defaults', 'extra'), join(dir, 'r/defaults/extra'));
	t.is(roleFile(join(dir, 'r'), 'handlers', 'other'), join(dir, 'r/handlers/other.yml'));
	t.is(roleFile(join(dir, 'r'), 'meta'), undefined);
});

test('vars/ and defaults/ may hold a main folder, whose variables files are all read in name order', t => {
	const dir = workspace({
		'r/vars/main/b.yml': '',
		'r/vars/main/a/z.yaml': '',
		'r/vars/main/c.txt': '',
		'r/vars/main/.hidden.yml': '',
		'r/defaults/main.yml': '',
	});
	t.deepEqual(roleVariableFiles(join(dir, 'r'), 'vars'), [join(dir, 'r/vars/main/a/z.yaml'), join(dir, 'r/vars/main/b.yml')]);
	t.deepEqual(roleVariableFiles(join(dir, 'r'), 'defaults'), [join(dir, 'r/defaults/main.yml')]);
	t.deepEqual(roleVariableFiles(join(dir, 'r'), 'defaults', 'other'), []);
});

test('a role\'s task files are looked for in its tasks/ first, then beside the file naming them', t => {
	const dir = workspace({'r/tasks/a.yml': '', 'r/tasks/sub/b.yml': ''});
	t.is(taskFilePath('a.yml', join(dir, 'r/tasks/sub'), join(dir, 'r')), join(dir, 'r/tasks/a.yml'));
	t.is(taskFilePath('b.yml', join(dir, 'r/tasks/sub'), join(dir, 'r')), join(dir, 'r/tasks/sub/b.yml'));
	t.is(taskFilePath('b.yml', join(dir, 'play'), undefined), join(dir, 'play/b.yml'));
});
