import {join} from 'node:path';
import test from 'ava';
import {pb, workspace} from '../helpers/playbook-run.js';
import {pbOnTerminal} from '../helpers/terminal.js';

/* vars_prompt: asked on a terminal as ansible-playbook asks; -e answers it; without a terminal, a default or -e, else a refusal before any host. */

const play = `- hosts: all
  gather_facts: false
  vars_prompt:
    - name: user_name
      prompt: Your name
      private: false
      default: bob
    - name: token
      prompt: The token
      confirm: true
  tasks:
    - debug: msg="{{ user_name }} {{ token }}"
`;

const debugMessages = (stdout: string) => stdout.trim().split('\n').map(line => JSON.parse(line) as {kind: string; msg?: string}).filter(event => event.kind === 'debug').map(event => event.msg);

test('asked on the terminal: the default on an empty answer, a private answer unechoed and confirmed until both agree, then kept out of the output', async t => {
	const dir = workspace({hosts: 'node1 ansible_connection=local\n', 'play.yml': play});
	const question = /^(Your name \[bob\]:|(confirm )?The token:)$/;
	const run = await pbOnTerminal(['run', join(dir, 'play.yml'), '-i', join(dir, 'hosts')], ': ', ['\r', 's3cret\r', 'typo\r', 's3cret\r', 's3cret\r']);
	t.is(run.code, 0, run.output);
	const asked = run.output.split(/\r?\n/).map(line => line.replaceAll(/\u001B\[[\d;]*[A-Za-z]/g, '').trim()).filter(line => question.test(line) || line.startsWith('*****'));
	t.deepEqual(asked, ['Your name [bob]:', 'The token:', 'confirm The token:', '***** VALUES ENTERED DO NOT MATCH ****', 'The token:', 'confirm The token:']);
	t.regex(run.output, /ok: \[node1\].*\r?\n\s+bob \*{8}\r?\n/);
	t.false(run.output.includes('s3cret'), 'neither echoed nor printed');
	t.true(run.output.indexOf('confirm The token:') < run.output.indexOf('PLAY [all]'), 'asked before the play\'s banner, as ansible-playbook');
});

test('a variable -e gives is not asked for; without a terminal a default is taken', t => {
	const dir = workspace({hosts: 'node1 ansible_connection=local\n', 'play.yml': play});
	const run = pb(['run', 'play.yml', '-i', 'hosts', '-e', 'token=from-e', '--json'], dir);
	t.is(run.code, 0, run.stderr);
	t.deepEqual(debugMessages(run.stdout), ['bob from-e']);
});

test('without a terminal, a prompt with no default and no -e stops the run before any host, naming what to pass', t => {
	const dir = workspace({hosts: 'node1 ansible_connection=local\n', 'play.yml': play});
	const run = pb(['run', 'play.yml', '-i', 'hosts'], dir);
	t.is(run.code, 5);
	t.is(run.stderr, 'ERROR! vars_prompt asks for token on a terminal, and pb\'s input is not one\nPass it with -e: -e token=...\n');
	t.is(run.stdout, '');
});

test('vars_prompt\'s encrypt is refused where it is written', t => {
	const dir = workspace({hosts: 'node1 ansible_connection=local\n', 'play.yml': '- hosts: all\n  vars_prompt:\n    - name: pw\n      encrypt: sha512_crypt\n  tasks: []\n'});
	const run = pb(['run', 'play.yml', '-i', 'hosts', '-e', 'pw=x'], dir);
	t.is(run.code, 4);
	t.regex(run.stderr, /play\.yml:4:16: vars_prompt's encrypt/);
});
