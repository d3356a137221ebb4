/** Who ran: pb, ansible-playbook, or the plain-ssh floor. */
export type Tool = 'pb' | 'ansible' | 'floor';

/** first: fresh hosts; rerun: converged hosts, nothing to change; check: --check on converged hosts. */
export type Mode = 'first' | 'rerun' | 'check';

export interface Sample {
	readonly scenario: string;
	readonly hostKind: 'lab' | 'light';
	readonly hosts: number;
	readonly tasksPerHost: number;
	readonly tool: Tool;
	readonly mode: Mode;
	readonly wallMs: number;
	/** pb and ansible-playbook only. */
	readonly cpuMs?: number;
	readonly peakRssMb?: number;
	/** The whole machine's busy CPU time during the run: the tool, the hosts' processes, the mirror. */
	readonly machineBusyMs?: number;
	/** Changes the tool reported, over all hosts. */
	readonly changed?: number;
	/** The 1-minute load average when the run started: how busy the machine was. */
	readonly load: number;
	/** pb only: each task's wall time over all hosts, in the order the play ran them, to see where a run went. */
	readonly taskMs?: ReadonlyArray<{readonly name: string; readonly ms: number}>;
	/** Set when the run failed: its exit code and the end of its output. Not counted in the times. */
	readonly failed?: string;
}
