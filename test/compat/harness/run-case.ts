import {chmod, mkdir, mkdtemp, rm, stat} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {type AnsibleSetup, writeAnsibleConfig} from '../../helpers/ansible-playbook.js';
import type {Lab} from '../../lab/lab.js';
import {labNetwork} from '../../lab/lab-paths.js';
import {snapshotDirectory} from '../../lab/upper-snapshot.js';
import {caseHosts, type CompatCase} from './cases.js';
import {compareEndStates, compareRuns} from './compare.js';
import {withServedFiles} from './served-files.js';
import {changedPaths} from './end-state.js';
import {localOutDirectory, type Target, targetAliases, writeTargetInventory} from './targets.js';
import {checkAnsible, outputTail, runTool, type Tool, type ToolRun} from './tool-runs.js';

/*
 * One case through both tools: each on fresh hosts of its own (or into an out_dir of its own on the
 * local connection), then what they left and what they reported compared, then pb once more on its
 * hosts, which must change nothing.
 */

/** What a comparison found: no problems means both tools did the same and pb's second run changed nothing. */
export interface CaseComparison {
	readonly problems: string[];
	/** Every run, for the timings. */
	readonly runs: ToolRun[];
}

/** Where the suite keeps what it writes: ansible.cfg and its temp files, the inventories, the local out_dirs. */
export interface Workspace {
	readonly directory: string;
	readonly ansible: AnsibleSetup;
}

function expectedExit(compatCase: CompatCase, ansible: ToolRun): string[] {
	return ansible.code === compatCase.exitCode ? [] : [`ansible-playbook exited with ${ansible.code}, and case.json expects ${compatCase.exitCode}: the case itself does not run as meant\n${outputTail(ansible)}`];
}

/** A second run must change nothing and end as the first did. */
function secondRunProblems(first: ToolRun, second: ToolRun): string[] {
	const changed = Object.entries(second.recap ?? {}).filter(([, recap]) => recap.changed > 0).map(([host, recap]) => `${host} changed=${recap.changed}`);
	const problems = [
		...(second.code === first.code ? [] : [`pb's second run exited with ${second.code}, the first with ${first.code}`]),
		...(second.recap === undefined ? ['pb\'s second run printed no recap'] : []),
		...(changed.length === 0 ? [] : [`pb's second run changed something (a second run must change nothing): ${changed.join(', ')}`]),
	];
	return problems.length === 0 ? [] : [...problems, `--- pb's second run ended with:\n${outputTail(second)}`];
}

async function runOn(tool: Tool, compatCase: CompatCase, target: Target, workspace: Workspace): Promise<ToolRun> {
	const inventory = join(workspace.directory, `${tool}-${target.kind}.ini`);
	await writeTargetInventory(inventory, target);
	return runTool(tool, compatCase, inventory, workspace.ansible);
}

/** Where the two tools left a case host's files, and which of their paths to compare. */
interface HostTrees {
	readonly host: string;
	readonly ansibleRoot: string;
	readonly pbRoot: string;
	readonly paths: readonly string[];
}

/**
 * Both tools at once, each on hosts (or into an out_dir) of its own; then their exit codes, recaps
 * and files (`readTrees`, once both have run) compared; then pb's second run.
 */
async function compareRunsOn(compatCase: CompatCase, targets: Readonly<Record<Tool, Target>>, workspace: Workspace, readTrees: () => Promise<HostTrees[]>): Promise<CaseComparison> {
	const [ansible, pb] = await Promise.all([runOn('ansible-playbook', compatCase, targets['ansible-playbook'], workspace), runOn('pb', compatCase, targets.pb, workspace)]);
	const problems = [...expectedExit(compatCase, ansible), ...compareRuns(ansible, pb)];
	for (const {host, ansibleRoot, pbRoot, paths} of await readTrees()) {
		problems.push(...await compareEndStates(
			{host, root: ansibleRoot, aliases: targetAliases(targets['ansible-playbook'])},
			{host, root: pbRoot, aliases: targetAliases(targets.pb)},
			paths,
		));
	}

	const second = await runOn('pb', compatCase, targets.pb, workspace);
	return {problems: [...problems, ...secondRunProblems(pb, second)], runs: [ansible, pb, second]};
}

