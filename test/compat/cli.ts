#!/usr/bin/env node
// Runs compat cases by hand: `node dist/test/compat/cli.js [--local] NAME...` (README.md).
import {existsSync} from 'node:fs';
import {rm} from 'node:fs/promises';
import {join} from 'node:path';
import process from 'node:process';
import {serveAptRepository, type ServedAptRepository} from '../lab/apt-repository.js';
import {type Lab, startLab} from '../lab/lab.js';
import {caseFolders, caseHosts, type CompatCase, readCase} from './harness/cases.js';
import {type CaseComparison, compareOnLab, compareOnLocal, createWorkspace} from './harness/run-case.js';

const usage = `usage: node dist/test/compat/cli.js [--local] [--keep] NAME...
  NAME     a case's folder in test/compat/cases/ or test/compat/pending/
  --local  only on the local connection (no lab hosts): seconds, for cases that write only under out_dir
  --keep   keep the workspace (ansible.cfg, inventories, local out_dirs) and say where it is`;

class UsageError extends Error {}

function findCase(name: string): CompatCase {
	const folder = [caseFolders.active, caseFolders.pending].find(candidate => existsSync(join(candidate, name, 'case.json')));
	if (folder === undefined) {
		throw new UsageError(`no case \`${name}\` in test/compat/cases/ or test/compat/pending/\n${usage}`);
	}

	return readCase(folder, name);
}

function report(where: string, comparison: CaseComparison): void {
	console.log(`  ${where}: ${comparison.runs.map(run => `${run.tool} exit ${run.code} in ${(run.wallMs / 1000).toFixed(1)} s`).join(', ')}`);
	console.log(comparison.problems.length === 0 ? '    same files, same recap; pb\'s second run changed nothing' : comparison.problems.join('\n').replaceAll(/^/gm, '    '));
}

const args = process.argv.slice(2);
const flags = new Set(['--local', '--keep']);
const localOnly = args.includes('--local');
const keep = args.includes('--keep');
const names = args.filter(arg => !flags.has(arg));
let lab: Lab | undefined;
let aptRepository: ServedAptRepository | undefined;
try {
	if (names.length === 0 || names.some(name => name.startsWith('-'))) {
		throw new UsageError(usage);
	}

	const cases = names.map(name => findCase(name));
	const workspace = await createWorkspace();
	lab = localOnly ? undefined : await startLab({hosts: 2 * caseHosts.length, log: line => console.error(line)});
	aptRepository = lab && await serveAptRepository(undefined, line => console.error(line));
	let failed = false;
	for (const compatCase of cases) {
		console.log(`${compatCase.name}: ${compatCase.description}${compatCase.waitsFor ? `\n  (pending: waits for ${compatCase.waitsFor})` : ''}`);
		const comparisons: Array<[string, CaseComparison]> = [];
		if (lab) {
			comparisons.push(['lab', await compareOnLab(compatCase, lab, workspace, aptRepository?.source)]);
		}

		if (compatCase.local) {
			comparisons.push(['local', await compareOnLocal(compatCase, workspace)]);
		}

		for (const [where, comparison] of comparisons) {
			report(where, comparison);
			failed ||= comparison.problems.length > 0;
		}
	}

	if (keep) {
		console.log(`workspace kept: ${workspace.directory}`);
	} else {
		await rm(workspace.directory, {recursive: true, force: true});
	}

	process.exitCode = failed ? 1 : 0;
} catch (error) {
	console.error(error instanceof Error ? error.message : String(error));
	process.exitCode = error instanceof UsageError ? 5 : 1;
} finally {
	await aptRepository?.close();
	await lab?.stop();
}
