import {execFileSync} from 'node:child_process';
import {mkdtempSync, writeFileSync} from 'node:fs';
import {createServer, type Server} from 'node:http';
import type {AddressInfo} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {labRuns} from '../../helpers/lab-runs.js';
import {workspace} from '../../helpers/playbook-run.js';
import {ArtifactMirror} from '../../lab/artifact-mirror.js';
import {labNetwork} from '../../lab/lab-paths.js';
import {useLab} from '../../lab/use-lab.js';

/*
 * include_vars, group_by, add_host, pause, uri and git on real Debian hosts, through pb's command
 * line. uri asks a small HTTP server this test runs on the lab bridge; git clones a repository
 * made here at test time and served over git's dumb HTTP by the lab's mirror.
 */

const lab = useLab(test, {hosts: 2});
const {runJson, sh, snapshotAll, assertUnchanged, rejectsBeforeAnyHost} = labRuns(lab);

let api: Server;
let apiUrl: string;
let mirror: ArtifactMirror;
let repository: string;

/** A git command in the test's repository, as the controller's git runs it. */
function git(dir: string, ...args: string[]): string {
	return execFileSync('git', ['-C', dir, ...args], {encoding: 'utf8', env: {...process.env, GIT_AUTHOR_NAME: 'pb', GIT_AUTHOR_EMAIL: 'pb@lab', GIT_COMMITTER_NAME: 'pb', GIT_COMMITTER_EMAIL: 'pb@lab'}}).trim();
}

/** A commit on main in the work repository, pushed to the served bare one (whose dumb-HTTP index is rebuilt). */
function commit(file: string, text: string): string {
	const work = join(repository, 'work');
	writeFileSync(join(work, file), text);
	git(work, 'add', file);
	git(work, 'commit', '-q', '-m', `${file}: ${text.trim()}`);
	git(work, 'push', '-q', join(repository, 'served', 'app.git'), 'HEAD:main');
	git(join(repository, 'served', 'app.git'), 'update-server-info');
	return git(work, 'rev-parse', 'HEAD');
}

test.before('an HTTP API and a git repository on the lab bridge', async t => {
	t.timeout(20 * 60_000);
	repository = mkdtempSync(join(tmpdir(), 'pb-lab-git-'));
	const work = join(repository, 'work');
	execFileSync('git', ['init', '-q', '-b', 'main', work]);
	git(repository, 'init', '-q', '--bare', '-b', 'main', join(repository, 'served', 'app.git'));
	commit('README', 'first\n');
	git(work, 'tag', '-a', 'v1.0', '-m', 'release 1.0');
	git(work, 'push', '-q', '--tags', join(repository, 'served', 'app.git'));
	commit('README', 'second\n');
	git(work, 'push', '-q', join(repository, 'served', 'app.git'), 'HEAD:refs/heads/stable');
	git(join(repository, 'served', 'app.git'), 'update-server-info');
	await lab.ready();
	mirror = await ArtifactMirror.start(join(repository, 'served'), labNetwork.bridgeAddress);
	api = createServer((request, response) => {
		const chunks: Buffer[] = [];
		request.on('data', (chunk: Buffer) => chunks.push(chunk));
		request.on('end', () => {
			if (request.url === '/status.json') {
				response.writeHead(200, {'content-type': 'application/json', 'set-cookie': 'session=abc; Path=/'}).end('{"name": "pb", "ready": true}');
			} else if (request.url === '/echo') {
				response.writeHead(201, {'content-type': 'application/json'}).end(JSON.stringify({method: request.method, type: request.headers['content-type'], body: Buffer.concat(chunks).toString()}));
			} else if (request.url === '/moved') {
				response.writeHead(302, {location: '/status.json'}).end();
			} else if (request.url === '/secret') {
				const ok = request.headers.authorization === `Basic ${Buffer.from('admin:s3cret').toString('base64')}`;
				response.writeHead(ok ? 200 : 401, ok ? {'content-type': 'text/plain'} : {'www-authenticate': 'Basic realm="lab"'}).end(ok ? 'welcome\n' : 'who are you?\n');
			} else {
				response.writeHead(404, {'content-type': 'text/plain'}).end('no such thing\n');
			}
		});
	});
	await new Promise<void>(resolve => {
		api.listen(0, labNetwork.bridgeAddress, resolve);
	});
	apiUrl = `http://${labNetwork.bridgeAddress}:${(api.address() as AddressInfo).port}`;
});

