import {chmodSync, mkdirSync} from 'node:fs';
import {join} from 'node:path';
import test from 'ava';
import {configValue, findAnsibleCfg, readAnsibleCfg, rolesPath} from '../../engine/config/ansible-cfg.js';
import {parseIniSections} from '../../engine/config/ini.js';
import {PbError} from '../../engine/errors.js';
import {workspace} from '../helpers/playbook-run.js';

/** A home, a current directory and an elsewhere, each maybe with an ansible.cfg. */
function surroundings(files: Record<string, string>) {
	const root = workspace({...files, 'home/.keep': '', 'cwd/.keep': '', 'elsewhere/.keep': ''});
	return {root, around: {env: {}, cwd: join(root, 'cwd'), home: join(root, 'home')}};
}

test('ansible.cfg is read from ANSIBLE_CONFIG first, then the current directory, then ~/.ansible.cfg', t => {
	const {root, around} = surroundings({
		'elsewhere/custom.cfg': '[defaults]\nroles_path = from-env\n',
		'cwd/ansible.cfg': '[defaults]\nroles_path = from-cwd\n',
		'home/.ansible.cfg': '[defaults]\nroles_path = from-home\n',
	});
	t.is(findAnsibleCfg({...around, env: {ANSIBLE_CONFIG: join(root, 'elsewhere/custom.cfg')}}), join(root, 'elsewhere/custom.cfg'));
	t.is(findAnsibleCfg(around), join(root, 'cwd/ansible.cfg'));
	t.is(findAnsibleCfg({...around, cwd: join(root, 'elsewhere')}), join(root, 'home/.ansible.cfg'));
	// The first found is the only one read: no merging.
	t.deepEqual(rolesPath(readAnsibleCfg(around), around), [join(root, 'cwd/from-cwd')]);
});

test('ANSIBLE_CONFIG may name a folder, and is skipped when it names nothing', t => {
	const {root, around} = surroundings({'elsewhere/ansible.cfg': '[defaults]\n', 'home/.ansible.cfg': '[defaults]\n'});
	t.is(findAnsibleCfg({...around, env: {ANSIBLE_CONFIG: join(root, 'elsewhere')}}), join(root, 'elsewhere/ansible.cfg'));
	t.is(findAnsibleCfg({...around, env: {ANSIBLE_CONFIG: join(root, 'missing.cfg')}}), join(root, 'home/.ansible.cfg'));
});

test('an ansible.cfg in a world-writable current directory is ignored, as Ansible does', t => {
	const {root, around} = surroundings({'cwd/ansible.cfg': '[defaults]\n'});
	chmodSync(join(root, 'cwd'), 0o777);
	t.not(findAnsibleCfg(around), join(root, 'cwd/ansible.cfg'));
});

test('roles_path: colon-separated, ~ expanded, relative entries from the cfg file\'s folder', t => {
	const {root, around} = surroundings({'cwd/conf/ansible.cfg': '[defaults]\nroles_path = ./roles:~/shared-roles : /abs/roles ; a comment\n'});
	const config = readAnsibleCfg({...around, env: {ANSIBLE_CONFIG: join(root, 'cwd/conf/ansible.cfg')}});
	t.deepEqual(rolesPath(config, around), [join(root, 'cwd/conf/roles'), join(root, 'home/shared-roles'), '/abs/roles']);
});

test('ANSIBLE_ROLES_PATH wins over roles_path; with neither, Ansible\'s default path', t => {
	const {root, around} = surroundings({'cwd/ansible.cfg': '[defaults]\nroles_path = cfg-roles\n'});
	const config = readAnsibleCfg(around);
	t.deepEqual(rolesPath(config, {...around, env: {ANSIBLE_ROLES_PATH: 'env-roles:/x'}}), [join(root, 'cwd/env-roles'), '/x']);
	mkdirSync(join(root, 'empty'));
	const none = readAnsibleCfg({...around, cwd: join(root, 'empty')});
	t.is(none.file, undefined);
	t.deepEqual(rolesPath(none, around), [join(root, 'home/.ansible/roles'), '/usr/share/ansible/roles', '/etc/ansible/roles']);
});

test('the INI reader: sections, = and :, comments, continuation lines, keys lowercased', t => {
	const sections = parseIniSections('# top\n[defaults]\nRoles_Path: a\n  b\nforks = 5 ; inline\n; whole line\n[ssh_connection]\npipelining=True\n', 'x.cfg');
	t.is(sections.get('defaults')?.get('roles_path'), 'a\nb');
	t.is(sections.get('defaults')?.get('forks'), '5');
	t.is(configValue({file: 'x.cfg', sections}, 'ssh_connection', 'PIPELINING'), 'True');
});

test('a line that is neither a section nor key = value is an error naming its line', t => {
	const error = t.throws(() => parseIniSections('[defaults]\nforks = 5\njust words\n', '/x/ansible.cfg'), {instanceOf: PbError});
	t.deepEqual(error?.where, {file: '/x/ansible.cfg', line: 3, column: 1});
	t.throws(() => parseIniSections('forks = 5\n', '/x/ansible.cfg'), {message: /comes before any \[section\]/});
});