/**
 * On a lab of four hosts: ansible-playbook on the first two, pb on the last two, all four reset
 * first. Compared: the paths either tool's run changed on a host (from the upper dirs, noise left
 * out), as each host's root shows them after the run. `aptSource`: the lab's flat apt repository, as
 * the cases see it (`lab_apt_source`).
 */
export async function compareOnLab(compatCase: CompatCase, lab: Lab, workspace: Workspace, aptSource?: string): Promise<CaseComparison> {
	return withServedFiles(compatCase, labNetwork.bridgeAddress, async served => compareOnLabHosts(served, lab, workspace, aptSource));
}

async function compareOnLabHosts(compatCase: CompatCase, lab: Lab, workspace: Workspace, aptSource: string | undefined): Promise<CaseComparison> {
	if (lab.hosts.length !== 2 * caseHosts.length) {
		throw new Error(`the compat lab needs ${2 * caseHosts.length} hosts, this one has ${lab.hosts.length}`);
	}

	await Promise.all(lab.hosts.map(async host => lab.resetHost(host)));
	const hostsOf = {'ansible-playbook': lab.hosts.slice(0, caseHosts.length), pb: lab.hosts.slice(caseHosts.length)};
	const snapshots = async () => Promise.all([...hostsOf['ansible-playbook'], ...hostsOf.pb].map(async host => lab.snapshotUpper(host)));
	const before = await snapshots();
	const targets = {
		'ansible-playbook': {kind: 'lab', hosts: hostsOf['ansible-playbook'], identity: lab.identity, aptSource},
		pb: {kind: 'lab', hosts: hostsOf.pb, identity: lab.identity, aptSource},
	} as const;
	return compareRunsOn(compatCase, targets, workspace, async () => {
		const after = await snapshots();
		const changed = (index: number) => changedPaths(before[index]!, after[index]!);
		return caseHosts.map((host, position) => ({
			host,
			ansibleRoot: hostsOf['ansible-playbook'][position]!.rootDirectory,
			pbRoot: hostsOf.pb[position]!.rootDirectory,
			paths: [...changed(position), ...changed(caseHosts.length + position)],
		}));
	});
}

async function pathsUnder(directory: string): Promise<string[]> {
	return await stat(directory).then(() => true, () => false) ? [...(await snapshotDirectory(directory)).keys()] : [];
}

/**
 * On the local connection: each tool writes into an out_dir of its own, one folder per case host;
 * compared: those folders and everything in them.
 */
export async function compareOnLocal(compatCase: CompatCase, workspace: Workspace): Promise<CaseComparison> {
	return withServedFiles(compatCase, '127.0.0.1', async served => compareOnThisMachine(served, workspace));
}

async function compareOnThisMachine(compatCase: CompatCase, workspace: Workspace): Promise<CaseComparison> {
	const outDirectory = (tool: Tool) => join(workspace.directory, 'local', tool);
	await rm(join(workspace.directory, 'local'), {recursive: true, force: true});
	await Promise.all((['ansible-playbook', 'pb'] as const).map(async tool => mkdir(outDirectory(tool), {recursive: true})));
	const targets = {
		'ansible-playbook': {kind: 'local', outDirectory: outDirectory('ansible-playbook')},
		pb: {kind: 'local', outDirectory: outDirectory('pb')},
	} as const;
	return compareRunsOn(compatCase, targets, workspace, async () => Promise.all(caseHosts.map(async host => {
		const [ansibleRoot, pbRoot] = [localOutDirectory(outDirectory('ansible-playbook'), host), localOutDirectory(outDirectory('pb'), host)];
		// '/' is the out_dir itself: the case makes it too.
		return {host, ansibleRoot, pbRoot, paths: ['/', ...await pathsUnder(ansibleRoot), ...await pathsUnder(pbRoot)]};
	})));
}

/** A folder of the suite's own, with the ansible.cfg every ansible-playbook run of it reads. */
export async function createWorkspace(): Promise<Workspace> {
	await checkAnsible();
	const directory = await mkdtemp(join(tmpdir(), 'pb-compat-'));
	// A case may become another user (become_user), who must reach the local out_dirs inside.
	await chmod(directory, 0o755);
	const ansible = await writeAnsibleConfig(directory, {
		forks: caseHosts.length,
		gathering: 'implicit',
		writtenBy: 'Written by pb\'s compatibility tests (test/compat): Ansible\'s defaults, with the connection settings test/helpers/ansible-playbook.ts explains.',
	});
	return {directory, ansible};
}
