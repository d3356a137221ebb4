import {readFile} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import {findArtifact} from './fixtures/artifacts.js';
import {sha256OfFile} from './fixtures/packing.js';
import type {LabHost} from './lab.js';
import {useArtifactMirror} from './use-artifact-mirror.js';
import {useLab} from './use-lab.js';

// The dnf flavour is Debian with dnf and rpm added: containerd runs there as on the standard one.
const lab = useLab(test, {hosts: 2, flavour: 'dnf'});
const built = useArtifactMirror(test, lab);

function hostAt(position: number): LabHost {
	const host = lab().hosts[position];
	if (!host) {
		throw new Error(`the lab has no host #${position}`);
	}

	return host;
}

/** Runs a shell command on the host; a non-zero exit fails with what it printed. */
async function onHost(host: LabHost, command: string): Promise<string> {
	const result = await lab().ssh(host, command);
	if (result.exitCode !== 0) {
		throw new Error(`\`${command}\` on ${host.name} exited with ${result.exitCode}:\n${result.stdout}${result.stderr}`);
	}

	return result.stdout;
}

function urlOf(component: string, version?: string): string {
	return built().mirror.urlOf(findArtifact(built().artifacts, component, version).path);
}

test.serial('every listed checksum matches its file, SHA256SUMS and the checksum files beside the artifacts', async t => {
	const {directory, checksums} = built().artifacts;
	for (const artifact of built().artifacts.artifacts) {
		t.is(await sha256OfFile(join(directory, artifact.path)), artifact.sha256, artifact.path);
		t.is(checksums[artifact.component]?.sha256[artifact.arch]?.[artifact.version], artifact.sha256);
	}

	t.is(checksums['containerd']?.url, '{mirror}/containerd/containerd/releases/download/v{version}/containerd-{version}-linux-{arch}.tar.gz');
	const listing = await readFile(join(directory, 'SHA256SUMS'), 'utf8');
	for (const [, sha256 = '', path = ''] of listing.matchAll(/^(\w+) {2}(.+)$/gm)) {
		t.is(await sha256OfFile(join(directory, path)), sha256, `SHA256SUMS line for ${path}`);
	}

	t.true(listing.includes(`${built().artifacts.yumRepository}repodata/repomd.xml`));

	const containerd = findArtifact(built().artifacts, 'containerd');
	t.is(await readFile(join(directory, `${containerd.path}.sha256sum`), 'utf8'), `${containerd.sha256}  containerd-${containerd.version}-linux-${containerd.arch}.tar.gz\n`);
	const crictl = findArtifact(built().artifacts, 'crictl');
	t.is(await readFile(join(directory, `${crictl.path}.sha256`), 'utf8'), `${crictl.sha256}\n`);
	const runc = findArtifact(built().artifacts, 'runc');
	t.is(await readFile(join(directory, runc.path.replace(/runc\.\w+$/, 'runc.sha256sum')), 'utf8'), `${runc.sha256}  runc.${runc.arch}\n`);
	t.deepEqual(built().artifacts.artifacts.filter(artifact => !artifact.standIn).map(artifact => artifact.component), ['containerd', 'runc']);
});

