import {rm} from 'node:fs/promises';
import type {TestFn} from 'ava';
import {serveAptRepository, type ServedAptRepository} from '../../lab/apt-repository.js';
import {useLab} from '../../lab/use-lab.js';
import {caseFolders, caseHosts, readCases} from './cases.js';
import {type CaseComparison, compareOnLab, compareOnLocal, createWorkspace, type Workspace} from './run-case.js';

/*
 * Each case of cases/ through ansible-playbook and pb (README.md): on lab hosts over SSH, and on
 * the local connection where the case says so. The cases are dealt into lanes, one test file each,
 * which ava runs side by side; a lane's hosts are shared by its cases, each resetting them first.
 */

function timings(comparison: CaseComparison): string {
	return comparison.runs.map(run => `${run.tool} ${(run.wallMs / 1000).toFixed(1)} s`).join(', ');
}

/** Lane `lane` (from 0) of `lanes`: every lanes-th case of cases/, in name order, on a lab of its own. */
export function compatLane(test: TestFn, lane: number, lanes: number): void {
	const lab = useLab(test, {hosts: 2 * caseHosts.length});
	// One for the lab's runs and one for the local ones, which run at the same time: each ansible-playbook
	// run closes the control masters of its own ansible.cfg when it ends.
	let workspaces: {lab: Workspace; local: Workspace} | undefined;

	let aptRepository: ServedAptRepository | undefined;

	test.before('write the ansible.cfg files; serve the flat apt repository the package cases install from', async t => {
		t.timeout(20 * 60_000);
		workspaces = {lab: await createWorkspace(), local: await createWorkspace()};
		await lab.ready();
		aptRepository = await serveAptRepository(undefined, line => t.log(line));
	});
	test.after.always('remove the workspaces, stop the apt repository', async () => {
		await aptRepository?.close();
		for (const workspace of Object.values(workspaces ?? {})) {
			await rm(workspace.directory, {recursive: true, force: true});
		}
	});

	for (const compatCase of readCases(caseFolders.active).filter((_, index) => index % lanes === lane)) {
		test.serial(`${compatCase.name}: ${compatCase.description}`, async t => {
			t.timeout(5 * 60_000);
			const [onLab, onLocal] = await Promise.all([
				compareOnLab(compatCase, lab(), workspaces!.lab, aptRepository?.source),
				compatCase.local ? compareOnLocal(compatCase, workspaces!.local) : undefined,
			]);
			t.log(`lab: ${timings(onLab)}`);
			t.deepEqual(onLab.problems, [], 'over SSH on lab hosts, ansible-playbook and pb differ');
			if (onLocal) {
				t.log(`local: ${timings(onLocal)}`);
				t.deepEqual(onLocal.problems, [], 'on the local connection, ansible-playbook and pb differ');
			}
		});
	}
}
