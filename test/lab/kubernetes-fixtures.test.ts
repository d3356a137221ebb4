import test, {type ExecutionContext} from 'ava';
import {criSocketAnnotation, kubectlCalls, kubectlState, setUpDockershimCluster} from './dockershim-cluster.js';
import {findArtifact} from './fixtures/artifacts.js';
import type {LabHost} from './lab.js';
import {useArtifactMirror} from './use-artifact-mirror.js';
import {useLab} from './use-lab.js';

/*
 * The stand-ins of a dockershim cluster (dockerd, kubelet, kubectl) behave where the playbooks
 * look: the kubelet is Ready only while the runtime its flags name answers, kubectl reports what
 * the kubelets say and records every call.
 */

const lab = useLab(test, {hosts: 2});
const served = useArtifactMirror(test, lab);
// Made by the first test: before hooks run side by side, and this one needs the mirror.
let clusterMade: Promise<void> | undefined;
const cluster = async () => {
	clusterMade ??= setUpDockershimCluster(lab(), served().mirror, served().artifacts, lab().hosts);
	return clusterMade;
};

const controlPlane = (): LabHost => lab().hosts[0]!;
const worker = (): LabHost => lab().hosts[1]!;

async function sh(t: ExecutionContext, host: LabHost, command: string): Promise<string> {
	const result = await lab().ssh(host, command);
	t.is(result.exitCode, 0, `${host.name}: ${command}: ${result.stdout}${result.stderr}`);
	return result.stdout;
}

/**
 * `Ready-status runtime unschedulable` of a node, as kubectl on the control plane reports it, once
 * its kubelet answers (a kubelet just started takes a moment to listen), or once it no longer does.
 * Asked again on the control plane itself, up to 50 times 0.2 s apart, in one login: a login per
 * try is what a loaded machine's sshd gave up on.
 */
async function nodeState(t: ExecutionContext, host: LabHost, kubelet: 'answers' | 'down' = 'answers'): Promise<string> {
	const read = `kubectl get node ${host.name} -o jsonpath='{.status.conditions[?(@.type=="Ready")].status} {.status.nodeInfo.containerRuntimeVersion} {.spec.unschedulable}'`;
	const settled = kubelet === 'down' ? 'Unknown*) break ;;' : 'Unknown*) ;; *) break ;;';
	return sh(t, controlPlane(), `for try in $(seq 50); do state=$(${read}) || exit 1; case "$state" in ${settled} esac; sleep 0.2; done; printf '%s' "$state"`);
}

test.serial('dockerd answers docker version and info on its socket, through docker.socket, and keeps /var/lib/docker when stopped', async t => {
	t.timeout(5 * 60_000, 'the dockershim cluster was not set up in time');
	await cluster();
	t.regex(await sh(t, worker(), 'docker version'), /Server: Docker Engine[^\n]*\n Engine:\n {2}Version: +20\.10\.24\n/);
	t.regex(await sh(t, worker(), 'docker info'), /Docker Root Dir: \/var\/lib\/docker/);
	await sh(t, worker(), 'systemctl stop docker.service');
	t.is(await sh(t, worker(), 'systemctl is-active docker.service || true'), 'inactive\n');
	t.regex(await sh(t, worker(), 'docker version'), /Version: +20\.10\.24/, 'docker.socket still listens: a client starts docker again, as with the real units');
	await sh(t, worker(), 'systemctl stop docker.socket docker.service');
	const refused = await lab().ssh(worker(), 'docker info');
	t.is(refused.exitCode, 1);
	t.regex(refused.stderr, /Cannot connect to the Docker daemon at unix:\/\/\/var\/run\/docker\.sock/);
	t.is(await sh(t, worker(), 'cat /var/lib/docker/image/overlay2/repositories.json'), '{"Repositories": {}}');
	await sh(t, worker(), 'systemctl start docker.socket docker.service');
});

