import {createHash} from 'node:crypto';
import {chmod, readFile, stat, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import {LocalConnection} from '../../engine/connection/local.js';
import {FileSums, formatSums, parseSums} from '../../engine/host/file-sums.js';
import {tempDir} from './tree-snapshot.js';

const sum = {sha256: 'a'.repeat(64), identity: '2049:131 35000000 1764000000.123456789 1764000000.123456789'};

function sumsAt(file: string) {
	const warnings: string[] = [];
	const connection = new LocalConnection('localhost');
	const fileSums = new FileSums({name: 'localhost', loginUser: 'root', connect: async () => connection, warn: msg => warnings.push(msg), file});
	return {fileSums, warnings};
}

test('the state file reads back what was written, paths with spaces included', t => {
	const sums = new Map([['/usr/local/bin/containerd', sum], ['/srv/a file', {...sum, sha256: 'b'.repeat(64)}]]);
	t.deepEqual(parseSums(formatSums(sums)), sums);
});

test('a state file changed outside pb, cut short, or of another kind is ignored, saying why', t => {
	const text = formatSums(new Map([['/usr/local/bin/containerd', sum]]));
	t.regex((parseSums(text.replace('a'.repeat(64), 'c'.repeat(64))) as {ignored: string}).ignored, /checksum does not match/);
	t.regex((parseSums(text.slice(0, -10)) as {ignored: string}).ignored, /checksum does not match/);
	t.regex((parseSums(text.replace('pb-file-sums 1', 'pb-file-sums 2')) as {ignored: string}).ignored, /not a pb file-sums file/);
	t.regex((parseSums('garbage') as {ignored: string}).ignored, /not a pb file-sums file/);
	// A line that is no sum, under a header whose checksum matches it.
	const forged = formatSums(new Map()).split(' ').slice(0, 2).join(' ');
	const body = 'not a sum\n';
	t.regex((parseSums(`${forged} ${createHash('sha256').update(body).digest('hex')}\n${body}`) as {ignored: string}).ignored, /a line is not a sum/);
});

test('sums of settled or written files outlive the run; one taken right after a change does not', async t => {
	const file = join(await tempDir(t), 'file-sums');
	const {fileSums} = sumsAt(file);
	await fileSums.ready();
	const ctime = Number(sum.identity.split(' ')[3]);
	fileSums.remember('/settled', sum, ctime + 5);
	fileSums.remember('/just-changed', sum, ctime + 0.2);
	fileSums.rememberWritten('/written', sum);
	await fileSums.save();
	t.is((await stat(file)).mode & 0o777, 0o600);

	const next = sumsAt(file);
	await next.fileSums.ready();
	t.like(next.fileSums.get('/settled'), sum);
	t.like(next.fileSums.get('/written'), sum);
	t.is(next.fileSums.get('/just-changed'), undefined);
	t.deepEqual(next.warnings, []);

	// Nothing new: the file is left as it is.
	const before = await stat(file);
	await next.fileSums.save();
	t.is((await stat(file)).ino, before.ino);
});

test('a file pb wrote and a later task read right after stays remembered; one changed since does not', async t => {
	const file = join(await tempDir(t), 'file-sums');
	const {fileSums} = sumsAt(file);
	await fileSums.ready();
	const ctime = Number(sum.identity.split(' ')[3]);
	const changed = {...sum, identity: sum.identity.replace('35000000', '35000001')};
	for (const path of ['/downloaded', '/rewritten']) {
		fileSums.rememberWritten(path, sum);
	}

	// untar reads the archive download just wrote, within the second.
	fileSums.remember('/downloaded', sum, ctime + 0.2);
	fileSums.remember('/rewritten', changed, ctime + 0.2);
	await fileSums.save();

	const next = sumsAt(file);
	await next.fileSums.ready();
	t.like(next.fileSums.get('/downloaded'), sum);
	t.is(next.fileSums.get('/rewritten'), undefined);
});

test('a tampered or open state file is ignored with a warning, and written anew', async t => {
	const file = join(await tempDir(t), 'file-sums');
	await writeFile(file, formatSums(new Map([['/settled', sum]])).replace('a'.repeat(64), 'c'.repeat(64)), {mode: 0o600});
	const tampered = sumsAt(file);
	await tampered.fileSums.ready();
	t.is(tampered.fileSums.get('/settled'), undefined);
	t.regex(tampered.warnings.join('\n'), /ignored pb's file sums in .*file-sums: its checksum does not match/);
	await tampered.fileSums.save();
	t.deepEqual(parseSums(await readFile(file, 'utf8')), new Map());

	await writeFile(file, formatSums(new Map([['/settled', sum]])));
	await chmod(file, 0o666);
	const open = sumsAt(file);
	await open.fileSums.ready();
	t.is(open.fileSums.get('/settled'), undefined);
	t.regex(open.warnings.join('\n'), /others may write it \(mode 666\)/);
});
