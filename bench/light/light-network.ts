import {spawn} from 'node:child_process';
import {CommandFailed, mustRun, runCommand} from '../../test/lab/run-command.js';
import {lightAddress, lightNamePrefix, lightNetwork, lightNetworkNames, lightVethOf} from './light-paths.js';

/** Feeds `lines` to `ip -batch -`: one process for hundreds of commands, where one `ip` each takes seconds. */
async function ipBatch(lines: readonly string[], options: {readonly namespace?: string; readonly force?: boolean} = {}): Promise<void> {
	const args = [...(options.namespace ? ['-n', options.namespace] : []), ...(options.force ? ['-force'] : []), '-batch', '-'];
	const child = spawn('ip', args, {stdio: ['pipe', 'ignore', 'pipe']});
	let stderr = '';
	child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
		stderr += chunk;
	});
	child.stdin.end(`${lines.join('\n')}\n`);
	const code = await new Promise<number | null>((resolve, reject) => {
		child.once('error', reject);
		child.once('close', resolve);
	});
	if (code !== 0 && !options.force) {
		throw new CommandFailed(['ip', ...args], code ?? undefined, stderr);
	}
}

async function linkExists(name: string): Promise<boolean> {
	return (await runCommand(['ip', 'link', 'show', 'dev', name])).exitCode === 0;
}

export async function ensureLightBridge(): Promise<void> {
	if (await linkExists(lightNetwork.bridge)) {
		return;
	}

	await ipBatch([
		`link add ${lightNetwork.bridge} type bridge`,
		`address add ${lightNetwork.bridgeAddress}/${lightNetwork.prefixLength} dev ${lightNetwork.bridge}`,
		`link set ${lightNetwork.bridge} up`,
	]);
}

/** A namespace per host with eth0 (its address, no default route) and a veth into the bridge. */
export async function createLightNetworks(indexes: readonly number[]): Promise<void> {
	await ipBatch(indexes.flatMap(index => {
		const {namespace, veth} = lightNetworkNames(index);
		return [
			`netns add ${namespace}`,
			`link add ${veth} type veth peer name eth0 netns ${namespace}`,
			`link set ${veth} master ${lightNetwork.bridge} up`,
		];
	}).concat(
		// A reset host comes back with a new MAC on the same address: forget the old one now, not after
		// the neighbour entry has timed out (half a minute or more in which the host seems down).
		`neigh flush dev ${lightNetwork.bridge}`,
	));
	// `ip -batch` takes no per-line namespace, so the inside of each namespace is one batch of its own.
	await Promise.all(indexes.map(async index => ipBatch([
		`address add ${lightAddress(index)}/${lightNetwork.prefixLength} dev eth0`,
		'link set eth0 up',
		'link set lo up',
	], {namespace: lightNetworkNames(index).namespace})));
}

/** Every network namespace on the machine named as the light hosts' are: ours, whoever started them. */
export async function lightNamespaces(): Promise<string[]> {
	const listed = await mustRun(['ip', 'netns', 'list']);
	return listed.split('\n').map(line => line.split(' ')[0] ?? '').filter(name => name.startsWith(`${lightNamePrefix}-`));
}

/** PIDs in a light host's namespace: only that host's sshd and its sessions can be there. */
export async function processesInNamespace(namespace: string): Promise<number[]> {
	const result = await runCommand(['ip', 'netns', 'pids', namespace]);
	return result.exitCode === 0 ? result.stdout.split('\n').filter(Boolean).map(Number) : [];
}

/**
 * Removes the namespaces and their veths and, with `bridge`, the bridge; what is gone already is
 * fine. The veths go first, by name: a deleted namespace takes its veth with it only when the
 * kernel gets round to it, and a reset that adds the same veth before then finds it still there.
 */
export async function removeLightNetworks(namespaces: readonly string[], bridge: boolean): Promise<void> {
	await ipBatch(namespaces.map(namespace => `link delete ${lightVethOf(namespace)}`), {force: true});
	await ipBatch(namespaces.map(namespace => `netns delete ${namespace}`), {force: true});
	if (bridge && await linkExists(lightNetwork.bridge)) {
		await mustRun(['ip', 'link', 'delete', lightNetwork.bridge]);
	}
}
