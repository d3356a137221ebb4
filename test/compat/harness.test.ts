import {existsSync} from 'node:fs';
import {chmod, mkdir, mkdtemp, symlink, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import type {UpperEntry} from '../lab/upper-snapshot.js';
import {caseFolders, readCases} from './harness/cases.js';
import {compareEndStates, compareRuns} from './harness/compare.js';
import {changedPaths} from './harness/end-state.js';
import type {ToolRun} from './harness/tool-runs.js';

/* The harness itself, without hosts: what it reads from a case, and how a difference reads. */

for (const [kind, folder] of Object.entries(caseFolders)) {
	test(`every ${kind} case has a case.json, a site.yml and an inventory`, t => {
		const cases = readCases(folder);
		t.true(cases.length > 0);
		for (const compatCase of cases) {
			t.true(existsSync(join(compatCase.directory, 'site.yml')), `${compatCase.name}/site.yml`);
			t.true(existsSync(join(compatCase.directory, 'inventory')), `${compatCase.name}/inventory`);
		}
	});
}

async function tree(files: Readonly<Record<string, string>>, modes: Readonly<Record<string, number>> = {}): Promise<string> {
	const root = await mkdtemp(join(tmpdir(), 'pb-compat-harness-'));
	for (const [path, content] of Object.entries(files)) {
		await mkdir(join(root, path, '..'), {recursive: true});
		await writeFile(join(root, path), content);
		await chmod(join(root, path), modes[path] ?? 0o644);
	}

	return root;
}

test('a difference names the host, the path, the attribute and both values; contents as a diff', async t => {
	const ansible = await tree({'etc/app.conf': 'port=80\nname=a\n', 'etc/only-ansible': ''}, {'etc/app.conf': 0o600});
	const pb = await tree({'etc/app.conf': 'port=8080\nname=a\n', 'etc/same': 'x'}, {'etc/app.conf': 0o644});
	await writeFile(join(ansible, 'etc/same'), 'x');
	t.deepEqual(await compareEndStates({host: 'node1', root: ansible, aliases: []}, {host: 'node1', root: pb, aliases: []}, ['/etc/same', '/etc/app.conf', '/etc/only-ansible']), [
		'node1 /etc/app.conf: mode: ansible-playbook 0600, pb 0644',
		'node1 /etc/app.conf: contents differ:\n+++ pb\n@@ -1,2 +1,2 @@\n-port=80\n+port=8080\n name=a\n',
		'node1 /etc/only-ansible: ansible-playbook left a file, pb nothing',
	]);
});

test('what differs by design (local out_dirs, lab host names and addresses) reads as a placeholder in contents and link targets', async t => {
	const [ansible, pb] = [await tree({}), await tree({})];
	const aliases = (root: string, lab: string) => [
		{text: join(root, 'node1'), placeholder: '<node1\'s out_dir>'},
		{text: lab, placeholder: '<node1\'s lab host name>'},
		{text: `${lab}2`, placeholder: '<node2\'s lab host name>'},
	];
	for (const [root, lab] of [[ansible, 'pblab-1'], [pb, 'pblab-3']] as const) {
		await mkdir(join(root, 'node1'));
		await writeFile(join(root, 'node1/conf'), `root is ${join(root, 'node1')}\nhosts ${lab} ${lab}2\n`);
		await symlink(join(root, 'node1/conf'), join(root, 'node1/link'));
	}

	const states = [{host: 'node1', root: join(ansible, 'node1'), aliases: aliases(ansible, 'pblab-1')}, {host: 'node1', root: join(pb, 'node1'), aliases: aliases(pb, 'pblab-3')}] as const;
	t.deepEqual(await compareEndStates(...states, ['/conf', '/link']), []);
	await writeFile(join(pb, 'node1/conf'), 'hosts pblab-3 pblab-4\n');
	t.deepEqual(await compareEndStates(...states, ['/conf']), [
		'node1 /conf: contents differ:\n+++ pb\n@@ -1,2 +1,1 @@\n-root is <node1\'s out_dir>\n-hosts <node1\'s lab host name> <node2\'s lab host name>\n+hosts <node1\'s lab host name> pblab-4\n',
	]);
});

const recap = {ok: 3, changed: 2, unreachable: 0, failed: 0, skipped: 1, rescued: 0, ignored: 0};
const run = (tool: ToolRun['tool'], code: number, changed: number): ToolRun => ({tool, code, recap: {node1: {...recap, changed}}, output: `${tool} said this`, wallMs: 1});

test('recaps are compared count by count, with both outputs when they differ', t => {
	t.deepEqual(compareRuns(run('ansible-playbook', 0, 2), run('pb', 0, 2)), []);
	t.deepEqual(compareRuns(run('ansible-playbook', 0, 2), run('pb', 2, 1)), [
		'exit code: ansible-playbook 0, pb 2',
		'node1: recap changed: ansible-playbook 2, pb 1',
		'--- ansible-playbook\'s output ended with:\nansible-playbook said this',
		'--- pb\'s output ended with:\npb said this',
	]);
});

test('the paths a run changed leave out the noise both tools make', t => {
	const file: UpperEntry = {type: 'file', mode: 0o644, uid: 0, gid: 0, sha256: 'a', mtimeMs: 1};
	const after = new Map<string, UpperEntry>([
		['/etc/app.conf', file], ['/root/.ansible', file], ['/root/.ansible/tmp', file], ['/var/log/wtmp', file],
		['/usr/lib/python3/dist-packages/x/__pycache__/y.cpython-311.pyc', file], ['/var/lib/app', file],
	]);
	t.deepEqual(changedPaths(new Map(), after), ['/etc/app.conf', '/var/lib/app']);
});
