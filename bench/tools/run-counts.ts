/** What a tool said it did, summed over the hosts: a re-run and a --check of a converged host change nothing. */
export interface RunCounts {
	readonly hosts: number;
	readonly changed: number;
	readonly failed: number;
	readonly unreachable: number;
}

export function sumCounts(perHost: ReadonlyArray<{readonly changed: number; readonly failed: number; readonly unreachable: number}>): RunCounts {
	return {
		hosts: perHost.length,
		changed: perHost.reduce((sum, host) => sum + host.changed, 0),
		failed: perHost.reduce((sum, host) => sum + host.failed, 0),
		unreachable: perHost.reduce((sum, host) => sum + host.unreachable, 0),
	};
}
