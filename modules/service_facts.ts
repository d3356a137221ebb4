import {defineModule} from '../engine/module.js';

/*
 * ansible_facts.services as ansible-core 2.14 gathers it on Linux: SysV scripts from `service
 * --status-all`, then systemd's services from `systemctl list-units` and `list-unit-files` (the
 * systemd entries win), with the same names, fields and values. All in one round trip.
 */

export interface ServiceFact {
	readonly name: string;
	readonly state: string;
	readonly status?: string;
	readonly source: 'sysv' | 'systemd';
}

const sections = ['sysv', 'units', 'files', 'show'] as const;
type Section = typeof sections[number];

/**
 * Prints each section after a `== NAME` line. `show` holds the ActiveState of each unit that has a
 * file but is not loaded, in list-unit-files' order; templates (name@.service) cannot be shown.
 */
const script = [
	'echo "== sysv"',
	'if command -v service >/dev/null 2>&1 && ! command -v chkconfig >/dev/null 2>&1 && ! command -v rc-status >/dev/null 2>&1; then service --status-all 2>/dev/null; fi',
	'if grep -q systemd /proc/1/comm 2>/dev/null && command -v systemctl >/dev/null 2>&1; then',
	'  echo "== units"; units=$(systemctl list-units --no-pager --type service --all); printf "%s\\n" "$units"',
	'  echo "== files"; files=$(systemctl list-unit-files --no-pager --type service --all); printf "%s\\n" "$files"',
	'  loaded=$(printf "%s\\n" "$units" | sed "s/^[^a-zA-Z0-9]*//" | awk \'{print $1}\' | grep "\\.service$")',
	'  shown=$(printf "%s\\n" "$files" | awk \'{print $1}\' | grep "\\.service$" | grep -v "@\\.service$" | grep -vxF "$loaded")',
	'  echo "== show"; echo "$shown"; if [ -n "$shown" ]; then systemctl show --property=ActiveState -- $shown; fi',
	'fi',
].join('\n');

function splitSections(stdout: string): Record<Section, string[]> {
	const result: Record<Section, string[]> = {sysv: [], units: [], files: [], show: []};
	let current: Section | undefined;
	for (const line of stdout.split('\n')) {
		const header = /^== (\w+)$/.exec(line)?.[1];
		if (header !== undefined && (sections as readonly string[]).includes(header)) {
			current = header as Section;
		} else if (current !== undefined) {
			result[current].push(line);
		}
	}

	return result;
}

/** A unit line's status when it is one of these, with the marker (●) before its name. */
const badStates = ['not-found', 'masked', 'failed'];

/** The services as Ansible names them, from the script's output. */
export function parseServices(stdout: string): Record<string, ServiceFact> {
	const {sysv, units, files, show} = splitSections(stdout);
	const services: Record<string, ServiceFact> = {};
	for (const line of sysv) {
		const match = /^\s*\[ ([+-]) \]\s+(.+)$/.exec(line);
		if (match) {
			services[match[2]!] = {name: match[2]!, state: match[1] === '+' ? 'running' : 'stopped', source: 'sysv'};
		}
	}

	for (const line of units.filter(line => line.includes('.service'))) {
		let fields = line.trim().split(/\s+/);
		const bad = badStates.find(state => fields.includes(state));
		const status = bad ?? fields[2] ?? 'unknown';
		if (bad !== undefined) {
			fields = fields.slice(1);
		}

		const name = fields[0] ?? '';
		services[name] = {name, state: fields[3] === 'running' ? 'running' : 'stopped', status, source: 'systemd'};
	}

	// The names shown, then one ActiveState= line each.
	const shownNames = show.filter(line => line.endsWith('.service'));
	const activeStates = show.filter(line => line.startsWith('ActiveState=')).map(line => line.slice('ActiveState='.length));
	for (const line of files.filter(line => line.includes('.service'))) {
		const [name = '', status = ''] = line.trim().split(/\s+/);
		const known = services[name];
		if (known === undefined) {
			const at = shownNames.indexOf(name);
			services[name] = {name, state: (at < 0 ? undefined : activeStates[at]) || 'unknown', status, source: 'systemd'};
		} else if (!badStates.includes(known.status ?? '')) {
			services[name] = {...known, status};
		}
	}

	return services;
}

export default defineModule({
	name: 'service_facts',
	summary: 'Gathers the host\'s services into ansible_facts.services (systemd units and SysV scripts)',
	params: {},
	example: `- service_facts:
- debug:
    msg: "containerd is {{ ansible_facts.services['containerd.service'].state }}"`,
	async read(ctx) {
		const result = await ctx.run(script);
		if (result.code !== 0) {
			throw new Error(`cannot list the services on ${ctx.host}: ${result.stderr.trim()}`);
		}

		return parseServices(result.stdout);
	},
	plan(services) {
		const count = Object.keys(services).length;
		if (count === 0) {
			return {changed: false, msg: 'Failed to find any services. This can be due to privileges or some other configuration issue.', steps: undefined, result: {skipped: true}};
		}

		return {changed: false, msg: `${count} services`, steps: undefined, result: {ansible_facts: {services}}, effects: {facts: {services}}};
	},
	async apply() {
		return {};
	},
});
