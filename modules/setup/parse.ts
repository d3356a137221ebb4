import {dateTimeFacts} from './date-time.js';
import {distributionFacts} from './distribution.js';
import {dnsFacts} from './dns.js';
import {hardwareFacts} from './hardware.js';
import {packageManagerFact, serviceManagerFact} from './managers.js';
import {networkFacts} from './network.js';
import {platformFacts} from './platform.js';
import {type Facts, readSections} from './sections.js';
import type {FactGroup} from './subsets.js';
import {envFacts, userFacts} from './user.js';
import {virtualFacts} from './virtual.js';

/**
 * Pure: the script's output -> facts by Ansible's names, for the groups it gathered, plus
 * Ansible's own `gather_subset` (as asked) and `module_setup`. Keys sorted, as Ansible prints them.
 */
export function parseFacts(output: string, groups: ReadonlySet<FactGroup>, gatherSubset: readonly string[]): Facts {
	const sections = readSections(output);
	const facts: Facts = {gather_subset: [...gatherSubset], module_setup: true};
	if (groups.has('min')) {
		const distribution = distributionFacts(sections);
		const dateTime = dateTimeFacts(sections);
		Object.assign(facts, platformFacts(sections), distribution, userFacts(sections), dnsFacts(sections), {
			env: envFacts(sections),
			pkg_mgr: packageManagerFact(sections, distribution),
			service_mgr: serviceManagerFact(sections),
			...(dateTime ? {date_time: dateTime} : {}),
		});
	}

	if (groups.has('hardware')) {
		Object.assign(facts, hardwareFacts(sections, facts.architecture));
	}

	if (groups.has('network')) {
		Object.assign(facts, networkFacts(sections));
	}

	if (groups.has('virtual')) {
		Object.assign(facts, virtualFacts(sections));
	}

	return Object.fromEntries(Object.keys(facts).sort().map(key => [key, facts[key]]));
}
