import {join} from 'node:path';
import test from 'ava';
import {labRuns} from '../helpers/lab-runs.js';
import {workspace} from '../helpers/playbook-run.js';
import {useLab} from '../lab/use-lab.js';

/*
 * What the pre-flight catches before any host is contacted, after a first task that would have
 * changed the host: a template file that does not compile (Jinja or Handlebars), and a file an
 * import_playbook, import_tasks or vars_files names that is not there. Each exits 4 naming
 * file:line:col; the host was not logged in to and its upper dir is unchanged.
 */

const lab = useLab(test, {hosts: 1});
const {pb, logins, snapshotAll, assertUnchanged} = labRuns(lab);

const firstChange = '    - file: {path: /etc/pb-preflight, state: directory}\n';
const play = (tasks: string, head = '') => `- hosts: lab\n  gather_facts: false\n${head}  tasks:\n${firstChange}${tasks}`;

const cases: ReadonlyArray<{title: string; files: Record<string, string>; at: string; message: string}> = [
	{
		title: 'a Jinja template with a syntax error',
		files: {'site.yml': play('    - template: {src: motd.j2, dest: /etc/motd}\n'), 'templates/motd.j2': 'Welcome\n{% if ansible_hostname %}\n{{ ansible_hostname }\n'},
		at: 'motd.j2:3:',
		message: 'template syntax error',
	},
	{
		title: 'a Handlebars template with a syntax error',
		files: {'site.yml': play('    - template: {src: app.conf.hbs, dest: /etc/app.conf}\n'), 'templates/app.conf.hbs': 'port={{port}}\n{{#if debug}}\ndebug=1\n'},
		at: 'app.conf.hbs:',
		message: 'template syntax error',
	},
	{
		title: 'an import_playbook of a missing file, named from the importing playbook\'s folder',
		files: {'site.yml': '- import_playbook: plays/base.yml\n', 'plays/base.yml': `${play('')}- import_playbook: extra.yml\n`},
		at: 'plays/base.yml:5:20:',
		message: 'import_playbook names extra.yml, which does not exist: looked for ',
	},
	{
		title: 'an import_tasks of a missing file',
		files: {'site.yml': play('    - import_tasks: tasks/nosuch.yml\n')},
		at: 'site.yml:5:21:',
		message: 'import_tasks names tasks/nosuch.yml, which does not exist',
	},
	{
		title: 'a missing vars_files entry',
		files: {'site.yml': play('', '  vars_files: [vars/nosuch.yml]\n')},
		at: 'site.yml:3:16:',
		message: 'vars_files names vars/nosuch.yml, which does not exist',
	},
];

for (const {title, files, at, message} of cases) {
	test.serial(`${title}: exit 4 with its file:line:col, before any host is contacted`, async t => {
		const dir = workspace(files);
		const [host] = lab().hosts;
		const snapshots = await snapshotAll();
		const before = await logins(t, host!);
		const run = await pb(['run', join(dir, 'site.yml'), '-i', lab().inventoryPath]);
		t.is(run.code, 4, run.stdout + run.stderr);
		t.true(run.stderr.includes(at), run.stderr);
		t.true(run.stderr.includes(message), run.stderr);
		t.is(run.stdout, '', 'no play started');
		t.is(await logins(t, host!), before + 1, 'the only login is the one counting them');
		await assertUnchanged(t, snapshots);
	});
}

test.serial('the same playbook with the template fixed runs, and makes the change the failed runs did not', async t => {
	const dir = workspace({'site.yml': play('    - template: {src: motd.j2, dest: /etc/motd}\n'), 'templates/motd.j2': 'Welcome to {{ inventory_hostname }}\n'});
	const run = await pb(['run', join(dir, 'site.yml'), '-i', lab().inventoryPath]);
	t.is(run.code, 0, run.stdout + run.stderr);
	t.regex(run.stdout, /changed=2/);
});