test.serial('kubectl shows the nodes Ready on Docker, as kubelet 1.23 on dockershim reports them', async t => {
	await cluster();
	const wide = await sh(t, controlPlane(), 'kubectl get nodes -o wide');
	t.regex(wide, /^NAME +STATUS +ROLES +AGE +VERSION +INTERNAL-IP +EXTERNAL-IP +OS-IMAGE +KERNEL-VERSION +CONTAINER-RUNTIME$/m);
	for (const host of lab().hosts) {
		t.regex(wide, new RegExp(`^${host.name} +Ready +\\S+ +\\S+ +v1\\.23\\.17 +${host.address.replaceAll('.', '\\.')} +<none> +Debian GNU/Linux 12 \\(bookworm\\) +\\S+ +docker://20\\.10\\.24$`, 'm'));
	}

	t.is(await sh(t, worker(), 'kubelet --version'), 'Kubernetes v1.23.17\n');
	t.regex(await sh(t, worker(), 'curl -fsS --unix-socket /var/run/dockershim.sock http://localhost/cri/version'), /^RuntimeName: +docker\nRuntimeVersion: +20\.10\.24$/m, 'the kubelet serves its dockershim');
	const node = JSON.parse(await sh(t, controlPlane(), `kubectl get node ${worker().name} -o json`)) as {metadata: {annotations: Record<string, string>}};
	t.is(node.metadata.annotations[criSocketAnnotation], '/var/run/dockershim.sock');
});