test.after.always('stop the servers', async () => {
	await mirror?.close();
	api?.closeAllConnections();
	await new Promise(resolve => {
		api?.close(resolve);
	});
});

const control = workspace({
	'vars/settings.yml': 'listen_port: 8443\nbanner: "from {{ inventory_hostname }}"\n',
	'site.yml': `- hosts: lab
  gather_facts: false
  tasks:
    - name: settings from a file
      include_vars: settings.yml
    - name: a group for the first host
      group_by:
        key: "first_{{ inventory_hostname == ansible_play_hosts[0] }}"
    - name: the second host in a group of its own
      add_host:
        name: "{{ ansible_play_hosts[1] }}"
        groups: second
        greeting: hello
    - name: a short wait
      pause:
        seconds: 1
    - name: the included settings on the host
      copy:
        dest: /etc/pb-settings.conf
        content: "port={{ listen_port }}\\nbanner={{ banner }}\\n"

- hosts: first_True
  gather_facts: false
  tasks:
    - name: only the first host
      copy:
        dest: /etc/pb-first
        content: "groups: {{ group_names }}\\n"

- hosts: second
  gather_facts: false
  tasks:
    - name: only the added group
      copy:
        dest: /etc/pb-second
        content: "{{ greeting }} {{ group_names }}\\n"
`,
});

test.serial('include_vars, group_by, add_host, pause: --check predicts the run exactly and changes nothing; later plays see the groups', async t => {
	t.timeout(5 * 60_000);
	const playbook = join(control, 'site.yml');
	const [first, second] = lab().hosts;
	const snapshots = await snapshotAll();
	const check = await runJson(playbook, '--check', '--diff');
	t.is(check.code, 0, check.output);
	await assertUnchanged(t, snapshots);

	const real = await runJson(playbook, '--diff');
	t.is(real.code, 0, real.output);
	// How long the pause took is the one thing that may differ between the two runs.
	const timeless = (reported: typeof real.reported) => reported.map(each => (each.task === 'a short wait' ? {...each, msg: each.msg.replace(/^Paused for 1\.\d+ seconds$/, 'Paused for 1.x seconds')} : each));
	t.deepEqual(timeless(real.reported), timeless(check.reported), 'check mode reported what the real run did');
	const result = (host: string, task: string) => real.reported.find(each => each.host === host && each.task === task);
	t.like(result(first!.name, 'settings from a file'), {status: 'ok', msg: `${join(control, 'vars/settings.yml')}: listen_port, banner`});
	t.like(result(first!.name, 'a group for the first host'), {status: 'changed', msg: `${first!.name} in first_True`});
	t.like(result(second!.name, 'a group for the first host'), {status: 'changed', msg: `${second!.name} in first_False`});
	// add_host and pause run once, for the first host.
	t.like(result(first!.name, 'the second host in a group of its own'), {status: 'changed', msg: `${second!.name} in second`});
	t.is(result(second!.name, 'the second host in a group of its own'), undefined);
	t.like(timeless(real.reported).find(each => each.host === first!.name && each.task === 'a short wait'), {status: 'ok', msg: 'Paused for 1.x seconds'});
	t.is(result(second!.name, 'a short wait'), undefined);

	t.is(await sh(t, first!, 'cat /etc/pb-settings.conf'), `port=8443\nbanner=from ${first!.name}\n`);
	t.is(await sh(t, first!, 'cat /etc/pb-first'), 'groups: [\'first_True\', \'lab\']\n');
	t.is(await sh(t, second!, 'cat /etc/pb-second'), 'hello [\'first_False\', \'lab\', \'second\']\n');
	t.is((await lab().ssh(second!, 'test -e /etc/pb-first')).exitCode, 1);
	t.is((await lab().ssh(first!, 'test -e /etc/pb-second')).exitCode, 1);

	// The inventory is the run's own, so each run makes its groups again, as each ansible-playbook run does; the hosts stay as they are.
	const again = await runJson(playbook);
	t.is(again.code, 0, again.output);
	t.deepEqual(again.reported.filter(each => each.status === 'changed').map(each => [each.host, each.task]), [
		[first!.name, 'a group for the first host'],
		[first!.name, 'the second host in a group of its own'],
		[second!.name, 'a group for the first host'],
	]);
});

