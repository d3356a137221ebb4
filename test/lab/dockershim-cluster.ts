import {readFile} from 'node:fs/promises';
import {join} from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import type {ArtifactMirror} from './artifact-mirror.js';
import {findArtifact, type LabArtifacts} from './fixtures/artifacts.js';
import {fixtureSources} from './fixtures/packing.js';
import type {Lab, LabHost} from './lab.js';

/*
 * A Kubernetes cluster as it ran before dockershim went, made of the lab's stand-ins
 * (fixtures/README.md): on every host Docker (dockerd under docker.socket) and a kubelet 1.23 on
 * its dockershim, laid out as kubeadm lays it out; on the control-plane host, kubectl and the
 * cluster's node records. Everything reaches the hosts from the lab's mirror and over SSH.
 */

/** What kubeadm 1.23 writes for a node on Docker: no runtime flags, dockershim is the default. */
export const dockershimKubeadmFlags = 'KUBELET_KUBEADM_ARGS="--network-plugin=cni --pod-infra-container-image=k8s.gcr.io/pause:3.6"';
/** The stand-in kubectl's records: the cluster's nodes, and every call made. */
export const kubectlState = {nodes: '/run/kubectl-fixture/nodes.json', calls: '/run/kubectl-fixture/calls.json'} as const;
export const criSocketAnnotation = 'kubeadm.alpha.kubernetes.io/cri-socket';

/** One call the stand-in kubectl recorded. */
export interface KubectlCall {
	readonly time: string;
	readonly argv: readonly string[];
	readonly command: string;
	readonly args: readonly string[];
	readonly options: Readonly<Record<string, string | boolean>>;
	readonly exitCode: number;
}

/** Runs the commands one a line (a here-document ends only on a line of its own), stopping at the first that fails. */
async function onHost(lab: Lab, host: LabHost, ...commands: string[]): Promise<string> {
	const command = ['set -e', ...commands].join('\n');
	const result = await lab.ssh(host, command);
	if (result.exitCode !== 0) {
		throw new Error(`setting up the dockershim cluster on ${host.name} exited with ${result.exitCode}:\n${result.stdout}${result.stderr}`);
	}

	return result.stdout;
}

/** A shell command that writes `text` to `path` (a quoted here-document: nothing in it is expanded). */
function writeOnHost(path: string, text: string): string {
	return `mkdir -p "$(dirname ${path})" && cat > ${path} <<'PB_LAB_EOF'\n${text.endsWith('\n') ? text : `${text}\n`}PB_LAB_EOF`;
}

async function source(name: string): Promise<string> {
	return readFile(join(fixtureSources, name), 'utf8');
}

async function setUpNode(lab: Lab, host: LabHost, mirror: ArtifactMirror, artifacts: LabArtifacts): Promise<void> {
	const url = (component: string) => mirror.urlOf(findArtifact(artifacts, component).path);
	await onHost(lab, host,
		`curl -fsS ${url('docker')} | tar -xz -C /usr/bin --strip-components=1 docker/docker docker/dockerd`,
		writeOnHost('/etc/systemd/system/docker.service', await source('docker/docker.service')),
		writeOnHost('/etc/systemd/system/docker.socket', await source('docker/docker.socket')),
		`curl -fsS -o /usr/bin/kubelet ${url('kubelet')} && chmod 0755 /usr/bin/kubelet`,
		writeOnHost('/etc/systemd/system/kubelet.service', await source('kubelet/kubelet.service')),
		writeOnHost('/etc/systemd/system/kubelet.service.d/10-kubeadm.conf', await source('kubelet/10-kubeadm.conf')),
		writeOnHost('/var/lib/kubelet/kubeadm-flags.env', dockershimKubeadmFlags),
		writeOnHost('/var/lib/kubelet/config.yaml', 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\ncgroupDriver: systemd\n'),
		writeOnHost('/etc/kubernetes/kubelet.conf', '# pb lab fixture: the stand-in kubelet reads no kubeconfig\n'),
		'systemctl daemon-reload && systemctl enable --quiet --now docker.socket docker.service kubelet.service',
	);
}

/**
 * Docker and a kubelet on dockershim on every host, kubectl and the node records on `controlPlane`
 * (the first host unless given); returns once kubectl says every node is Ready on Docker.
 */
export async function setUpDockershimCluster(lab: Lab, mirror: ArtifactMirror, artifacts: LabArtifacts, hosts: readonly LabHost[], controlPlane = hosts[0]!): Promise<void> {
	await Promise.all(hosts.map(async host => setUpNode(lab, host, mirror, artifacts)));
	const nodes = Object.fromEntries(hosts.map(host => [host.name, {
		address: host.address,
		roles: host === controlPlane ? ['control-plane', 'master'] : ['worker'],
		annotations: {[criSocketAnnotation]: '/var/run/dockershim.sock', 'node.alpha.kubernetes.io/ttl': '0'},
		created: new Date().toISOString(),
	}]));
	await onHost(lab, controlPlane,
		`curl -fsS -o /usr/bin/kubectl ${mirror.urlOf(findArtifact(artifacts, 'kubectl').path)} && chmod 0755 /usr/bin/kubectl`,
		writeOnHost('/etc/kubernetes/admin.conf', '# pb lab fixture: the stand-in kubectl needs a kubeconfig to exist, and reads none\n'),
		// As kubeadm's own instructions have root do it.
		'mkdir -p /root/.kube && cp /etc/kubernetes/admin.conf /root/.kube/config',
		writeOnHost(kubectlState.nodes, JSON.stringify(nodes, undefined, 2)),
	);
	const everyNode = hosts.map(() => 'True docker://').join(' ');
	for (let attempt = 0; ; attempt++) {
		const shown = await lab.ssh(controlPlane, 'kubectl get nodes -o jsonpath=\'{range .items[*]}{.status.conditions[?(@.type=="Ready")].status} {.status.nodeInfo.containerRuntimeVersion} {end}\'');
		if (shown.stdout.replaceAll(/docker:\/\/\S+/g, 'docker://').trim() === everyNode) {
			break;
		}

		if (attempt === 50) {
			throw new Error(`the dockershim cluster's nodes did not all become Ready on Docker; kubectl says: ${shown.stdout}${shown.stderr}`);
		}

		await sleep(200);
	}

	await onHost(lab, controlPlane, `rm -f ${kubectlState.calls}`);
}

/** The kubectl calls recorded on the control-plane host, in order. */
export async function kubectlCalls(lab: Lab, controlPlane: LabHost): Promise<KubectlCall[]> {
	return JSON.parse(await onHost(lab, controlPlane, `cat ${kubectlState.calls} 2>/dev/null || echo []`)) as KubectlCall[];
}
