import {readFile} from 'node:fs/promises';
import {availableParallelism, cpus, loadavg, release, totalmem} from 'node:os';

export interface Machine {
	readonly cpus: number;
	readonly cpuModel: string;
	readonly memoryGb: number;
	readonly kernel: string;
	readonly node: string;
	/** This process's open-file limit: each light host costs the controller a socket or more. */
	readonly openFiles: string;
	readonly load: readonly number[];
}

export async function describeMachine(): Promise<Machine> {
	const limits = await readFile('/proc/self/limits', 'utf8');
	return {
		cpus: availableParallelism(),
		cpuModel: cpus()[0]?.model ?? 'unknown',
		memoryGb: Math.round(totalmem() / 1024 ** 3 * 10) / 10,
		kernel: release(),
		node: process.version,
		openFiles: /^Max open files\s+(\S+)/m.exec(limits)?.[1] ?? 'unknown',
		load: loadavg(),
	};
}

export function formatMachine(machine: Machine): string {
	return `${machine.cpus} CPUs (${machine.cpuModel}), ${machine.memoryGb} GB, Linux ${machine.kernel}, Node ${machine.node}, open files ${machine.openFiles}, load ${machine.load.map(value => value.toFixed(2)).join(' ')}`;
}

/** The machine's busy CPU time so far, over all CPUs and everything running (the tool, the hosts, the mirror, the kernel). */
export function machineBusyMs(): number {
	return cpus().reduce((sum, cpu) => sum + cpu.times.user + cpu.times.nice + cpu.times.sys + cpu.times.irq, 0);
}