test.serial('Debian\'s containerd and runc from the mirror run on a host; crictl talks to containerd', async t => {
	const host = hostAt(0);
	const containerd = findArtifact(built().artifacts, 'containerd');
	await onHost(host, `cd /tmp && curl -fsSO ${urlOf('containerd')} && curl -fsSO ${urlOf('containerd')}.sha256sum && sha256sum -c containerd-*.sha256sum && tar -xzf containerd-*.tar.gz -C /usr/local`);
	await onHost(host, `curl -fsS -o /usr/local/sbin/runc ${urlOf('runc')} && chmod 0755 /usr/local/sbin/runc`);
	t.regex(await onHost(host, 'containerd --version'), new RegExp(`containerd github\\.com/containerd/containerd ${containerd.version.replaceAll('.', '\\.')}`));
	t.regex(await onHost(host, 'runc --version'), /^runc version /);
	// Started as a transient unit; the playbooks' tests bring their own containerd.service.
	await onHost(host, 'systemd-run --unit=pb-fixture-containerd /usr/local/bin/containerd && for i in $(seq 100); do ctr version >/dev/null 2>&1 && break; sleep 0.1; done');
	t.regex(await onHost(host, 'ctr version'), new RegExp(`Server:\\s+Version:\\s+${containerd.version.replaceAll('.', '\\.')}`));
	await onHost(host, `curl -fsS ${urlOf('crictl')} | tar -xz -C /usr/local/bin && printf 'runtime-endpoint: unix:///run/containerd/containerd.sock\\n' > /etc/crictl.yaml`);
	t.regex(await onHost(host, 'crictl --version'), /^crictl version v1\.33\.0 \(pb lab fixture/);
	const version = await onHost(host, 'crictl version');
	t.regex(version, /^RuntimeName:\s+containerd$/m);
	t.regex(version, new RegExp(`^RuntimeVersion:\\s+${containerd.version.replaceAll('.', '\\.')}`, 'm'));
});

test.serial('the CRI-O bundle installs with make install; its stand-in crio starts under systemd and answers crictl', async t => {
	const host = hostAt(1);
	await onHost(host, `curl -fsS ${urlOf('crio')} | tar -xz -C /root && cd /root/cri-o && make install >/dev/null 2>&1`);
	t.regex(await onHost(host, 'ls /usr/local/bin'), /^crio\ncrio-status\ncrun\n/m);
	await onHost(host, 'systemctl daemon-reload && systemctl start crio');
	const version = await onHost(host, 'crictl version');
	t.regex(version, /^RuntimeName:\s+cri-o\nRuntimeVersion:\s+1\.34\.0$/m);
	t.like(JSON.parse(await onHost(host, 'crictl info')), {config: {pause_image: 'registry.k8s.io/pause:3.10', default_runtime: 'crun'}});
	t.regex(await onHost(host, 'crio-status info'), /"cgroup_driver": "systemd"/);
	await onHost(host, `curl -fsS ${urlOf('crio_github_release', '1.18.4')} | tar -xz -C /root && cd /root/crio-v1.18.4 && make install DESTDIR=/root/old-crio >/dev/null 2>&1`);
	t.regex(await onHost(host, '/root/old-crio/usr/local/bin/crio --version'), /^crio version 1\.18\.4 /);
});

test.serial('the iSulad rpm installs with a real dnf from the mirror\'s yum repository, and its stand-in isulad starts', async t => {
	const host = hostAt(1);
	const repository = built().mirror.urlOf(built().artifacts.yumRepository);
	await onHost(host, `printf '[lab]\\nname=pb lab\\nbaseurl=${repository}\\ngpgcheck=0\\n' > /etc/yum.repos.d/lab.repo`);
	await onHost(host, 'dnf -y -q install iSulad');
	t.regex(await onHost(host, 'rpm -q iSulad'), /^iSulad-2\.1\.5-1\./);
	await onHost(host, 'systemctl start isulad');
	t.regex(await onHost(host, 'isula version'), /Version:\s+2\.1\.5/);
	t.regex(await onHost(host, 'crictl --runtime-endpoint unix:///var/run/isulad.sock version'), /^RuntimeName:\s+iSulad$/m);
});

const validCluster = `apiVersion: kubekey.kubesphere.io/v1alpha2
kind: Cluster
metadata:
  name: lab
spec:
  hosts:
  - {name: node1, address: 10.213.0.10, internalAddress: 10.213.0.10, user: root, privateKeyPath: /root/.ssh/id_ed25519}
  - {name: node2, address: 10.213.0.11, internalAddress: 10.213.0.11, user: root, privateKeyPath: /root/.ssh/id_ed25519}
  roleGroups:
    etcd: [node1]
    control-plane: [node1]
    worker: ["node[1:2]"]
  kubernetes:
    version: v1.23.10
    containerManager: crio
`;

const invalidCluster = `apiVersion: kubekey.kubesphere.io/v1alpha2
kind: Cluster
metadata:
  name: lab
spec:
  hosts:
  - {name: node1, address: 10.213.0.10, user: root}
  roleGroups:
    etcd: [node1]
    control-plane: [node1]
    worker: [node3]
  kubernetes:
    containerManager: podman
`;

test.serial('kk create cluster -f: a valid cluster file is recorded as asked, an invalid one is refused with the reasons', async t => {
	const host = hostAt(0);
	await onHost(host, `curl -fsS ${urlOf('kubekey', '3.0.13')} | tar -xz -C /usr/local/bin`);
	t.regex(await onHost(host, 'kk version'), /GitVersion:"v3\.0\.13"/);
	await onHost(host, `cat > /root/good.yaml <<'EOF'\n${validCluster}EOF\ncat > /root/bad.yaml <<'EOF'\n${invalidCluster}EOF`);
	t.regex(await onHost(host, 'cd /root && kk create cluster -f good.yaml --with-kubesphere v3.3.2 -y'), /is valid/);
	const refused = await lab().ssh(host, 'kk create cluster -f /root/bad.yaml -y');
	t.is(refused.exitCode, 1);
	t.regex(refused.stderr, /spec\.roleGroups\.worker names 'node3', which is not in spec\.hosts/);
	t.regex(refused.stderr, /containerManager must be one of docker, containerd, crio, isula, got 'podman'/);
	const calls = JSON.parse(await onHost(host, 'cat /var/lib/kk-fixture/calls.json')) as unknown[];
	t.like(calls[0], {
		command: 'create cluster', file: '/root/good.yaml', yes: true, withKubesphere: 'v3.3.2', valid: true,
		cluster: {name: 'lab', containerManager: 'crio', kubernetesVersion: 'v1.23.10', roleGroups: {worker: ['node1', 'node2']}},
	});
	t.like(calls[1], {file: '/root/bad.yaml', valid: false});
});
