/** Where the lab keeps things on the machine. One machine has one set of these, shared by every lab run. */
export const labPaths = {
	/** Built bases (base-<hash>), debootstrap's package cache: kept between runs. */
	cache: '/var/cache/pb-lab',
	/** Each lab's hosts (overlay upper dirs, roots), keys, known_hosts and inventory: removed on stop. */
	labs: '/var/lib/pb-lab',
	/** What is running now (state.json) and its lock: on tmpfs on most machines, so a reboot clears it. */
	run: '/run/pb-lab',
} as const;

/** The lab's own network: nothing in a test may reach past it (hosts get no default route). */
export const labNetwork = {
	bridge: 'pblab0',
	bridgeAddress: '10.213.0.1',
	prefixLength: 24,
	/** Host n (1, 2, ...) gets 10.213.0.(9 + n), so the first host is .10. */
	firstHostOctet: 10,
	maxHosts: 200,
} as const;

export function hostAddress(index: number): string {
	return `10.213.0.${labNetwork.firstHostOctet + index - 1}`;
}

/** The network namespace, and the machine's end of the host's veth (at most 15 characters). */
export function hostNetworkNames(index: number): {readonly namespace: string; readonly veth: string} {
	return {namespace: `pblab-${index}`, veth: `pblab${index}v`};
}
