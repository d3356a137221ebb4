import {spawnSync} from 'node:child_process';
import {readFileSync, writeFileSync} from 'node:fs';
import {userInfo} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {pb, repoRoot, workspace} from '../helpers/playbook-run.js';
import {pbOnTerminal} from '../helpers/terminal.js';

/* The command line itself: --version, option errors, colour, and runs that target no host, as ansible-playbook 2.14 does them. */

const plays = `- hosts: all
  gather_facts: false
  tasks:
    - debug: msg=all
- hosts: nosuch
  gather_facts: false
  tasks:
    - debug: msg=never
- hosts: web
  gather_facts: false
  tasks:
    - debug: msg=web
`;

/** Debian's ansible-playbook on the same files, no colour; output with its line wrapping undone. */
function ansiblePlaybook(args: readonly string[], cwd: string): {code: number; output: string} {
	const result = spawnSync('ansible-playbook', args, {cwd, encoding: 'utf8', env: {...process.env, ANSIBLE_NOCOLOR: '1', ANSIBLE_CONFIG: join(cwd, 'none.cfg')}});
	return {code: result.status ?? -1, output: `${result.stdout}${result.stderr}`.replaceAll(/\s+/g, ' ')};
}

const whoami = `- hosts: all
  gather_facts: false
  tasks:
    - command: whoami
      register: me
    - debug: msg="{{ me.stdout }}"
- hosts: all
  gather_facts: false
  become: false
  tasks:
    - command: whoami
      register: me
    - debug: msg="{{ me.stdout }}"
`;

const oneSpaced = (run: {stdout: string; stderr: string}) => `${run.stdout}${run.stderr}`.replaceAll(/\s+/g, ' ');

test('--version names pb\'s version, the ansible.cfg in use and Node\'s version', t => {
	const dir = workspace({'ansible.cfg': '[defaults]\n'});
	const {version} = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {version: string};
	const run = pb(['--version'], dir, {ANSIBLE_CONFIG: join(dir, 'ansible.cfg')});
	t.is(run.code, 0, run.stderr);
	t.is(run.stdout.split('\n')[0], `pb ${version}`);
	t.true(run.stdout.includes(`  config file = ${join(dir, 'ansible.cfg')}\n`), run.stdout);
	t.true(run.stdout.includes(`  node version = ${process.version}\n`), run.stdout);
});

test('an unknown option or command is one line naming the nearest, exit 5, not the whole help', t => {
	const misspelt = pb(['run', 'x.yml', '--lmit', 'web']);
	t.is(misspelt.code, 5);
	t.is(misspelt.stderr, 'pb: error: unknown option \'--lmit\' (did you mean --limit?)\n');
	t.is(misspelt.stdout, '');
	t.is(pb(['run', 'x.yml', '--frobnicate']).stderr, 'pb: error: unknown option \'--frobnicate\' (--help lists them)\n');
	t.is(pb(['rn', 'x.yml']).stderr, 'pb: error: unknown command \'rn\' (did you mean run?)\n');
});

test('colour: ANSIBLE_NOCOLOR and NO_COLOR turn it off, ANSIBLE_FORCE_COLOR turns it on into a pipe and wins', t => {
	const dir = workspace({hosts: 'node1 ansible_connection=local\n', 'play.yml': '- hosts: all\n  gather_facts: false\n  tasks:\n    - debug: msg=hi\n'});
	const coloured = (env: Record<string, string>) => pb(['run', join(dir, 'play.yml'), '-i', join(dir, 'hosts')], repoRoot, env).stdout.includes('\u001B[');
	t.true(coloured({FORCE_COLOR: '1'}), 'the control: chalk colours when told to');
	t.false(coloured({FORCE_COLOR: '1', NO_COLOR: '1'}));
	t.false(coloured({FORCE_COLOR: '1', ANSIBLE_NOCOLOR: 'true'}));
	t.true(coloured({ANSIBLE_FORCE_COLOR: '1'}), 'into a pipe');
	t.true(coloured({ANSIBLE_FORCE_COLOR: 'yes', NO_COLOR: '1'}), 'force wins');
});

test('an inventory that --limit leaves no host of: exit 1 before any play, as ansible-playbook', t => {
	const dir = workspace({hosts: '[web]\nlocalhost ansible_connection=local\n', 'play.yml': plays});
	writeFileSync(join(dir, 'none.cfg'), '');
	const ansible = ansiblePlaybook(['-i', 'hosts', 'play.yml', '--limit', 'nosuch'], dir);
	const run = pb(['run', 'play.yml', '-i', 'hosts', '--limit', 'nosuch'], dir);
	const error = 'ERROR! Specified inventory, host pattern and/or --limit leaves us with no hosts to target.';
	t.is(ansible.code, 1, ansible.output);
	t.true(ansible.output.includes(error), ansible.output);
	t.is(run.code, 1, run.stderr);
	t.true(run.stderr.includes(`[WARNING]: Could not match supplied host pattern, ignoring: nosuch\n${error}\n`), run.stderr);
	t.is(run.stdout, '', 'no play started');
});