test.serial('uri: skipped in --check as in Ansible; a real run gets JSON, posts a body, follows a redirect, authenticates, writes dest once', async t => {
	t.timeout(5 * 60_000);
	const dir = workspace({
		'uri.yml': `- hosts: lab
  gather_facts: false
  tasks:
    - name: status
      uri:
        url: ${apiUrl}/status.json
      register: status
    - name: post
      uri:
        url: ${apiUrl}/echo
        method: POST
        body: {name: pb, size: 2}
        body_format: json
        status_code: [201]
      register: posted
    - name: form
      uri:
        url: ${apiUrl}/echo
        method: PUT
        body: {name: p b, tags: [a, b]}
        body_format: form-urlencoded
        status_code: 201
      register: form
    - name: redirected
      uri:
        url: ${apiUrl}/moved
        return_content: true
      register: moved
    - name: authenticated
      uri:
        url: ${apiUrl}/secret
        url_username: admin
        url_password: s3cret
        return_content: true
      register: secret
    - name: saved once
      uri:
        url: ${apiUrl}/status.json
        dest: /var/lib/pb-status.json
        creates: /var/lib/pb-status.json
    - name: what the host got
      copy:
        dest: /etc/pb-uri.txt
        content: "{{ status.json.name }} {{ status.status }} {{ status.cookies }} {{ status.content_type }}\\n{{ posted.json.body }} {{ posted.json.type }}\\n{{ form.json.body }}\\n{{ moved.redirected }} {{ moved.url }} {{ moved.content }}\\n{{ secret.content }}"
      when: not ansible_check_mode
    - name: not found fails
      uri:
        url: ${apiUrl}/nothing
      register: missing
      ignore_errors: true
`,
	});
	const playbook = join(dir, 'uri.yml');
	const [host] = lab().hosts;
	const snapshots = await snapshotAll();
	const check = await runJson(playbook, '--check', '--limit', host!.name);
	t.is(check.code, 0, check.output);
	await assertUnchanged(t, snapshots);
	t.deepEqual(check.reported.filter(each => each.task !== 'what the host got').map(each => [each.task, each.status, each.msg]), ['status', 'post', 'form', 'redirected', 'authenticated', 'saved once', 'not found fails'].map(task => [task, 'skipped', 'remote module (uri) does not support check mode']));

	const real = await runJson(playbook, '--limit', host!.name);
	t.is(real.code, 0, real.output);
	t.deepEqual(real.reported.map(each => [each.task, each.status]), [['status', 'ok'], ['post', 'ok'], ['form', 'ok'], ['redirected', 'ok'], ['authenticated', 'ok'], ['saved once', 'changed'], ['what the host got', 'changed'], ['not found fails', 'failed']]);
	t.like(real.reported.find(each => each.task === 'not found fails'), {msg: 'Status code was 404 and not [200]: HTTP Error 404: Not Found'});
	t.is(await sh(t, host!, 'cat /etc/pb-uri.txt'), [
		'pb 200 {\'session\': \'abc\'} application/json',
		'{"name": "pb", "size": 2} application/json',
		'name=p+b&tags=a&tags=b',
		`True ${apiUrl}/status.json {"name": "pb", "ready": true}`,
		'welcome\n',
	].join('\n'));
	t.is(await sh(t, host!, 'cat /var/lib/pb-status.json'), '{"name": "pb", "ready": true}');

	const again = await runJson(playbook, '--limit', host!.name);
	t.is(again.code, 0, again.output);
	t.deepEqual(again.changed, {[host!.name]: 0});
	t.like(again.reported.find(each => each.task === 'saved once'), {status: 'ok', msg: 'skipped, since /var/lib/pb-status.json exists'});
});

