import {hostAddress, hostNetworkNames, labNetwork} from './lab-paths.js';
import {mustRun, runCommand} from './run-command.js';

async function linkExists(name: string): Promise<boolean> {
	return (await runCommand(['ip', 'link', 'show', 'dev', name])).exitCode === 0;
}

/** The machine's end of the lab network: a bridge with the lab subnet's first address. */
export async function ensureBridge(): Promise<void> {
	if (await linkExists(labNetwork.bridge)) {
		return;
	}

	await mustRun(['ip', 'link', 'add', labNetwork.bridge, 'type', 'bridge']);
	await mustRun(['ip', 'address', 'add', `${labNetwork.bridgeAddress}/${labNetwork.prefixLength}`, 'dev', labNetwork.bridge]);
	await mustRun(['ip', 'link', 'set', labNetwork.bridge, 'up']);
}

export async function removeBridge(): Promise<void> {
	if (await linkExists(labNetwork.bridge)) {
		await mustRun(['ip', 'link', 'delete', labNetwork.bridge]);
	}
}

/**
 * A network namespace for host `index` with a veth into the bridge: eth0 inside, with the host's
 * address and no default route, so a host reaches the lab subnet and nothing beyond it.
 */
export async function createHostNetwork(index: number): Promise<void> {
	const {namespace, veth} = hostNetworkNames(index);
	await mustRun(['ip', 'netns', 'add', namespace]);
	await mustRun(['ip', 'link', 'add', veth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', namespace]);
	await mustRun(['ip', 'link', 'set', veth, 'master', labNetwork.bridge, 'up']);
	await mustRun(['ip', '-n', namespace, 'address', 'add', `${hostAddress(index)}/${labNetwork.prefixLength}`, 'dev', 'eth0']);
	await mustRun(['ip', '-n', namespace, 'link', 'set', 'eth0', 'up']);
	await mustRun(['ip', '-n', namespace, 'link', 'set', 'lo', 'up']);
}

/** PIDs of every process in the host's network namespace: only processes of that host can be there. */
export async function processesInHostNetwork(index: number): Promise<number[]> {
	const {namespace} = hostNetworkNames(index);
	const result = await runCommand(['ip', 'netns', 'pids', namespace]);
	return result.exitCode === 0 ? result.stdout.split('\n').filter(Boolean).map(Number) : [];
}

/** Removes the namespace and the veth; what is already gone is fine (this also clears crashed runs). */
export async function removeHostNetwork(index: number): Promise<void> {
	const {namespace, veth} = hostNetworkNames(index);
	if (await linkExists(veth)) {
		await mustRun(['ip', 'link', 'delete', veth]);
	}

	if ((await runCommand(['ip', 'netns', 'list'])).stdout.split('\n').some(line => line.split(' ')[0] === namespace)) {
		await mustRun(['ip', 'netns', 'delete', namespace]);
	}
}

/** Fault hook: the host's link goes down, as if its cable were pulled; its processes keep running. */
export async function setHostLink(index: number, state: 'up' | 'down'): Promise<void> {
	await mustRun(['ip', 'link', 'set', hostNetworkNames(index).veth, state]);
}

/** Everything of the lab's that exists now: for `status` and for proving a stop left nothing. */
export async function labLinksAndNamespaces(): Promise<{readonly namespaces: string[]; readonly links: string[]}> {
	const namespaces = (await mustRun(['ip', 'netns', 'list'])).split('\n').map(line => line.split(' ')[0] ?? '').filter(name => name.startsWith('pblab-'));
	const links = (await mustRun(['ip', '-o', 'link', 'show'])).split('\n')
		.map(line => /^\d+:\s+([^:@\s]+)/.exec(line)?.[1] ?? '')
		.filter(name => name.startsWith('pblab'));
	return {namespaces, links};
}
