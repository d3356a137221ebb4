import type {BenchHost} from '../bench-hosts.js';

/** The playbook files a scenario wrote for each tool, and the variables they need. */
export interface ScenarioPlaybooks {
	readonly pb: string;
	readonly ansible: string;
	/** What both tools get with -e: `key=value` words or `@FILE`. */
	readonly extraVars: readonly string[];
}

/**
 * One piece of work, written three ways: a pb playbook, an ansible-playbook playbook, and the
 * same commands as plain shell scripts (the floor). All three must leave a host in the same state,
 * which `fingerprint` prints.
 */
export interface Scenario {
	/** What `--scenarios` names it by. */
	readonly id: string;
	readonly title: string;
	/** Tasks each host goes through, for the per-task numbers. */
	readonly tasksPerHost: number;
	/**
	 * For a scenario that downloads anything: finds or builds what it downloads, before any host
	 * starts (a build takes minutes), and resolves with the directory to serve to the hosts over
	 * HTTP while the scenario runs.
	 */
	prepareArtifacts?(log: (line: string) => void): Promise<string>;
	/** Writes the playbooks into `directory`; `mirrorUrl` is where the prepared artifacts are served. */
	writePlaybooks(directory: string, mirrorUrl: string | undefined): Promise<ScenarioPlaybooks>;
	/** The floor of a first run: the scenario's changes, as a plain script. */
	floorApply(host: BenchHost, mirrorUrl: string | undefined): string;
	/** The floor of a re-run or --check: reading the same state, as a plain script. */
	floorCheck(host: BenchHost): string;
	/** Prints the state the scenario leaves, with the host's own name written as HOST, so hosts compare. */
	fingerprint(host: BenchHost): string;
}