test.serial('git: --check predicts the clone and later the update exactly, --diff shows the commits, a second run changes nothing', async t => {
	t.timeout(5 * 60_000);
	const repo = mirror.urlOf('app.git');
	const dir = workspace({
		'git.yml': `- hosts: lab
  gather_facts: false
  tasks:
    - name: main
      git:
        repo: ${repo}
        dest: /srv/app
      register: main
    # git's dumb HTTP cannot make a shallow clone: this one is of a repository on the host.
    - name: a tag, shallow
      git:
        repo: /srv/origin.git
        dest: /srv/app-release
        version: v1.0
        depth: 1
    - name: a branch
      git:
        repo: ${repo}
        dest: /srv/app-stable
        version: stable
    - name: what main is at
      copy:
        dest: /etc/pb-git.txt
        content: "{{ main.after }}\\n"
`,
	});
	const playbook = join(dir, 'git.yml');
	const [host] = lab().hosts;
	const head = git(join(repository, 'work'), 'rev-parse', 'HEAD');
	const tagged = git(join(repository, 'work'), 'rev-parse', 'v1.0^{commit}');
	await sh(t, host!, `git clone -q --bare ${repo} /srv/origin.git`);
	const snapshots = await snapshotAll();
	const check = await runJson(playbook, '--check', '--diff', '--limit', host!.name);
	t.is(check.code, 0, check.output);
	await assertUnchanged(t, snapshots);
	const real = await runJson(playbook, '--diff', '--limit', host!.name);
	t.is(real.code, 0, real.output);
	t.deepEqual(real.reported, check.reported, 'check mode reported what the real run did');
	t.like(real.reported[0], {task: 'main', status: 'changed', msg: `/srv/app: clone of ${repo} at ${head}`, diff: [{header: '/srv/app', before: '', after: `${head}\n`}]});
	t.like(real.reported[1], {task: 'a tag, shallow', status: 'changed', msg: `/srv/app-release: clone of /srv/origin.git at ${tagged}`});
	t.is(await sh(t, host!, 'git -C /srv/app rev-parse HEAD; git -C /srv/app-release rev-parse HEAD; git -C /srv/app-release rev-list --count HEAD; git -C /srv/app-stable rev-parse --abbrev-ref HEAD; cat /srv/app-release/README /etc/pb-git.txt'), `${head}\n${tagged}\n1\nstable\nfirst\n${head}\n`);

	const second = await runJson(playbook, '--limit', host!.name);
	t.deepEqual(second.changed, {[host!.name]: 0}, second.output);

	// A new commit on main: --check predicts the update from the remote's refs, and the run makes it.
	const next = commit('README', 'third\n');
	const before = await snapshotAll();
	const checkUpdate = await runJson(playbook, '--check', '--diff', '--limit', host!.name);
	await assertUnchanged(t, before);
	const update = await runJson(playbook, '--diff', '--limit', host!.name);
	t.deepEqual(update.reported, checkUpdate.reported);
	t.like(update.reported[0], {status: 'changed', msg: `/srv/app: ${head} -> ${next}`, diff: [{before: `${head}\n`, after: `${next}\n`}]});
	t.deepEqual(update.reported.slice(1, 3).map(each => each.status), ['ok', 'ok']);
	t.is(await sh(t, host!, 'cat /srv/app/README /etc/pb-git.txt'), `third\n${next}\n`);

	// A change to a tracked file fails the task, until force discards it.
	await sh(t, host!, 'echo local >> /srv/app/README');
	const refused = await runJson(playbook, '--limit', host!.name);
	t.is(refused.code, 2);
	t.like(refused.reported[0], {status: 'failed', msg: 'Local modifications exist in the destination: /srv/app (force=no).'});
	const forcing = workspace({'force.yml': `- hosts: lab\n  gather_facts: false\n  tasks:\n    - git: {repo: ${repo}, dest: /srv/app, force: true}\n`});
	const reset = await runJson(join(forcing, 'force.yml'), '--limit', host!.name);
	t.is(reset.code, 0, reset.output);
	t.like(reset.reported[0], {status: 'changed', msg: '/srv/app: local modifications discarded'});
	t.is(await sh(t, host!, 'cat /srv/app/README; git -C /srv/app status --porcelain'), 'third\n');
});

for (const [module, task, message] of [
	['include_vars', 'include_vars: {file: settings.yml, dir: vars}', 'include_vars: parameters are mutually exclusive: file|dir'],
	['group_by', 'group_by: {key: web, parent: all}', 'group_by: unknown parameter \'parent\''],
	['add_host', 'add_host: {groups: [web]}', 'add_host: missing required parameter \'name\''],
	['pause', 'pause: {seconds: 1, minutes: 1}', 'pause: parameters are mutually exclusive: minutes|seconds'],
	['uri', 'uri: {url: "http://example.invalid/", method: get}', 'uri: Parameter \'method\' needs to be a single word in uppercase, like GET or POST.'],
	['git', 'git: {repo: "https://example.invalid/x.git", dest: /srv/x, depth: 0}', 'git: parameter \'depth\' must be 1 or more; got `0` (number)'],
] as const) {
	test.serial(`${module}: a bad parameter is rejected with file:line:column before any host is contacted`, async t => {
		await rejectsBeforeAnyHost(t, `    - ${task}
`, 4, message);
	});
}
