import {createHash, randomBytes} from 'node:crypto';
import {writeFileSync} from 'node:fs';
import {join} from 'node:path';
import test, {type ExecutionContext} from 'ava';
import {formatSums, parseSums} from '../../engine/host/file-sums.js';
import {labRuns} from '../helpers/lab-runs.js';
import {workspace} from '../helpers/playbook-run.js';
import {useLab} from '../lab/use-lab.js';

/*
 * The quick check on a lab host: a large file pb wrote is not read again while its identity
 * (device:inode, size, mtime, ctime) holds, as the sum kept in /var/lib/pb/file-sums says. The
 * tests plant sums to tell a trusted sum from a hash: a planted wrong sum with the file's true
 * identity makes pb see other content, which only trusting the state file can do.
 */

const lab = useLab(test, {hosts: 1});
const {runJson} = labRuns(lab);

const big = randomBytes(3 * 1024 * 1024);
const dir = workspace({'site.yml': '- hosts: lab\n  gather_facts: false\n  tasks:\n    - copy: {src: big.bin, dest: /srv/big.bin, mode: "0644"}\n'});
writeFileSync(join(dir, 'big.bin'), big);
const playbook = join(dir, 'site.yml');
const sumsFile = '/var/lib/pb/file-sums';

async function onHost(t: ExecutionContext, command: string): Promise<string> {
	const [host] = lab().hosts;
	const result = await lab().ssh(host!, command);
	t.is(result.exitCode, 0, `${command}: ${result.stderr}`);
	return result.stdout;
}

async function writeSums(t: ExecutionContext, text: string): Promise<void> {
	await onHost(t, `printf %s ${Buffer.from(text).toString('base64')} | base64 -d > ${sumsFile}`);
}

/** The state file with the big file's sum replaced by a wrong one, its header made to match. */
async function plantWrongSum(t: ExecutionContext): Promise<void> {
	const sums = parseSums(await onHost(t, `cat ${sumsFile}`));
	if (!(sums instanceof Map) || !sums.has('/srv/big.bin')) {
		t.fail(`${sumsFile} holds no sum of /srv/big.bin`);
		return;
	}

	sums.set('/srv/big.bin', {...sums.get('/srv/big.bin')!, sha256: '0'.repeat(64)});
	await writeSums(t, formatSums(sums));
}

const warnings = (run: Awaited<ReturnType<typeof runJson>>) => run.events.flatMap(event => (event.kind === 'warning' ? [event.msg] : []));

test.serial.before(async t => {
	const first = await runJson(playbook);
	t.is(first.code, 0, first.output);
	t.deepEqual(Object.values(first.changed), [1], first.output);
});

test.serial('the first run keeps the sum of what it wrote, with the file\'s identity, and a re-run trusts it', async t => {
	const sums = parseSums(await onHost(t, `cat ${sumsFile}`));
	const identity = (await onHost(t, 'stat -c "%d:%i %s %.9Y %.9Z" /srv/big.bin')).trim();
	t.like(sums instanceof Map ? sums.get('/srv/big.bin') : sums, {identity, sha256: (await onHost(t, 'sha256sum < /srv/big.bin')).split(' ')[0]});
	t.is((await onHost(t, `stat -c %a ${sumsFile}`)).trim(), '600');

	const again = await runJson(playbook);
	t.deepEqual(Object.values(again.changed), [0], again.output);

	// Only a trusted sum tells pb the content differs when it does not.
	await plantWrongSum(t);
	const trusting = await runJson(playbook, '--check');
	t.deepEqual(Object.values(trusting.changed), [1], trusting.output);
});

test.serial('--verify-content and verify: content hash the file in full, whatever the state file says', async t => {
	await plantWrongSum(t);
	const verified = await runJson(playbook, '--verify-content', '--check');
	t.deepEqual(Object.values(verified.changed), [0], verified.output);

	const perTask = join(dir, 'verify-task.yml');
	writeFileSync(perTask, '- hosts: lab\n  gather_facts: false\n  tasks:\n    - copy: {src: big.bin, dest: /srv/big.bin, mode: "0644"}\n      verify: content\n');
	const byTask = await runJson(perTask, '--check');
	t.deepEqual(Object.values(byTask.changed), [0], byTask.output);
});

test.serial('content changed in place with its size and mtime kept is caught by the ctime, and put back', async t => {
	const run = await runJson(playbook);
	t.is(run.code, 0, run.output);
	const mtime = (await onHost(t, 'stat -c %.9Y /srv/big.bin')).trim();
	// Same size, other bytes, the same inode, the mtime set back: only the ctime tells.
	await onHost(t, `printf 'changed!' | dd of=/srv/big.bin bs=1 seek=1000 conv=notrunc status=none && touch -m -d @${mtime} /srv/big.bin`);
	t.is((await onHost(t, 'stat -c %.9Y /srv/big.bin')).trim(), mtime);

	const caught = await runJson(playbook);
	t.deepEqual(Object.values(caught.changed), [1], caught.output);
	t.is((await onHost(t, 'sha256sum < /srv/big.bin')).split(' ')[0], createHash('sha256').update(big).digest('hex'));
});

for (const [what, spoil] of [
	['tampered with (a sum changed, the header not)', (text: string) => text.replace(/^([\da-f]{64})/m, '0'.repeat(64))],
	['corrupt', (text: string) => text.slice(0, 40)],
] as const) {
	test.serial(`a state file ${what} is ignored with a warning, the file hashed, and the state file written anew`, async t => {
		await writeSums(t, spoil(await onHost(t, `cat ${sumsFile}`)));
		const run = await runJson(playbook);
		t.deepEqual(Object.values(run.changed), [0], run.output);
		t.regex(warnings(run).join('\n'), /ignored pb's file sums in \/var\/lib\/pb\/file-sums: .*large files are hashed in full/);
		t.true(parseSums(await onHost(t, `cat ${sumsFile}`)) instanceof Map, 'written anew, whole');
	});
}
