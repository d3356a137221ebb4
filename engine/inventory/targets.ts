import {PbError} from '../errors.js';
import type {Inventory} from './inventory.js';

/**
 * What ansible-playbook says before the first play about the hosts a run can reach: with no
 * inventory, or an empty one, only the implicit localhost (which `all` does not match), with a
 * warning each; an inventory that --limit leaves no host of is an error, exit 1.
 */
export function checkTargets(inventory: Inventory, sources: readonly string[], limit: string | undefined, warn: (message: string) => void): void {
	if (sources.length === 0) {
		warn('No inventory was parsed, only implicit localhost is available');
	}

	if (inventory.hosts.size === 0) {
		warn('provided hosts list is empty, only localhost is available. Note that the implicit localhost does not match \'all\'');
		return;
	}

	const selection = inventory.selectHosts('all', limit);
	for (const warning of selection.warnings) {
		warn(warning);
	}

	if (selection.hosts.length === 0) {
		throw new PbError('Specified inventory, host pattern and/or --limit leaves us with no hosts to target.', {
			kind: 'runtime',
			hint: `--limit ${limit ?? ''} matches none of the inventory's ${inventory.hosts.size} host(s); \`pb inventory -i INVENTORY --graph\` shows them and their groups.`,
		});
	}
}
