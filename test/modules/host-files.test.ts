import {createHash} from 'node:crypto';
import {chown, mkdir, readdir, readFile, rename, stat, symlink, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import {quoteShell} from '../../engine/shell-words.js';
import {formatMode, parseMode} from '../../engine/host/attributes.js';
import {HostFileError, type HostRunner} from '../../engine/host/file-state.js';
import {FileSums} from '../../engine/host/file-sums.js';
import {readFileStates} from '../../engine/host/read-files.js';
import {writeFileAtomic} from '../../engine/host/write-file.js';
import {localHost, type TestHost} from '../helpers/host-context.js';
import {tempDir} from './tree-snapshot.js';

test('quote: the shell gets back exactly the word given', async t => {
	const words = ['plain', '', 'two words', 'it\'s', '"$HOME"', '`id`', '*', 'a\nb', '-n', '\\'];
	const host = localHost();
	const result = await host.run(`printf '%s\\0' ${words.map(word => quoteShell(word)).join(' ')}`);
	t.deepEqual(result.stdout.split('\0').slice(0, -1), words);
});

test('parseMode: octal strings and YAML 1.1 octal ints; mistakes explained', t => {
	t.is(parseMode('0644'), 0o644);
	t.is(parseMode('644'), 0o644);
	t.is(parseMode('0o4755'), 0o4755);
	t.is(parseMode(420), 0o644);
	t.throws(() => parseMode(755), {message: 'mode 755 is the decimal number 755 (octal 1363); write mode: \'0755\' or mode: 0755'});
	t.throws(() => parseMode('u+x'), {message: 'mode must be octal permissions like \'0644\' (a quoted string) or 0644, got "u+x" (string)'});
	t.is(formatMode(0o4755), '4755');
	t.is(formatMode(0o600), '0600');
});

test('readFileStates: several paths, one round trip, content fetched byte for byte', async t => {
	const dir = await tempDir(t);
	const bytes = Buffer.from([0, 1, 2, 255, 10, 45, 45, 10]);
	await writeFile(join(dir, 'bin'), bytes);
	await mkdir(join(dir, 'd'));
	await symlink('bin', join(dir, 'l'));
	const host = localHost();
	const [binary, directory, link, missing, deep] = await readFileStates(host, [
		{path: join(dir, 'bin'), options: {content: true}},
		{path: join(dir, 'd'), options: {inDirectory: 'bin'}},
		{path: join(dir, 'l')},
		{path: join(dir, 'none')},
		{path: join(dir, 'no', 'none')},
	]);
	t.is(host.commands.length, 1);
	t.like(binary, {exists: true, type: 'file', size: 8, content: bytes});
	t.like(directory, {exists: false, path: join(dir, 'd', 'bin'), parentIsDir: true});
	t.like(link, {exists: true, type: 'link', linkTarget: 'bin'});
	t.false('sha256' in link!, 'a link not followed is not hashed');
	t.like(missing, {exists: false, parentIsDir: true});
	t.like(deep, {exists: false, parentIsDir: false});
});

test('writeFileAtomic: a failure leaves the old file and says where', async t => {
	const dir = await tempDir(t);
	const path = join(dir, 'f');
	await writeFile(path, 'old');
	const error = await t.throwsAsync(writeFileAtomic(localHost(), path, 'new', {owner: 'no-such-user-pb'}));
	t.true(error instanceof HostFileError);
	t.regex(error?.message ?? '', new RegExp(`^cannot write ${path} on localhost: .*no-such-user-pb`));
	t.is(await readFile(path, 'utf8'), 'old');
});

test('writeFileAtomic: small text is written by the script itself, other bytes through stdin, each byte for byte', async t => {
	const dir = await tempDir(t);
	const host = localHost();
	const stdins: unknown[] = [];
	const recording: HostRunner = {...host, async run(command, options) {
		stdins.push(options?.stdin);
		return host.run(command, options);
	}};
	const text = 'it\'s "quoted" $HOME `id` \\n %s\n\ttabs, ünïcode, no final newline ';
	const binary = Buffer.from([0, 1, 2, 255, 10]);
	const large = 'x'.repeat(20 * 1024);
	for (const [name, content] of [['text', text], ['binary', binary], ['large', large], ['empty', '']] as const) {
		await writeFileAtomic(recording, join(dir, name), content);
		t.deepEqual(await readFile(join(dir, name)), Buffer.from(content), name);
	}

	t.deepEqual(stdins, [undefined, binary, large, undefined]);
});

test('writeFileAtomic: a new file gets its mode (from the umask, or a chmod with an execute bit), a replaced one keeps its own and its owner, and no temp file stays', async t => {
	const dir = await tempDir(t);
	const modeOf = async (name: string) => (await stat(join(dir, name))).mode & 0o7777;
	for (const [name, mode] of [['private', 0o600], ['shared', 0o640], ['script', 0o750], ['sticky', 0o1644]] as const) {
		await writeFileAtomic(localHost(), join(dir, name), name, {mode});
		t.is(await modeOf(name), mode, name);
	}

	// Owned by someone else (the tests run as root, who may give it back): its owner stays too.
	await chown(join(dir, 'shared'), 65_534, 65_534);
	await writeFileAtomic(localHost(), join(dir, 'shared'), 'again');
	t.is(await modeOf('shared'), 0o640);
	t.like(await stat(join(dir, 'shared')), {uid: 65_534, gid: 65_534});
	t.is(await readFile(join(dir, 'shared'), 'utf8'), 'again');
	await writeFileAtomic(localHost(), join(dir, 'sticky'), 'again');
	t.is(await modeOf('sticky'), 0o1644);
	t.deepEqual((await readdir(dir)).sort(), ['private', 'script', 'shared', 'sticky']);
});

/** A host's sums kept in a state file of the test's own, and the sum planted in place of one taken, to tell the two apart. */
function sumsIn(dir: string, host: TestHost) {
	const fileSums = new FileSums({name: host.host, loginUser: 'root', connect: async () => host.connection, warn: msg => host.warnings.push(msg), file: join(dir, 'file-sums')});
	const plant = (path: string) => {
		const known = fileSums.get(path);
		if (known) {
			fileSums.remember(path, {...known, sha256: 'remembered'}, undefined);
		}
	};

	return {fileSums, plant};
}

test('writeFileAtomic: a large file pushed with its known sum is not hashed by the read after it; one the host got fewer bytes of is not written', async t => {
	const dir = await tempDir(t);
	const source = join(dir, 'cached.tar.gz');
	const bytes = Buffer.alloc(2 * 1024 * 1024, 3);
	await writeFile(source, bytes);
	const local = localHost();
	const {fileSums} = sumsIn(dir, local);
	const host = {...local, fileSums};
	// A sum given in place of the real one tells a remembered sum from one taken by the read.
	const given = 'f'.repeat(64);
	const pushed = join(dir, 'pushed.tar.gz');
	await writeFileAtomic(host, pushed, {path: source, size: bytes.length}, {mode: 0o644, sha256: given});
	t.deepEqual(await readFile(pushed), bytes);
	const [read] = await readFileStates(host, [{path: pushed, options: {follow: true}}]);
	t.is(read?.exists && read.sha256, given);

	// The controller meant to send a byte more than the host got: dest is left as it was, no sum kept.
	const short = join(dir, 'short.tar.gz');
	await t.throwsAsync(writeFileAtomic(host, short, {path: source, size: bytes.length + 1}, {sha256: given}), {instanceOf: HostFileError, message: new RegExp(`the host got ${bytes.length} of the ${bytes.length + 1} bytes sent`)});
	t.is(fileSums.get(short), undefined);
	const [shortRead] = await readFileStates(host, [{path: short}]);
	t.false(shortRead?.exists);
});

test('readFileStates: a large file\'s sum is taken once a run, and taken again once the file is another', async t => {
	const dir = await tempDir(t);
	const path = join(dir, 'archive.tar.gz');
	const first = Buffer.alloc(2 * 1024 * 1024, 1);
	await writeFile(path, first);
	const local = localHost();
	const {fileSums, plant} = sumsIn(dir, local);
	const host = {...local, fileSums};
	const [read] = await readFileStates(host, [{path}]);
	t.is(read?.exists && read.sha256, createHash('sha256').update(first).digest('hex'));
	t.is(fileSums.get(path)?.sha256, read?.exists ? read.sha256 : undefined);

	// Not hashed again: the remembered sum comes back.
	plant(path);
	const [again] = await readFileStates(host, [{path: dir, options: {inDirectory: 'archive.tar.gz'}}]);
	t.is(again?.exists && again.sha256, 'remembered');

	// Same size, other bytes, a new inode: hashed again.
	const second = Buffer.alloc(2 * 1024 * 1024, 2);
	await writeFile(`${path}.new`, second);
	await rename(`${path}.new`, path);
	const [changed] = await readFileStates(host, [{path}]);
	t.is(changed?.exists && changed.sha256, createHash('sha256').update(second).digest('hex'));

	// Same size, other bytes written in place, the same inode, within the second: hashed again too.
	plant(path);
	await writeFile(path, first);
	const [inPlace] = await readFileStates(host, [{path}]);
	t.is(inPlace?.exists && inPlace.sha256, createHash('sha256').update(first).digest('hex'));

	// verifyContent trusts no sum.
	plant(path);
	const [verified] = await readFileStates({...host, verifyContent: true}, [{path}]);
	t.is(verified?.exists && verified.sha256, createHash('sha256').update(first).digest('hex'));
});
