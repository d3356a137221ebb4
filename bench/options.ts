import {parseArgs} from 'node:util';
import {scenarios} from './scenarios/all.js';

export interface BenchOptions {
	/** Lab hosts for the scenarios against ansible-playbook. */
	readonly hosts: number;
	readonly runs: number;
	readonly scenarios: readonly string[];
	/** Light host counts for the scale scenario; empty skips it. */
	readonly scale: readonly number[];
	readonly scaleRuns: number;
	/** pb and the floor only: for measuring a change to pb without ansible-playbook's minutes. */
	readonly withoutAnsible: boolean;
	/**
	 * How pb's downloads reach the hosts (the bundled playbooks' artifact_via). host, as
	 * ansible-playbook's get_url and the floor's curl do; controller is pb's default.
	 */
	readonly artifactVia: 'host' | 'controller';
	/** A CPU profile of pb re-running each scenario, summarised. */
	readonly profile: boolean;
	/** A CPU profile of pb's first run of each scenario on fresh hosts, summarised. */
	readonly profileFirst: boolean;
	readonly out: string;
}

export const usage = `npm run bench -- [--hosts N] [--runs R] [--scenarios ${scenarios.map(scenario => scenario.id).join(',')}] [--scale 100,200 | --scale none] [--scale-runs R] [--without-ansible] [--artifact-via host|controller] [--profile] [--profile-first] [--out results.json]`;

function wholeNumber(text: string, flag: string, min: number): number {
	const value = Number(text);
	if (!Number.isInteger(value) || value < min) {
		throw new TypeError(`Expected \`${flag}\` to be a whole number from ${min} up, got \`${text}\``);
	}

	return value;
}

export function parseBenchArgs(argv: readonly string[]): BenchOptions {
	const {values} = parseArgs({
		args: [...argv],
		options: {
			hosts: {type: 'string', default: '10'},
			runs: {type: 'string', default: '5'},
			scenarios: {type: 'string', default: scenarios.map(scenario => scenario.id).join(',')},
			scale: {type: 'string', default: '100,200'},
			'scale-runs': {type: 'string', default: '3'},
			'without-ansible': {type: 'boolean', default: false},
			'artifact-via': {type: 'string', default: 'host'},
			profile: {type: 'boolean', default: false},
			'profile-first': {type: 'boolean', default: false},
			out: {type: 'string', default: '/var/lib/pb-bench/results.json'},
		},
		strict: true,
	});
	const chosen = values.scenarios === '' || values.scenarios === 'none' ? [] : values.scenarios.split(',');
	for (const id of chosen) {
		if (!scenarios.some(scenario => scenario.id === id)) {
			throw new TypeError(`Expected \`--scenarios\` to name scenarios among ${scenarios.map(scenario => scenario.id).join(', ')}, got \`${id}\``);
		}
	}

	const artifactVia = values['artifact-via'];
	if (artifactVia !== 'host' && artifactVia !== 'controller') {
		throw new TypeError(`Expected \`--artifact-via\` to be host or controller, got \`${artifactVia}\``);
	}

	return {
		hosts: wholeNumber(values.hosts, '--hosts', 1),
		runs: wholeNumber(values.runs, '--runs', 1),
		scenarios: chosen,
		scale: values.scale === 'none' ? [] : values.scale.split(',').map(count => wholeNumber(count, '--scale', 1)),
		scaleRuns: wholeNumber(values['scale-runs'], '--scale-runs', 1),
		withoutAnsible: values['without-ansible'],
		artifactVia,
		profile: values.profile,
		profileFirst: values['profile-first'],
		out: values.out,
	};
}
