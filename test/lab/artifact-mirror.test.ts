import {createHash, randomBytes} from 'node:crypto';
import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {ArtifactMirror} from './artifact-mirror.js';

const content = randomBytes(64 * 1024);
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
let directory = '';
let mirror: ArtifactMirror | undefined;

function served(): ArtifactMirror {
	if (!mirror) {
		throw new Error('the mirror did not start (see the failed hook)');
	}

	return mirror;
}

test.before(async () => {
	directory = await mkdtemp(join(tmpdir(), 'pb-mirror-'));
	await writeFile(join(directory, 'artifact.tar.gz'), content);
	mirror = await ArtifactMirror.start(directory, '127.0.0.1');
});

test.after.always(async () => {
	await mirror?.close();
	await rm(directory, {recursive: true, force: true});
});

test.afterEach.always(() => {
	served().clearFaults();
});

test.serial('serves the directory\'s files as they are, and 404 for the rest', async t => {
	const response = await fetch(served().urlOf('artifact.tar.gz'));
	t.is(response.status, 200);
	t.is(sha256(new Uint8Array(await response.arrayBuffer())), sha256(content));
	t.is((await fetch(served().urlOf('missing.tar.gz'))).status, 404);
	t.is((await fetch(`${served().url}/..%2F..%2Fetc%2Fpasswd`)).status, 404);
	t.like(served().requests.at(-3), {method: 'GET', path: '/artifact.tar.gz', status: 200});
});

test.serial('serves wrong bytes of the right length when told to', async t => {
	served().setFault('artifact.tar.gz', {kind: 'wrong-bytes'});
	const bytes = new Uint8Array(await (await fetch(served().urlOf('artifact.tar.gz'))).arrayBuffer());
	t.is(bytes.length, content.length);
	t.not(sha256(bytes), sha256(content));
});

test.serial('cuts a transfer midway when told to', async t => {
	served().setFault('artifact.tar.gz', {kind: 'cut', afterBytes: 1000});
	const response = await fetch(served().urlOf('artifact.tar.gz'));
	t.is(response.headers.get('content-length'), String(content.length));
	await t.throwsAsync(response.arrayBuffer());
});

test.serial('answers slowly when told to', async t => {
	served().setFault('artifact.tar.gz', {kind: 'slow', bytesPerSecond: 128 * 1024});
	const started = Date.now();
	const bytes = new Uint8Array(await (await fetch(served().urlOf('artifact.tar.gz'))).arrayBuffer());
	t.is(sha256(bytes), sha256(content));
	t.true(Date.now() - started >= 400, `64 KiB at 128 KiB/s took ${Date.now() - started} ms`);
});
