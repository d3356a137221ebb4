import {spawn} from 'node:child_process';
import {join} from 'node:path';
import test, {type ExecutionContext} from 'ava';
import {labRuns} from '../helpers/lab-runs.js';
import {pbCli, workspace} from '../helpers/playbook-run.js';
import {useLab} from '../lab/use-lab.js';

/*
 * A run stopped by SIGINT or SIGTERM, and a host that vanishes mid-run, on lab hosts over SSH.
 * Interrupted, the hosts finish the task they are in and nothing starts after it: the output names
 * them and that task, the recap follows, no temp file is left on the hosts, the exit code is 130
 * or 143, and a re-run completes. A second SIGINT exits at once.
 */

const lab = useLab(test, {hosts: 2});
const {pb, sh} = labRuns(lab);

const play = (seconds: number) => `- hosts: lab
  gather_facts: false
  tasks:
    - name: the first file
      copy: {dest: /etc/pb-first, content: "first\\n"}
    - name: a long one
      command: sleep ${seconds}
    - name: the last file
      copy: {dest: /etc/pb-last, content: "last\\n"}
`;

/** pb run, with `act` done once `ready` shows up on its stdout (and half a second more, for the task to start on the hosts). */
async function runActing(args: readonly string[], ready: string, act: (child: ReturnType<typeof spawn>) => Promise<void>): Promise<{code: number; stdout: string; stderr: string}> {
	const child = spawn(process.execPath, [pbCli, 'run', ...args, '-i', lab().inventoryPath], {env: {...process.env, FORCE_COLOR: '0'}});
	child.stdin.end();
	let stdout = '';
	let stderr = '';
	let acting: Promise<void> | undefined;
	child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
		stderr += chunk;
	});
	child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
		stdout += chunk;
		if (!acting && stdout.includes(ready)) {
			acting = pause(500).then(async () => act(child));
		}
	});
	const code = await new Promise<number>(resolve => child.on('close', status => resolve(status ?? -1)));
	await acting;
	return {code, stdout, stderr};
}

const pause = async (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

/** pb run, sent `signals` once the long task runs, half a second apart: signals sent at once may arrive as one. */
async function interrupted(playbook: string, signals: readonly NodeJS.Signals[]): Promise<{code: number; stdout: string; stderr: string}> {
	return runActing([playbook], 'TASK [a long one]', async child => {
		for (const [index, signal] of signals.entries()) {
			await pause(index === 0 ? 0 : 500);
			child.kill(signal);
		}
	});
}

/** pb's temp files on the host: atomic writes' .pb-tmp-*, script's and untar's working folders. */
async function tempFiles(t: ExecutionContext, host: ReturnType<typeof lab>['hosts'][number]): Promise<string> {
	return sh(t, host, 'find / -xdev \\( -name "*.pb-tmp-*" -o -name "pb-script-*" -o -name ".pb-untar-*" \\) -print 2>/dev/null; true');
}

for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
	test.serial(`${signal}: the hosts mid-task are named with their task and finish it, the recap follows, exit ${code}, no temp file left; a re-run completes`, async t => {
		t.timeout(5 * 60_000);
		const hosts = lab().hosts;
		await Promise.all(hosts.map(async host => sh(t, host, 'rm -f /etc/pb-first /etc/pb-last')));
		const dir = workspace({'site.yml': play(4)});
		const run = await interrupted(join(dir, 'site.yml'), [signal]);
		t.is(run.code, code, run.stdout + run.stderr);
		t.true(run.stderr.includes(`[ERROR]: User interrupted execution (${signal})`), run.stderr);
		for (const host of hosts) {
			t.true(run.stderr.includes(`  ${host.name}: TASK [a long one]`), run.stderr);
			t.regex(run.stdout, new RegExp(`changed: \\[${host.name}\\].*\\n(.*\\n)*PLAY RECAP`), 'the task running finished, then the recap');
			t.regex(run.stdout, new RegExp(`${host.name} +: ok=2 +changed=2 `));
			t.is(await sh(t, host, 'cat /etc/pb-first; test -e /etc/pb-last || echo "no last"'), 'first\nno last\n', 'nothing started after the interrupt');
			t.is(await tempFiles(t, host), '', 'no temp file left');
		}

		t.false(run.stdout.includes('TASK [the last file]'));
		const again = await pb(['run', join(dir, 'site.yml'), '-i', lab().inventoryPath]);
		t.is(again.code, 0, again.stdout + again.stderr);
		for (const host of hosts) {
			t.is(await sh(t, host, 'cat /etc/pb-last'), 'last\n');
		}
	});
}

test.serial('a second SIGINT exits at once, without waiting for the task running', async t => {
	t.timeout(5 * 60_000);
	const dir = workspace({'site.yml': play(120)});
	const run = await interrupted(join(dir, 'site.yml'), ['SIGINT', 'SIGINT']);
	t.is(run.code, 130, run.stdout + run.stderr);
	t.false(run.stdout.includes('PLAY RECAP'), 'it did not wait for the 120 s task to end');
	await Promise.all(lab().hosts.map(async host => lab().ssh(host, 'pkill -f "sleep 120"')));
});

test.serial('a host that stops answering mid-task is declared unreachable after its keepalives go unanswered; the others finish', async t => {
	t.timeout(5 * 60_000);
	const [kept, lost] = lab().hosts;
	await Promise.all(lab().hosts.map(async host => sh(t, host, 'rm -f /etc/pb-first /etc/pb-last')));
	const dir = workspace({'site.yml': play(12)});
	const run = await runActing([join(dir, 'site.yml'), '-e', 'ansible_ssh_common_args="-o ServerAliveInterval=1 -o ServerAliveCountMax=2"'], 'TASK [a long one]', async () => lab().cutNetwork(lost!));
	await lab().restoreNetwork(lost!);
	t.is(run.code, 4, run.stdout + run.stderr);
	t.true(run.stdout.includes(`fatal: [${lost!.name}]: UNREACHABLE!`), run.stdout);
	t.true(run.stdout.includes('no answer to 2 keepalives 1 s apart'), run.stdout);
	t.regex(run.stdout, new RegExp(`${kept!.name} +: ok=3 +changed=3 +unreachable=0 +failed=0`));
	t.regex(run.stdout, new RegExp(`${lost!.name} +: ok=1 +changed=1 +unreachable=1 `));
});
