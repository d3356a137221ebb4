import {createTwoFilesPatch} from 'diff';
import type {Recap} from '../../../engine/report/events.js';
import {type EndEntry, type EndState, readEntry, readText, withPlaceholders} from './end-state.js';
import {outputTail, type ToolRun} from './tool-runs.js';

/*
 * What ansible-playbook and pb did to the same case, side by side. Each difference is one message
 * naming the host, the path and the attribute, with ansible-playbook's value and pb's.
 */

const octal = (mode: number) => `0${mode.toString(8).padStart(3, '0')}`;

function kind(entry: EndEntry): string {
	return entry.type === 'absent' ? 'nothing' : `a ${entry.type}`;
}

/** The attributes two entries of one type are compared on, as they read in a message. */
function attributes(entry: EndEntry): Record<string, string> {
	switch (entry.type) {
		case 'file':
		case 'directory':
		case 'other': {
			return {mode: octal(entry.mode), owner: `${entry.uid}:${entry.gid}`};
		}

		case 'symlink': {
			return {owner: `${entry.uid}:${entry.gid}`};
		}

		case 'absent': {
			return {};
		}
	}
}

async function comparePath(path: string, ansible: EndState, pb: EndState): Promise<string[]> {
	const [left, right] = await Promise.all([readEntry(ansible, path), readEntry(pb, path)]);
	const where = `${ansible.host} ${path}`;
	if (left.type !== right.type) {
		return [`${where}: ansible-playbook left ${kind(left)}, pb ${kind(right)}`];
	}

	const [before, after] = [attributes(left), attributes(right)];
	const problems = Object.keys(before)
		.filter(key => before[key] !== after[key])
		.map(key => `${where}: ${key}: ansible-playbook ${before[key]}, pb ${after[key]}`);
	if (left.type === 'symlink' && right.type === 'symlink' && withPlaceholders(ansible, left.target) !== withPlaceholders(pb, right.target)) {
		problems.push(`${where}: link target: ansible-playbook ${left.target}, pb ${right.target}`);
	}

	if (left.type === 'file' && right.type === 'file' && left.sha256 !== right.sha256) {
		const [leftText, rightText] = await Promise.all([readText(ansible, path), readText(pb, path)]);
		if (leftText === undefined || rightText === undefined) {
			problems.push(`${where}: contents: ansible-playbook sha256 ${left.sha256}, pb ${right.sha256}`);
		} else if (leftText !== rightText) {
			problems.push(`${where}: contents differ:\n${createTwoFilesPatch('ansible-playbook', 'pb', leftText, rightText, undefined, undefined, {context: 3}).split('\n').slice(2).join('\n')}`);
		}
	}

	return problems;
}

/** Every difference between two hosts' end states at `paths`, in path order. */
export async function compareEndStates(ansible: EndState, pb: EndState, paths: Iterable<string>): Promise<string[]> {
	const sorted = [...new Set(paths)].sort();
	return (await Promise.all(sorted.map(async path => comparePath(path, ansible, pb)))).flat();
}

const counts = ['ok', 'changed', 'unreachable', 'failed', 'skipped', 'rescued', 'ignored'] as const satisfies ReadonlyArray<keyof Recap>;

/** Exit codes and recap counts, host by host; with both outputs' tails when they differ. */
export function compareRuns(ansible: ToolRun, pb: ToolRun): string[] {
	const problems = [];
	if (ansible.code !== pb.code) {
		problems.push(`exit code: ansible-playbook ${ansible.code}, pb ${pb.code}`);
	}

	for (const run of [ansible, pb]) {
		if (run.recap === undefined) {
			problems.push(`${run.tool} printed no recap`);
		}
	}

	if (ansible.recap && pb.recap) {
		const hosts = [...new Set([...Object.keys(ansible.recap), ...Object.keys(pb.recap)])].sort();
		for (const host of hosts) {
			const [left, right] = [ansible.recap[host], pb.recap[host]];
			if (!left || !right) {
				problems.push(`${host}: recap: ${left ? 'pb' : 'ansible-playbook'} has no line for this host`);
				continue;
			}

			problems.push(...counts.filter(count => left[count] !== right[count]).map(count => `${host}: recap ${count}: ansible-playbook ${left[count]}, pb ${right[count]}`));
		}
	}

	return problems.length === 0 ? [] : [...problems, `--- ansible-playbook's output ended with:\n${outputTail(ansible)}`, `--- pb's output ended with:\n${outputTail(pb)}`];
}