test('a play whose pattern matches no host is skipped with a warning, and the next play runs, as ansible-playbook', t => {
	const dir = workspace({hosts: '[web]\nlocalhost ansible_connection=local\n', 'play.yml': plays});
	writeFileSync(join(dir, 'none.cfg'), '');
	const ansible = ansiblePlaybook(['-i', 'hosts', 'play.yml'], dir);
	const run = pb(['run', 'play.yml', '-i', 'hosts'], dir);
	t.is(ansible.code, 0, ansible.output);
	t.is(run.code, 0, run.stderr);
	for (const expected of ['[WARNING]: Could not match supplied host pattern, ignoring: nosuch', 'skipping: no hosts matched', '"msg": "web"']) {
		t.true(ansible.output.includes(expected), `ansible-playbook: ${expected}`);
	}

	t.true(run.stderr.includes('[WARNING]: Could not match supplied host pattern, ignoring: nosuch\n'), run.stderr);
	t.true(run.stdout.includes('skipping: no hosts matched'), run.stdout);
	t.regex(run.stdout, /ok: \[localhost\].*\n\s+web\n/);
});

test('with no inventory, only the implicit localhost, which `all` does not match: two warnings and no host, as ansible-playbook', t => {
	const dir = workspace({'play.yml': plays});
	writeFileSync(join(dir, 'none.cfg'), '');
	const ansible = ansiblePlaybook(['play.yml'], dir);
	const run = pb(['run', 'play.yml'], dir);
	const warnings = ['[WARNING]: No inventory was parsed, only implicit localhost is available', '[WARNING]: provided hosts list is empty, only localhost is available. Note that the implicit localhost does not match \'all\''];
	t.is(ansible.code, 0, ansible.output);
	t.is(run.code, 0, run.stderr);
	for (const warning of warnings) {
		t.true(ansible.output.includes(warning), `ansible-playbook: ${warning}`);
		t.true(oneSpaced(run).includes(warning), oneSpaced(run));
	}

	t.false(/ok: \[/.test(run.stdout), 'no host ran a task');
	t.is(run.stdout.match(/skipping: no hosts matched/g)?.length, 3);
});

test('-c local reaches hosts the inventory gives no connection; -b and --become-user hold unless a play says otherwise', t => {
	const dir = workspace({hosts: 'node1\n', 'play.yml': whoami});
	const run = pb(['run', 'play.yml', '-i', 'hosts', '-c', 'local', '-b', '--become-user', 'nobody', '--json'], dir);
	t.is(run.code, 0, run.stderr);
	const said = run.stdout.trim().split('\n').map(line => JSON.parse(line) as {kind: string; msg?: string}).filter(event => event.kind === 'debug').map(event => event.msg);
	t.deepEqual(said, ['nobody', userInfo().username], 'the second play says become: false');
	const telnet = pb(['run', 'play.yml', '-i', 'hosts', '-c', 'telnet'], dir);
	t.is(telnet.code, 5);
	t.is(telnet.stderr, 'ERROR! -c telnet: pb connects with ssh or local only\n');
});

test('-K asks on the terminal without echoing, and without one fails before any host, saying what to set instead', async t => {
	const dir = workspace({hosts: 'node1 ansible_connection=local\n', 'play.yml': whoami});
	const asked = await pbOnTerminal(['run', join(dir, 'play.yml'), '-i', join(dir, 'hosts'), '-b', '-K'], 'BECOME password: ', ['typed-secret\r']);
	t.is(asked.code, 0, asked.output);
	t.true(asked.output.startsWith('BECOME password: '), asked.output);
	t.false(asked.output.includes('typed-secret'), 'not echoed, not printed');
	t.regex(asked.output, /node1 : ok=4 /);
	const piped = pb(['run', 'play.yml', '-i', 'hosts', '-b', '-K'], dir);
	t.is(piped.code, 5);
	t.is(piped.stderr, 'ERROR! BECOME password is asked for on a terminal, and pb\'s input is not one\nSet ansible_become_password for the hosts (in a vault-encrypted file).\n');
	t.is(piped.stdout, '');
});

test('--list-tasks, --list-tags and --list-hosts print what ansible-playbook prints, --tags and --skip-tags applied', t => {
	const dir = workspace({
		hosts: '[web]\nweb1 ansible_connection=local\nweb2 ansible_connection=local\n[db]\ndb1 ansible_connection=local\n',
		'site.yml': `- hosts: web
  gather_facts: false
  tags: [web]
  roles: [base]
  tasks:
    - name: the config
      debug: msg=config
      tags: [config]
    - block:
        - debug: msg=in-block
        - name: only when asked
          debug: msg=never
          tags: never
      tags: [block]
- hosts: db
  name: databases
  tasks:
    - debug: msg=db
      tags: always
`,
		'roles/base/tasks/main.yml': '- name: base packages\n  debug: msg=base\n  tags: [packages]\n',
	});
	writeFileSync(join(dir, 'none.cfg'), '');
	// Ansible lists a play's hosts from a set, in no fixed order: the --list-hosts cases match one host a play.
	for (const flags of [['--list-tasks'], ['--list-tags'], ['--list-hosts', '--limit', 'web1:db1'], ['--list-tasks', '--tags', 'never,config'], ['--list-tasks', '--list-tags', '--skip-tags', 'block'], ['--list-hosts', '--list-tasks', '--limit', 'web2']]) {
		const ansible = spawnSync('ansible-playbook', ['-i', 'hosts', 'site.yml', ...flags], {cwd: dir, encoding: 'utf8', env: {...process.env, ANSIBLE_CONFIG: join(dir, 'none.cfg')}});
		const run = pb(['run', 'site.yml', '-i', 'hosts', ...flags], dir);
		t.is(run.code, 0, run.stderr);
		t.is(run.stdout, ansible.stdout, flags.join(' '));
	}
});

const fourTasks = `- hosts: all
  tasks:
    - debug: msg=one
    - name: second task
      debug: msg="two {{ ansible_facts.hostname is defined }}"
    - debug: msg=three
- hosts: all
  gather_facts: false
  tasks:
    - debug: msg=four
`;

test('--start-at-task starts at the first task its name or pattern matches, facts still gathered, as ansible-playbook', t => {
	const dir = workspace({hosts: 'node1 ansible_connection=local\n', 'play.yml': fourTasks});
	writeFileSync(join(dir, 'none.cfg'), '');
	const ansible = ansiblePlaybook(['-i', 'hosts', 'play.yml', '--start-at-task', 'sec*'], dir);
	const run = pb(['run', 'play.yml', '-i', 'hosts', '--start-at-task', 'sec*', '--json'], dir);
	t.is(run.code, 0, run.stderr);
	const said = run.stdout.trim().split('\n').map(line => JSON.parse(line) as {kind: string; msg?: string}).filter(event => event.kind === 'debug').map(event => event.msg);
	t.deepEqual(said, ['two True', 'three', 'four']);
	for (const message of said) {
		t.true(ansible.output.includes(`"msg": "${message!}"`), ansible.output);
	}

	t.false(ansible.output.includes('"msg": "one"'));
	const missing = pb(['run', 'play.yml', '-i', 'hosts', '--start-at-task', 'secnd task'], dir);
	t.is(missing.code, 5);
	t.true(missing.stderr.startsWith('ERROR! --start-at-task \'secnd task\' matches no task of play.yml (did you mean \'second task\'?)\n'), missing.stderr);
	t.is(missing.stdout, '', 'found before any host is contacted (ansible-playbook runs every play first, then says so)');
});

test('--step asks before each task: no skips it, yes runs it, continue runs the rest unasked; without a terminal it is refused up front', async t => {
	const dir = workspace({hosts: 'node1 ansible_connection=local\n', 'play.yml': fourTasks});
	const asked = await pbOnTerminal(['run', join(dir, 'play.yml'), '-i', join(dir, 'hosts'), '--step'], '(N)o/(y)es/(c)ontinue: ', ['y\r', 'n\r', 'c\r']);
	t.is(asked.code, 0, asked.output);
	t.deepEqual([...asked.output.matchAll(/Perform task: TASK: (.+?) \(N\)o/g)].map(match => match[1]), ['Gathering Facts', 'debug', 'second task']);
	t.deepEqual([...asked.output.matchAll(/^ {4}(\S.*?)\r?$/gm)].map(match => match[1]), ['two True', 'three', 'four']);
	const piped = pb(['run', 'play.yml', '-i', 'hosts', '--step'], dir);
	t.is(piped.code, 5);
	t.is(piped.stderr, 'ERROR! --step asks before each task on a terminal, and pb\'s input is not one\nRun it from a terminal, or without --step.\n');
});
