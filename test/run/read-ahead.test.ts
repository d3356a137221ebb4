import {mkdir, symlink, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import {readMany, requestKey} from '../../engine/host/read-many.js';
import type {ExecOptions} from '../../engine/connection/connection.js';
import {type FileRequest} from '../../engine/host/file-state.js';
import {quoteShell} from '../../engine/shell-words.js';
import {readFileStates} from '../../engine/host/read-files.js';
import {ReadAhead} from '../../engine/host/read-ahead.js';
import command from '../../modules/command.js';
import download from '../../modules/download/index.js';
import {localHost, withDefaults} from '../helpers/host-context.js';
import {factlessPlay, localInventory, runPlaybook, workspace} from '../helpers/playbook-run.js';
import {pathsReadAhead} from '../helpers/reads-ahead.js';
import {sha256} from '../modules/download-fixtures.js';
import {tempDir} from '../modules/tree-snapshot.js';

async function tree(t: Parameters<typeof tempDir>[0]): Promise<{dir: string; requests: FileRequest[]}> {
	const dir = await tempDir(t);
	await writeFile(join(dir, 'file'), 'content\n', {mode: 0o640});
	await mkdir(join(dir, 'dir'));
	await writeFile(join(dir, 'dir', 'inner'), 'x');
	await symlink('file', join(dir, 'link'));
	await symlink('missing', join(dir, 'dangling'));
	await writeFile(join(dir, 'name\nwith newline'), 'odd');
	const requests: FileRequest[] = [
		{path: join(dir, 'file')},
		{path: join(dir, 'file'), options: {checksum: false}},
		{path: join(dir, 'dir')},
		{path: join(dir, 'dir'), options: {inDirectory: 'inner'}},
		{path: join(dir, 'dir'), options: {inDirectory: 'none'}},
		{path: join(dir, 'link')},
		{path: join(dir, 'link'), options: {follow: true}},
		{path: join(dir, 'dangling')},
		{path: join(dir, 'none')},
		{path: join(dir, 'no', 'none')},
		{path: join(dir, 'name\nwith newline')},
		{path: join(dir, 'file'), options: {content: true}},
		{path: join(dir, 'link'), options: {content: true, follow: true}},
		{path: join(dir, 'dir'), options: {content: true, inDirectory: 'inner'}},
		{path: join(dir, 'none'), options: {content: true}},
	];
	return {dir, requests};
}

test('many paths read at once give the very states each read alone gives, contents too, in one command', async t => {
	const {requests} = await tree(t);
	const alone = await readFileStates(localHost(), requests);
	const host = localHost();
	const together = await readMany(host, requests);
	t.is(host.commands.length, 1);
	t.deepEqual(requests.map(request => together?.get(requestKey(request))), alone);
	const file = together?.get(requestKey(requests.at(-4)!));
	t.is(file?.exists ? file.content?.toString() : undefined, 'content\n');
});

test('a loop reads ahead for its items, and the tasks after it for theirs, `with_items` too; a `with_pipe` stops it', async t => {
	const dir = workspace({
		hosts: localInventory('node1'),
		'play.yml': factlessPlay(`    - stat: {path: "/srv/{{ item }}"}
      loop: [a, b]
    - sysctl: {name: "net.ipv4.{{ item.key }}", value: "1", sysctl_file: /etc/sysctl.d/k8s.conf}
      loop: [{key: ip_forward}, {key: tcp_syncookies}]
    - stat: {path: "/srv/{{ item }}"}
      with_items: [c]
    - stat: {path: "/srv/{{ item }}"}
      with_pipe: echo d
    - stat: {path: /srv/e}
`),
	});
	t.deepEqual(await pathsReadAhead(dir), ['/srv/a', '/srv/b', '/proc/sys/net/ipv4/ip_forward', '/etc/sysctl.d/k8s.conf', '/proc/sys/net/ipv4/tcp_syncookies', '/etc/sysctl.d/k8s.conf', '/srv/c']);
	// From the loop's second item: what is left of it, then the next task's, as after a change to the first (count 1).
	t.deepEqual(await pathsReadAhead(dir, 1, 1), ['/srv/b']);
	t.deepEqual(await pathsReadAhead(dir, 2, 1), ['/srv/b', '/proc/sys/net/ipv4/ip_forward', '/etc/sysctl.d/k8s.conf', '/proc/sys/net/ipv4/tcp_syncookies', '/etc/sysctl.d/k8s.conf']);
	t.deepEqual(await pathsReadAhead(dir, 1, 2), ['/proc/sys/net/ipv4/ip_forward', '/etc/sysctl.d/k8s.conf', '/proc/sys/net/ipv4/tcp_syncookies', '/etc/sysctl.d/k8s.conf'], 'after the last item, the next task\'s');
});

test('nothing after a command or shell task is read ahead with it, which its command may change; its own absolute creates is', async t => {
	const dir = workspace({
		hosts: localInventory('node1'),
		'play.yml': factlessPlay(`    - stat: {path: /srv/a}
    - command: {cmd: "mkdir /srv/{{ item }}", creates: "/srv/{{ item }}"}
      loop: [b, c]
    - stat: {path: /srv/d}
    - shell: echo
    - stat: {path: /srv/e}
`),
	});
	// The first task's own read is not among them: only what the tasks after it will read.
	t.deepEqual(await pathsReadAhead(dir), ['/srv/b']);
	const play = join(dir, 'play.yml');
	await writeFile(play, factlessPlay(`    - stat: {path: /srv/a}
    - shell: echo
    - stat: {path: /srv/e}
`));
	t.deepEqual(await pathsReadAhead(dir), []);
});

test('reading ahead: the next tasks\' states come with this one\'s, and are read again once something may have changed', async t => {
	const {dir, requests: [file, , directory, , , link]} = await tree(t);
	const readAhead = new ReadAhead();
	const host = {...localHost(), readAhead};
	readAhead.begin(() => [directory!, link!]);
	t.like(await readFileStates(host, [file!]), [{type: 'file', mode: 0o640}]);
	readAhead.begin(() => [link!]);
	t.like(await readFileStates(host, [directory!]), [{type: 'directory'}]);
	readAhead.begin(() => []);
	t.like(await readFileStates(host, [link!]), [{type: 'link', linkTarget: 'file'}]);
	t.is(host.commands.length, 1, 'three tasks, one round trip');

	// A command that may change the host (an apply) forgets what was read, and the next task after it reads alone.
	readAhead.invalidate();
	await writeFile(join(dir, 'file'), 'changed');
	readAhead.begin(() => [directory!, link!]);
	t.like(await readFileStates(host, [file!]), [{size: 'changed'.length}]);
	t.is(host.commands.length, 2);
	readAhead.begin(() => [link!]);
	await readFileStates(host, [directory!]);
	t.is(host.commands.length, 3, 'the task after a change reads what it needs and no more');

	// So does a loop's next item after an item that changed something.
	readAhead.begin(() => [file!, directory!, link!]);
	await readFileStates(host, [file!]);
	t.is(host.commands.length, 4);
	readAhead.nextItem();
	await readFileStates(host, [directory!]);
	t.is(host.commands.length, 4, 'read with the first item');
	readAhead.invalidate();
	readAhead.nextItem();
	await readFileStates(host, [link!]);
	t.is(host.commands.length, 5);
	readAhead.nextItem();
	await readFileStates(host, [file!]);
	t.is(host.commands.length, 6, 'the item after one that changed something reads alone');
});

test('a command of an apply takes the next task\'s read after it: that task makes no round trip of its own; a later command forgets it; a long loop\'s items are not all read after each', async t => {
	const {dir, requests: [file, , directory]} = await tree(t);
	const local = localHost();
	const readAhead = new ReadAhead();
	// As the shell kept on an SSH host runs ExecOptions.after: next, in the same round trip.
	const host = {...local, readAhead, async run(command: string, options: Omit<ExecOptions, 'become'> = {}) {
		const {after, ...alone} = options;
		const result = await local.run(command, alone);
		return after === undefined ? result : {...result, after: await local.connection.exec(after, {inline: true})};
	}};
	const asked: number[] = [];
	readAhead.begin(count => {
		asked.push(count);
		return [file!, directory!];
	});
	const after = readAhead.change(host)!;
	after.keep(await host.run(`printf changed > ${quoteShell(join(dir, 'file'))}`, {after: after.script}));
	t.deepEqual(asked, [1], 'only the next task\'s read');
	readAhead.begin(() => []);
	t.like(await readFileStates(host, [file!, directory!]), [{size: 'changed'.length}, {type: 'directory'}]);
	t.is(local.commands.length, 1, 'the next task read after the command, in its round trip');

	// A second command of the same apply: what was read after the first is forgotten.
	readAhead.begin(() => [file!]);
	const first = readAhead.change(host)!;
	first.keep(await host.run(':', {after: first.script}));
	const second = readAhead.change(host)!;
	second.keep(await host.run(`printf again > ${quoteShell(join(dir, 'file'))}`));
	readAhead.begin(() => []);
	t.like(await readFileStates(host, [file!]), [{size: 'again'.length}]);
	t.is(local.commands.length, 4);

	readAhead.begin(() => Array.from({length: 17}, (_, index) => ({path: join(dir, `item-${index}`)})));
	t.is(readAhead.change(host), undefined, 'a long loop\'s items read alone, not all of them after each');
});

test('a task after a command that changed a file reads it as changed, not as read ahead before', async t => {
	const dir = workspace({
		hosts: localInventory('node1'),
		'play.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - file: {path: "{{ root }}/a", state: directory}
    - copy: {dest: "{{ root }}/a/f", content: "one\\n"}
    - file: {path: "{{ root }}/b", state: directory}
    - shell: "echo two > {{ root }}/a/f"
      changed_when: false
    - copy: {dest: "{{ root }}/a/f", content: "one\\n"}
    - stat: {path: "{{ root }}/a/f"}
      register: after
    - debug: {msg: "{{ after.stat.size }}"}
`,
	});
	const root = await tempDir(t);
	const first = await runPlaybook(dir, {extraVars: {root}});
	t.deepEqual(first.results.map(result => result.status), ['changed', 'changed', 'changed', 'ok', 'changed', 'ok', 'ok']);
	// A re-run: the first three read ahead together; the copy after the shell still sees "two".
	const again = await runPlaybook(dir, {extraVars: {root}});
	t.deepEqual(again.results.map(result => result.status), ['ok', 'ok', 'ok', 'ok', 'changed', 'ok', 'ok']);
	t.deepEqual(again.printed.map(line => line.msg), ['4']);
});

/**
 * A module's read on a host of its own, and on one whose batch read `dir` with what its readsAhead
 * named: what each read gave, and the round trips each host made in all.
 */
async function readAloneAndAhead<T>(dir: string, requests: readonly FileRequest[], read: (host: ReturnType<typeof localHost>) => Promise<T>) {
	const alone = localHost();
	const readAlone = await read(alone);
	const readAhead = new ReadAhead();
	const host = {...localHost(), readAhead};
	readAhead.begin(() => [...requests]);
	await readFileStates(host, [{path: dir}]);
	readAhead.begin(() => []);
	const ahead = await read(host);
	return {alone: readAlone, aloneTrips: alone.commands.length, ahead, aheadTrips: host.commands.length};
}

test('download reads ahead what its read asks for: read after a batch, it makes no round trip', async t => {
	const dir = await tempDir(t);
	const archive = Buffer.from('the archive');
	await writeFile(join(dir, 'tool.tgz'), archive);
	// Nothing is fetched: dest holds the bytes the checksum names.
	const params = withDefaults(download, {url: 'http://127.0.0.1:9/v1/tool.tgz', dest: `${dir}/`, checksum: `sha256:${sha256(archive)}`}) as Parameters<typeof download.read>[1];
	const read = await readAloneAndAhead(dir, download.readsAhead!(params), async host => download.read(host, params));
	t.like(read, {aloneTrips: 1, aheadTrips: 1}, 'the batch read dest');
	t.deepEqual(read.ahead, read.alone);
});

test('command reads an absolute creates and removes ahead with other tasks\' files: no round trip of its own; a glob or a chdir reads them in the shell', async t => {
	const dir = await tempDir(t);
	await writeFile(join(dir, 'made'), '');
	await symlink(join(dir, 'nowhere'), join(dir, 'dangling'));
	type CommandParams = Parameters<typeof command.read>[1];
	const params = (given: Record<string, unknown>) => withDefaults(command, {cmd: 'true', ...given}) as CommandParams;
	const cases: Array<[CommandParams, unknown]> = [
		[params({creates: join(dir, 'made'), removes: join(dir, 'missing')}), {createsExists: true, removesExists: false}],
		// As Ansible's os.path.lexists: a link that leads nowhere is there.
		[params({creates: join(dir, 'dangling')}), {createsExists: true}],
		[params({removes: join(dir, 'made')}), {removesExists: true}],
	];
	for (const [given, expected] of cases) {
		const read = await readAloneAndAhead(dir, command.readsAhead!(given), async host => command.read(host, given));
		t.deepEqual([read.alone, read.ahead], [expected, expected]);
		t.like(read, {aloneTrips: 1, aheadTrips: 1}, 'the batch read the guards');
	}

	t.deepEqual(command.readsAhead!(params({creates: join(dir, 'ma*')})), [], 'a glob is the shell\'s to expand');
	t.deepEqual(command.readsAhead!(params({creates: join(dir, 'made'), chdir: dir})), [], 'with chdir, the guard is read where the command runs');
	t.deepEqual(command.readsAhead!(params({creates: 'made'})), [], 'a relative path is the shell\'s');
	t.deepEqual(command.readsAhead!(params({})), []);
	const glob = localHost();
	t.deepEqual(await command.read(glob, params({creates: join(dir, 'ma*')})), {createsExists: true});
	t.is(glob.commands.length, 1);
});
