import {createHash} from 'node:crypto';
import {createServer} from 'node:http';
import type {AddressInfo} from 'node:net';
import {join} from 'node:path';
import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import test from 'ava';
import {pbAsync} from '../helpers/playbook-run.js';

/*
 * vars/legacy.yml names the original procedure's releases by upstream's paths and verifies each
 * against the checksum file upstream published beside it. A loopback mirror serves made-up bytes
 * at those paths, with matching checksum files in each of upstream's three formats.
 */

const artifacts = [
	'containerd/containerd/releases/download/v1.4.3/containerd-1.4.3-linux-amd64.tar.gz',
	'opencontainers/runc/releases/download/v1.0.0-rc92/runc.amd64',
	'kubernetes-sigs/cri-tools/releases/download/v1.19.0/crictl-v1.19.0-linux-amd64.tar.gz',
	'cri-o/cri-o/releases/download/v1.18.4/crio-v1.18.4.tar.gz',
];

const bytesOf = (path: string) => Buffer.from(`stand-in for ${path}\n`);
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

function respond(path: string): Buffer | undefined {
	if (artifacts.includes(path)) {
		return bytesOf(path);
	}

	const artifact = artifacts.find(candidate => path === `${candidate}.sha256sum` || path === `${candidate}.sha256`);
	if (artifact) {
		const name = artifact.split('/').at(-1)!;
		return Buffer.from(path.endsWith('.sha256') ? `${sha256(bytesOf(artifact))}\n` : `${sha256(bytesOf(artifact))}  ${name}\n`);
	}

	// runc publishes one list for all its architectures.
	if (path === 'opencontainers/runc/releases/download/v1.0.0-rc92/runc.sha256sum') {
		return Buffer.from(`${'0'.repeat(64)}  runc.arm64\n${sha256(bytesOf(artifacts[1]!))}  runc.amd64\n`);
	}

	return undefined;
}

test('the legacy versions are fetched from upstream\'s paths and verified against upstream\'s checksum files', async t => {
	const requested: string[] = [];
	const server = createServer((request, response) => {
		const path = decodeURIComponent(new URL(request.url ?? '/', 'http://mirror').pathname).slice(1);
		requested.push(path);
		const body = respond(path);
		response.writeHead(body ? 200 : 404).end(body);
	});
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	const dir = await mkdtemp(join(tmpdir(), 'pb-legacy-'));
	try {
		await writeFile(join(dir, 'hosts'), 'node1 ansible_connection=local\n');
		const mirror = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
		const result = await pbAsync(['artifacts', 'pull', 'playbooks/containerd.yml', 'playbooks/crio.yml', '-i', join(dir, 'hosts'), '--arch', 'amd64', '-e', '@playbooks/vars/legacy.yml', '-e', `mirror=${mirror}`], {PB_CACHE_DIR: join(dir, 'cache')});
		t.is(result.code, 0, result.stdout + result.stderr);
		t.regex(result.stdout, /4 artifact\(s\) in the controller's cache/);
		for (const artifact of artifacts) {
			t.true(requested.includes(artifact), `${artifact} was fetched`);
		}

		t.true(requested.includes(`${artifacts[0]!}.sha256sum`));
		t.true(requested.includes(`${artifacts[2]!}.sha256`));
		t.true(requested.includes('opencontainers/runc/releases/download/v1.0.0-rc92/runc.sha256sum'));
	} finally {
		server.close();
		await rm(dir, {recursive: true, force: true});
	}
});
