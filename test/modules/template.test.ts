import {readdir, readFile, stat, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import {localInventory, runPlaybook, workspace} from '../helpers/playbook-run.js';
import {snapshot, tempDir} from './tree-snapshot.js';

/** A playbook on this machine (two local hosts) rendering templates/app.conf.hbs into `dir`. */
function templatePlay(dir: string, task: string, template = 'name={{ inventory_hostname }}\nport={{ port }}\n'): string {
	return workspace({
		hosts: localInventory('node1', 'node2'),
		'templates/app.conf.hbs': template,
		'play.yml': `
- hosts: all
  gather_facts: false
  vars:
    port: 8080
  tasks:
    - name: render
      template:
        src: app.conf.hbs
        dest: "${dir}/{{ inventory_hostname }}.conf"
${task}`,
	});
}

/** What a run reported per host and task, as a person sees it; hosts run in parallel, so in no set order. */
function reported(run: Awaited<ReturnType<typeof runPlaybook>>) {
	return run.results.map(({host, task, status, msg, diff}) => ({host, task, status, msg, diff})).sort((a, b) => `${a.task} ${a.host}`.localeCompare(`${b.task} ${b.host}`));
}

test('rendered with each host\'s variables; --check predicts the real run and changes nothing; the second run is unchanged', async t => {
	const dir = await tempDir(t);
	const play = templatePlay(dir, '        mode: \'0640\'\n    - name: again\n      template: {src: app.conf.hbs, dest: "' + dir + '/{{ inventory_hostname }}.conf", mode: \'0640\'}\n');
	const before = await snapshot(dir);
	const check = await runPlaybook(play, {check: true, diff: true});
	t.deepEqual(await snapshot(dir), before, '--check wrote nothing');
	const real = await runPlaybook(play, {diff: true});
	t.deepEqual(reported(real), reported(check));
	const node1 = real.results.find(result => result.host === 'node1' && result.task === 'render');
	t.like(node1, {status: 'changed', msg: `${dir}/node1.conf: new file, 21 bytes`});
	t.deepEqual(node1?.diff, [{header: `${dir}/node1.conf`, before: '', after: 'name=node1\nport=8080\n'}, {header: `${dir}/node1.conf (attributes)`, before: '', after: 'mode: 0640\n'}]);
	// The second task sees the first one's file, predicted in check mode, written for real.
	t.like(real.results.find(result => result.task === 'again'), {status: 'ok'});
	t.is(await readFile(join(dir, 'node2.conf'), 'utf8'), 'name=node2\nport=8080\n');
	t.is((await stat(join(dir, 'node2.conf'))).mode & 0o7777, 0o640);
	t.deepEqual(Object.values((await runPlaybook(play)).recap).map(recap => recap.changed), [0, 0]);
});

test('--diff shows the rendered text before and after a change', async t => {
	const dir = await tempDir(t);
	await writeFile(join(dir, 'node1.conf'), 'name=node1\nport=80\n');
	const run = await runPlaybook(templatePlay(dir, ''), {diff: true, limit: 'node1'});
	t.like(run.results[0], {status: 'changed', msg: `${dir}/node1.conf: content changed`});
	t.deepEqual(run.results[0]?.diff, [{header: `${dir}/node1.conf`, before: 'name=node1\nport=80\n', after: 'name=node1\nport=8080\n'}]);
});

test('an undefined variable fails the task naming the variable and the template\'s file:line', async t => {
	const dir = await tempDir(t);
	const play = templatePlay(dir, '', 'name={{ inventory_hostname }}\n\nport={{ prot }}\n');
	const run = await runPlaybook(play, {limit: 'node1'});
	t.is(run.results[0]?.status, 'failed');
	t.regex(run.results[0]?.msg ?? '', /undefined variable "prot"/);
	t.true((run.results[0]?.msg ?? '').includes(`${join(play, 'templates', 'app.conf.hbs')}:3:`), run.results[0]?.msg);
	t.deepEqual(await readdir(dir), [], 'nothing was written');
});

test('src is looked up in templates/ first, then beside the playbook', async t => {
	const dir = await tempDir(t);
	const play = templatePlay(dir, '');
	await writeFile(join(play, 'app.conf.hbs'), 'beside the playbook\n');
	await runPlaybook(play, {limit: 'node1'});
	t.is(await readFile(join(dir, 'node1.conf'), 'utf8'), 'name=node1\nport=8080\n');
	const other = templatePlay(dir, '');
	await writeFile(join(other, 'beside.hbs'), 'beside\n');
	await writeFile(join(other, 'play.yml'), `- hosts: node1\n  gather_facts: false\n  tasks:\n    - template: {src: beside.hbs, dest: ${dir}/beside.conf}\n`);
	t.like((await runPlaybook(other)).results[0], {status: 'changed'});
	t.is(await readFile(join(dir, 'beside.conf'), 'utf8'), 'beside\n');
});

test('in a task file imported from another folder, src is looked up beside that file first, then beside the playbook; a missing one names every place looked in', async t => {
	const dir = await tempDir(t);
	const play = workspace({
		hosts: localInventory('node1'),
		'templates/app.conf.hbs': 'the playbook\'s\n',
		'templates/shared.hbs': 'shared\n',
		'tasks/templates/app.conf.hbs': 'the task file\'s\n',
		'tasks/render.yml': `- template: {src: app.conf.hbs, dest: ${dir}/app.conf}
- template: {src: shared.hbs, dest: ${dir}/shared.conf}
- template: {src: none.hbs, dest: ${dir}/none.conf}
`,
		'play.yml': '- hosts: all\n  gather_facts: false\n  tasks:\n    - import_tasks: tasks/render.yml\n',
	});
	const run = await runPlaybook(play);
	t.is(await readFile(join(dir, 'app.conf'), 'utf8'), 'the task file\'s\n');
	t.is(await readFile(join(dir, 'shared.conf'), 'utf8'), 'shared\n');
	const tasks = join(play, 'tasks');
	t.like(run.results[2], {status: 'failed', msg: `src none.hbs not found on the controller; looked for ${join(tasks, 'templates', 'none.hbs')}, ${join(tasks, 'none.hbs')}, ${join(play, 'templates', 'none.hbs')} and ${join(play, 'none.hbs')}`});
});

test('validate rejecting the rendered file leaves dest as it was; backup keeps the replaced file', async t => {
	const dir = await tempDir(t);
	await writeFile(join(dir, 'node1.conf'), 'old\n');
	const rejected = await runPlaybook(templatePlay(dir, '        validate: "grep -q port=80$ %s"\n'), {limit: 'node1'});
	t.like(rejected.results[0], {status: 'failed'});
	t.regex(rejected.results[0]?.msg ?? '', /^validate \(grep -q port=80\$ %s\) rejected the new .*node1\.conf; .*node1\.conf was left as it was/);
	t.is(await readFile(join(dir, 'node1.conf'), 'utf8'), 'old\n');
	t.deepEqual(await readdir(dir), ['node1.conf'], 'no temp file left behind');

	const accepted = await runPlaybook(templatePlay(dir, '        validate: "grep -q port=8080$ %s"\n        backup: true\n'), {limit: 'node1'});
	const backup = String(accepted.results[0]?.result?.['backup_file']);
	t.is(await readFile(backup, 'utf8'), 'old\n');
	t.is(await readFile(join(dir, 'node1.conf'), 'utf8'), 'name=node1\nport=8080\n');
});

test('a .j2 template renders as Ansible\'s Jinja, with the variables Ansible\'s template module adds', async t => {
	const dir = await tempDir(t);
	const play = workspace({
		hosts: localInventory('node1'),
		'templates/motd.j2': '# {{ ansible_managed }} ({{ template_path }})\n{% for port in ports %}\nlisten {{ port }}{{ ";" if loop.last }}\n{% endfor %}\ndebug={{ debug }} {{ ports }}\n',
		'play.yml': `
- hosts: all
  gather_facts: false
  vars:
    ports: [80, 443]
    debug: false
  tasks:
    - template: {src: motd.j2, dest: "${dir}/motd"}
`,
	});
	const run = await runPlaybook(play);
	t.like(run.results[0], {status: 'changed'});
	t.is(await readFile(join(dir, 'motd'), 'utf8'), '# Ansible managed (motd.j2)\nlisten 80\nlisten 443;\ndebug=False [80, 443]\n');
});
