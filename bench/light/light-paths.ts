/**
 * Where the light hosts live. Their subnet is the benchmark's own (the lab has 10.213.0.0/24), so
 * both can run at once and nothing here is ever routed beyond the machine.
 */
export const lightPaths = {
	/** Keys, sshd_config, known_hosts, inventory, sshd logs: removed on stop. */
	directory: '/var/lib/pb-bench/light',
	/** The running light lab's sshd PIDs and owner, read by the next start to clear a crashed run. */
	state: '/run/pb-bench/light.json',
} as const;

export const lightNetwork = {
	bridge: 'pbbench0',
	bridgeAddress: '10.214.0.1',
	prefixLength: 16,
	/** Room for more hosts than the machine can hold sshds for; the /16 has room for far more. */
	maxHosts: 1000,
} as const;

/** Host n (1, 2, ...) gets the (n + 9)th address of 10.214.0.0/16, so the first host is 10.214.0.10. */
export function lightAddress(index: number): string {
	const offset = index + 9;
	return `10.214.${Math.floor(offset / 256)}.${offset % 256}`;
}

/** Namespace and the machine's end of the veth (interface names have at most 15 characters). */
export function lightNetworkNames(index: number): {readonly namespace: string; readonly veth: string} {
	const namespace = `pbbench-${index}`;
	return {namespace, veth: lightVethOf(namespace)};
}

/** The machine's end of the namespace's link. */
export function lightVethOf(namespace: string): string {
	return `${namespace.replace('-', '')}v`;
}

export const lightNamePrefix = 'pbbench';