test.serial('the kubelet is Ready only while the runtime it is pointed at answers, whatever files say', async t => {
	await cluster();
	await sh(t, worker(), 'systemctl stop docker.socket docker.service');
	t.is(await nodeState(t, worker()), 'False docker://20.10.24 ', 'Docker down: NotReady, the runtime it last reported kept');
	// Upstream's unit allows 3 starts a minute (StartLimitBurst), and this file has made as many.
	await sh(t, worker(), 'systemctl reset-failed docker.service && systemctl start docker.socket docker.service');
	t.is(await nodeState(t, worker()), 'True docker://20.10.24 ');

	// Pointed at containerd, which is not there yet: not Ready.
	await sh(t, worker(), 'sed -i \'s|^KUBELET_KUBEADM_ARGS="|&--container-runtime=remote --container-runtime-endpoint=unix:///run/containerd/containerd.sock |\' /var/lib/kubelet/kubeadm-flags.env && systemctl restart kubelet');
	t.is(await nodeState(t, worker()), 'False docker://20.10.24 ');
	const url = served().mirror.urlOf(findArtifact(served().artifacts, 'containerd').path);
	await sh(t, worker(), `curl -fsS ${url} | tar -xz -C /usr/local && systemd-run --unit=fixture-containerd /usr/local/bin/containerd && for i in $(seq 100); do ctr version >/dev/null 2>&1 && break; sleep 0.1; done`);
	t.is(await nodeState(t, worker()), `True containerd://${findArtifact(served().artifacts, 'containerd').version}~ds1 `, 'containerd answers: Ready on containerd');
	await sh(t, worker(), 'systemctl stop fixture-containerd');
	t.regex(await nodeState(t, worker()), /^False containerd:\/\//, 'containerd gone: NotReady at once');

	await sh(t, worker(), 'systemctl stop kubelet');
	t.regex(await nodeState(t, worker(), 'down'), /^Unknown /, 'a kubelet that does not answer leaves the node Unknown');
	t.regex(await sh(t, controlPlane(), 'kubectl get nodes'), new RegExp(`^${worker().name} +NotReady +worker`, 'm'));
	await sh(t, worker(), `sed -i 's|--container-runtime=remote --container-runtime-endpoint=unix:///run/containerd/containerd.sock ||' /var/lib/kubelet/kubeadm-flags.env && systemctl start kubelet`);
	t.is(await nodeState(t, worker()), 'True docker://20.10.24 ', 'back on dockershim');
});

test.serial('kubelet 1.23 refuses a runtime or flag it does not know, as the real one does', async t => {
	await cluster();
	const refused = await lab().ssh(worker(), 'kubelet --container-runtime=containerd; kubelet --no-such-flag=1');
	t.regex(refused.stderr, /--container-runtime=containerd: kubelet v1\.23\.17 takes docker or remote/);
	t.regex(refused.stderr, /Error: unknown flag: --no-such-flag/);
});

test.serial('kubectl records cordon, drain with its options, uncordon, annotate and get, in order, and keeps the node state', async t => {
	await cluster();
	const name = worker().name;
	await sh(t, controlPlane(), `rm -f ${kubectlState.calls}`);
	t.is(await sh(t, controlPlane(), `kubectl cordon ${name}`), `node/${name} cordoned\n`);
	t.regex(await sh(t, controlPlane(), `kubectl get nodes ${name}`), new RegExp(`^${name} +Ready,SchedulingDisabled `, 'm'));
	const noDaemonsets = await lab().ssh(controlPlane(), `kubectl drain ${name}`);
	t.is(noDaemonsets.exitCode, 1);
	t.regex(noDaemonsets.stderr, /cannot delete DaemonSet-managed Pods \(use --ignore-daemonsets to ignore\)/);
	t.is(await sh(t, controlPlane(), `kubectl drain ${name} --ignore-daemonsets --delete-emptydir-data --timeout=5m`), `node/${name} already cordoned\nnode/${name} drained\n`);
	const overwrite = await lab().ssh(controlPlane(), `kubectl annotate node ${name} ${criSocketAnnotation}=unix:///run/containerd/containerd.sock`);
	t.is(overwrite.exitCode, 1);
	t.regex(overwrite.stderr, /--overwrite is false but found the following declared annotation\(s\): 'kubeadm\.alpha\.kubernetes\.io\/cri-socket' already has a value \(\/var\/run\/dockershim\.sock\)/);
	await sh(t, controlPlane(), `kubectl annotate node ${name} --overwrite ${criSocketAnnotation}=unix:///run/containerd/containerd.sock`);
	t.is(await sh(t, controlPlane(), `kubectl uncordon ${name}`), `node/${name} uncordoned\n`);
	t.is(await sh(t, controlPlane(), `kubectl get node ${name} -o jsonpath='{.spec.unschedulable}|{.metadata.annotations.kubeadm\\.alpha\\.kubernetes\\.io/cri-socket}'`), '|unix:///run/containerd/containerd.sock');

	const calls = await kubectlCalls(lab(), controlPlane());
	t.deepEqual(calls.map(call => [call.command, call.args.join(' '), call.exitCode]), [
		['cordon', name, 0],
		['get nodes', name, 0],
		['drain', name, 1],
		['drain', name, 0],
		['annotate', `node ${name} ${criSocketAnnotation}=unix:///run/containerd/containerd.sock`, 1],
		['annotate', `node ${name} ${criSocketAnnotation}=unix:///run/containerd/containerd.sock`, 0],
		['uncordon', name, 0],
		['get node', name, 0],
	]);
	t.deepEqual(calls[3]!.options, {'--ignore-daemonsets': true, '--delete-emptydir-data': true, '--timeout': '5m'});
	t.deepEqual(calls.map(call => call.time), calls.map(call => call.time).sort(), 'recorded in the order made');
	await sh(t, controlPlane(), `kubectl annotate node ${name} --overwrite ${criSocketAnnotation}=/var/run/dockershim.sock`);
});

test.serial('kubectl without a kubeconfig, or asked for a node the cluster lacks, fails as the real one does', async t => {
	await cluster();
	const noConfig = await lab().ssh(controlPlane(), 'HOME=/nonexistent kubectl get nodes');
	t.is(noConfig.exitCode, 1);
	t.regex(noConfig.stderr, /The connection to the server localhost:8080 was refused/);
	const missing = await lab().ssh(controlPlane(), 'kubectl get node no-such-node');
	t.is(missing.exitCode, 1);
	t.regex(missing.stderr, /Error from server \(NotFound\): nodes "no-such-node" not found/);
});
