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
	/** Changes the tool reported, over all hosts. */
	readonly changed?: number;
	/** The 1-minute load average when the run started: how busy the machine was. */
	readonly load: number;
	/** Set when the run failed: its exit code and the end of its output. Not counted in the times. */
	readonly failed?: string;
}
