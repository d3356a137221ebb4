import {randomBytes} from 'node:crypto';
import {createServer} from 'node:http';
import type {AddressInfo} from 'node:net';
import {readdir, readFile, stat, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import download from '../../modules/download/index.js';
import {localHost, runTask} from '../helpers/host-context.js';
import {checkThenApply} from './check-then-apply.js';
import {cacheContents, gets, serve, sha256} from './download-fixtures.js';
import {tempDir} from './tree-snapshot.js';

const quick = {retries: 0, timeout: 10};

test('with a checksum: fetched into the cache and written; then unchanged without a request; check mode predicted it', async t => {
	const content = randomBytes(50_000);
	const mirror = await serve(t, {'v1/tool.tgz': content});
	const dir = await tempDir(t);
	const params = {url: mirror.urlOf('v1/tool.tgz'), dest: `${dir}/`, checksum: `sha256:${sha256(content)}`, mode: '0640'};
	const first = await checkThenApply(t, download, params, dir);
	const dest = join(dir, 'tool.tgz');
	t.like(first, {status: 'changed', msg: `${dest}: new file, 50000 bytes, sha256 ${sha256(content)}`});
	t.deepEqual(first.diff, [{header: dest, before: '', after: `sha256: ${sha256(content)}\nsize: 50000 bytes\nmode: 0640\n`}]);
	t.deepEqual(await readFile(dest), content);
	t.is((await stat(dest)).mode & 0o7777, 0o640);
	t.is(gets(mirror, 'v1/tool.tgz'), 1, 'check mode filled the cache; the real run used it');
	t.true((await cacheContents()).kept.includes(sha256(content)));

	const second = await checkThenApply(t, download, params, dir);
	t.like(second, {status: 'ok', msg: `${dest} already holds sha256 ${sha256(content)}`, roundTrips: 1});
	t.is(gets(mirror, 'v1/tool.tgz'), 1);
	t.deepEqual(await readdir(dir), ['tool.tgz'], 'no temp file left');
});

test('progress of a controller download is reported in bytes, up to the total', async t => {
	const content = randomBytes(400_000);
	const mirror = await serve(t, {'p.bin': content});
	const seen: Array<[string, number, number | undefined]> = [];
	const host = {...localHost(), progress: (label: string, done: number, total: number | undefined) => seen.push([label, done, total])};
	await runTask(download, {url: mirror.urlOf('p.bin'), dest: join(await tempDir(t), 'p.bin'), checksum: `sha256:${sha256(content)}`}, host);
	t.true(seen.length > 1);
	t.deepEqual(seen.at(-1), ['download p.bin', 400_000, 400_000]);
	t.true(seen.every(([, done], index) => index === 0 || done >= seen[index - 1]![1]));
});

test('a file already matching the checksum is never downloaded, even with an empty cache', async t => {
	const content = randomBytes(1000);
	const mirror = await serve(t, {'a.bin': content});
	const dir = await tempDir(t);
	await writeFile(join(dir, 'a.bin'), content);
	const report = await runTask(download, {url: mirror.urlOf('a.bin'), dest: join(dir, 'a.bin'), checksum: `sha256:${sha256(content)}`}, localHost());
	t.like(report, {status: 'ok'});
	t.is(mirror.requests.length, 0);
});

test('a checksum mismatch fails with both sums and the URL, and leaves nothing at dest nor in the cache', async t => {
	const content = randomBytes(2000);
	const mirror = await serve(t, {'b.bin': content});
	const dir = await tempDir(t);
	const wrong = sha256('something else');
	const error = await t.throwsAsync(runTask(download, {url: mirror.urlOf('b.bin'), dest: join(dir, 'b.bin'), checksum: `sha256:${wrong}`, ...quick}, localHost()));
	t.is(error?.message, `cannot download b.bin: sha256 mismatch: expected ${wrong}, got ${sha256(content)} (2000 bytes); this source serves other bytes than the checksum names, and nothing was kept (from ${mirror.urlOf('b.bin')})`);
	t.deepEqual(await readdir(dir), []);
	t.false((await cacheContents()).kept.includes(sha256(content)));
});

test('checksum from a sha256sum file: plain, binary (*) and ./ lines, as Ansible reads them', async t => {
	const content = randomBytes(3000);
	const other = sha256('other');
	for (const line of [`${sha256(content)}  c.bin`, `${sha256(content)} *c.bin`, `${sha256(content)}  ./c.bin`, sha256(content)]) {
		const list = line.length === 64 ? `${line}\n` : `${other}  c.bin.asc\n${line}\n`;
		const mirror = await serve(t, {'rel/c.bin': content, 'rel/SHA256SUMS': list});
		const dir = await tempDir(t);
		const report = await runTask(download, {url: mirror.urlOf('rel/c.bin'), dest: join(dir, 'c.bin'), checksum: `sha256:${mirror.urlOf('rel/SHA256SUMS')}`}, localHost());
		t.like(report, {status: 'changed', result: {sha256: sha256(content)}}, line);
	}

	const mirror = await serve(t, {'rel/c.bin': content, 'rel/SHA256SUMS': `${other}  d.bin\n`});
	const error = await t.throwsAsync(runTask(download, {url: mirror.urlOf('rel/c.bin'), dest: join(await tempDir(t), 'c.bin'), checksum: `sha256:${mirror.urlOf('rel/SHA256SUMS')}`}, localHost()));
	t.regex(error?.message ?? '', /SHA256SUMS \(1 lines\) has no sha256 line for c\.bin/);
});

test('mirrors are tried in order before the URL: a missing and a corrupt mirror are passed over, with a warning for the corrupt one', async t => {
	const content = randomBytes(4000);
	const missing = await serve(t, {});
	const corrupt = await serve(t, {'pub/d.bin': content});
	corrupt.setFault('pub/d.bin', {kind: 'wrong-bytes'});
	const good = await serve(t, {'pub/d.bin': content});
	const origin = await serve(t, {'pub/d.bin': content});
	const host = localHost();
	const dir = await tempDir(t);
	const report = await runTask(download, {url: origin.urlOf('pub/d.bin'), mirrors: [missing.url, `${corrupt.url}/`, good.url], dest: join(dir, 'd.bin'), checksum: `sha256:${sha256(content)}`, ...quick}, host);
	t.like(report, {status: 'changed'});
	t.deepEqual([gets(missing, 'pub/d.bin'), gets(corrupt, 'pub/d.bin'), gets(good, 'pub/d.bin'), gets(origin, 'pub/d.bin')], [1, 1, 1, 0], host.warnings.join('\n'));
	t.true(host.warnings.some(warning => warning.startsWith(`${corrupt.urlOf('pub/d.bin')}: sha256 mismatch`)), host.warnings.join('\n'));
	t.deepEqual(await readFile(join(dir, 'd.bin')), content);
});

test.serial('a cut transfer is retried, then fails saying how many bytes came, with nothing at dest', async t => {
	const content = randomBytes(200_000);
	const mirror = await serve(t, {'e.bin': content});
	mirror.setFault('e.bin', {kind: 'cut', afterBytes: 70_000});
	const dir = await tempDir(t);
	const error = await t.throwsAsync(runTask(download, {url: mirror.urlOf('e.bin'), dest: join(dir, 'e.bin'), checksum: `sha256:${sha256(content)}`, retries: 2, retry_delay: 0}, localHost()));
	t.regex(error?.message ?? '', /^cannot download e\.bin: transfer cut after \d+ of 200000 bytes/);
	t.is(gets(mirror, 'e.bin'), 3, 'the first attempt and 2 retries');
	t.deepEqual(await readdir(dir), []);
	t.deepEqual((await cacheContents()).temp, []);
});

test('a transient HTTP 503 is retried, then the file comes; headers are sent', async t => {
	const content = randomBytes(1000);
	const seen: Array<{at: number; auth: string | undefined}> = [];
	const server = createServer((request, response) => {
		seen.push({at: Date.now(), auth: request.headers.authorization});
		if (seen.length < 3) {
			response.writeHead(503).end('busy');
			return;
		}

		response.writeHead(200, {'content-length': content.length}).end(content);
	});
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	t.teardown(() => server.close());
	const {port} = server.address() as AddressInfo;
	const dir = await tempDir(t);
	const report = await runTask(download, {url: `http://127.0.0.1:${port}/f.bin`, dest: join(dir, 'f.bin'), checksum: `sha256:${sha256(content)}`, headers: {Authorization: 'Bearer t0ken'}, retries: 3, retry_delay: 0}, localHost());
	t.like(report, {status: 'changed'});
	t.is(seen.length, 3);
	t.true(seen.every(request => request.auth === 'Bearer t0ken'));
});

test('HTTP 404 is not retried and says so', async t => {
	const mirror = await serve(t, {});
	const error = await t.throwsAsync(runTask(download, {url: mirror.urlOf('nope.bin'), dest: join(await tempDir(t), 'nope.bin'), checksum: `sha256:${sha256('x')}`, retries: 3}, localHost()));
	t.is(error?.message, `cannot download nope.bin: HTTP 404 Not Found (from ${mirror.urlOf('nope.bin')})`);
	t.is(gets(mirror, 'nope.bin'), 1);
});

test('a slow mirror hits the timeout, the error says so, and nothing is left at dest', async t => {
	const content = randomBytes(100_000);
	const mirror = await serve(t, {'g.bin': content});
	mirror.setFault('g.bin', {kind: 'slow', bytesPerSecond: 5000});
	const dir = await tempDir(t);
	const started = Date.now();
	const error = await t.throwsAsync(runTask(download, {url: mirror.urlOf('g.bin'), dest: join(dir, 'g.bin'), checksum: `sha256:${sha256(content)}`, timeout: 2, retries: 0}, localHost()));
	t.regex(error?.message ?? '', /^cannot download g\.bin: timed out after 2 s with \d+(?: of 100000)? bytes received; raise timeout, or list a faster mirror first/);
	t.true(Date.now() - started < 10_000);
	t.deepEqual(await readdir(dir), []);
});

test('several hosts at once share one download of the same artifact', async t => {
	const content = randomBytes(300_000);
	const mirror = await serve(t, {'h.tgz': content});
	mirror.setFault('h.tgz', {kind: 'slow', bytesPerSecond: 1_000_000});
	const dirs = await Promise.all([1, 2, 3].map(async () => tempDir(t)));
	const reports = await Promise.all(dirs.map(async dir => runTask(download, {url: mirror.urlOf('h.tgz'), dest: join(dir, 'h.tgz'), checksum: `sha256:${sha256(content)}`}, localHost())));
	t.deepEqual(reports.map(report => report.status), ['changed', 'changed', 'changed']);
	t.is(gets(mirror, 'h.tgz'), 1);
	for (const dir of dirs) {
		t.deepEqual(await readFile(join(dir, 'h.tgz')), content);
	}
});

test('without a checksum: a warning, fetched once per run, and changed only when the bytes differ', async t => {
	const mirror = await serve(t, {'i.txt': 'version 1\n'});
	const dir = await tempDir(t);
	const host = localHost();
	const params = {url: mirror.urlOf('i.txt'), dest: join(dir, 'i.txt')};
	t.like(await runTask(download, params, host), {status: 'changed'});
	t.regex(host.warnings[0] ?? '', /no checksum, so .* is fetched on every run and its bytes are not verified/);
	t.like(await runTask(download, params, host), {status: 'ok'});
	t.is(gets(mirror, 'i.txt'), 1, 'fetched once in this run (this process)');
	await writeFile(join(dir, 'i.txt'), 'edited\n');
	t.like(await runTask(download, params, host), {status: 'changed', diff: [{header: join(dir, 'i.txt'), before: `sha256: ${sha256('edited\n')}\nsize: 7 bytes\n`}]});
	t.is(await readFile(join(dir, 'i.txt'), 'utf8'), 'version 1\n');
});

test('via host: curl fetches into dest\'s directory, verified, renamed; then unchanged; check mode predicted it', async t => {
	const content = randomBytes(20_000);
	const mirror = await serve(t, {'j.bin': content});
	const dir = await tempDir(t);
	const params = {url: mirror.urlOf('j.bin'), dest: join(dir, 'j.bin'), checksum: `sha256:${sha256(content)}`, via: 'host', mode: '0755'};
	const first = await checkThenApply(t, download, params, dir);
	t.like(first, {status: 'changed', msg: `${join(dir, 'j.bin')}: new file, sha256 ${sha256(content)}`});
	t.deepEqual(await readFile(join(dir, 'j.bin')), content);
	t.is((await stat(join(dir, 'j.bin'))).mode & 0o7777, 0o755);
	t.like(await checkThenApply(t, download, params, dir), {status: 'ok'});
	t.is(gets(mirror, 'j.bin'), 1);
	t.false((await cacheContents()).kept.includes(sha256(content)), 'the controller kept no copy');
});

test('via host: a mismatch, a cut transfer and a timeout each fail clearly and leave no file', async t => {
	const content = randomBytes(100_000);
	const mirror = await serve(t, {'k.bin': content, 'cut.bin': content, 'slow.bin': content});
	mirror.setFault('cut.bin', {kind: 'cut', afterBytes: 10_000});
	mirror.setFault('slow.bin', {kind: 'slow', bytesPerSecond: 10_000});
	const dir = await tempDir(t);
	const wrong = sha256('nope');
	const run = async (name: string, extra: Record<string, unknown>) => t.throwsAsync(runTask(download, {url: mirror.urlOf(name), dest: join(dir, name), via: 'host', retries: 0, ...extra}, localHost()));
	t.is((await run('k.bin', {checksum: `sha256:${wrong}`}))?.message, `cannot download k.bin: sha256 mismatch: expected ${wrong}, got ${sha256(content)} (100000 bytes); this source serves other bytes than the checksum names, and nothing was written to ${join(dir, 'k.bin')} (from ${mirror.urlOf('k.bin')})`);
	t.regex((await run('cut.bin', {checksum: `sha256:${sha256(content)}`}))?.message ?? '', /^cannot download cut\.bin: transfer cut before the end \(curl: \(18\)/);
	t.regex((await run('slow.bin', {checksum: `sha256:${sha256(content)}`, timeout: 1}))?.message ?? '', /^cannot download slow\.bin: timed out after 1 s \(curl: \(28\)/);
	t.deepEqual(await readdir(dir), []);
});

test('via host without a checksum: unpredictable in check mode; the real run compares bytes', async t => {
	const mirror = await serve(t, {'l.txt': 'same\n'});
	const dir = await tempDir(t);
	await writeFile(join(dir, 'l.txt'), 'same\n');
	const params = {url: mirror.urlOf('l.txt'), dest: join(dir, 'l.txt'), via: 'host'};
	t.like(await runTask(download, params, localHost({check: true})), {status: 'skipped'});
	t.like(await runTask(download, params, localHost()), {status: 'ok', changed: false, msg: `${join(dir, 'l.txt')} already holds the bytes at ${mirror.urlOf('l.txt')}`});
});

test('a missing dest directory fails before anything is fetched', async t => {
	const mirror = await serve(t, {'m.bin': 'x'});
	const dir = await tempDir(t);
	const report = await runTask(download, {url: mirror.urlOf('m.bin'), dest: join(dir, 'no/such/m.bin'), checksum: `sha256:${sha256('x')}`}, localHost());
	t.like(report, {status: 'failed', msg: `directory ${join(dir, 'no/such')} does not exist on the host; create it first (file: state=directory)`});
	t.is(mirror.requests.length, 0);
});

test('bad parameters are rejected with what to write', t => {
	const check = (params: Record<string, unknown>) => download.validate?.({mirrors: [], timeout: 600, retries: 3, retry_delay: 1, via: 'controller', ...params} as never);
	t.is(check({url: 'ftp://x/y', dest: '/d'}), 'url must be an http:// or https:// URL, got \'ftp://x/y\'');
	t.regex(check({url: 'http://x/y', dest: '/d', checksum: 'md5:abc'}) ?? '', /^checksum 'md5:abc' uses md5; pb verifies downloads with sha256 only/);
	t.regex(check({url: 'http://x/y', dest: '/d', checksum: 'sha256:abc'}) ?? '', /after 'sha256:' comes 64 hex digits/);
	t.is(check({url: 'http://x/y', dest: '/d', mirrors: ['mirror.local']}), 'mirrors: each must be an http:// or https:// base URL, got \'mirror.local\'');
	t.is(check({url: 'http://x/y', dest: '/d', checksum: `SHA256:${sha256('x').toUpperCase()}`}), undefined);
});
