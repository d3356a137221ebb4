import {defineModule} from '../engine/module.js';

/*
 * package_facts: the installed packages as Ansible's ansible_facts.packages gives them, a dict of
 * name -> list of {name, version, ..., source} (a list: rpm can have one name at several versions
 * or architectures). Read from dpkg-query and rpm themselves, one round trip, without the Python
 * bindings Ansible needs on the host.
 */

const managers = ['apt', 'rpm'] as const;
type Manager = typeof managers[number];

/** The listing per manager: one tab-separated line per installed package, under a marker line. */
const listings: Readonly<Record<Manager, string>> = {
	apt: 'command -v dpkg-query >/dev/null 2>&1 && { echo "@@pb-packages apt"; dpkg-query -W -f=\'${db:Status-Abbrev}\\t${Package}\\t${Version}\\t${Architecture}\\t${Section}\\n\' | sed -n \'s/^ii \\t//p\'; }',
	rpm: 'command -v rpm >/dev/null 2>&1 && { echo "@@pb-packages rpm"; rpm -qa --qf \'%{NAME}\\t%{VERSION}\\t%{RELEASE}\\t%{EPOCH}\\t%{ARCH}\\n\'; }',
};

type PackageDetails = Record<string, string | number | null>;

function details(manager: Manager, line: string): PackageDetails {
	const fields = line.split('\t');
	if (manager === 'apt') {
		const [name = '', version = '', arch = '', category = ''] = fields;
		// origin: the archive's name for the installed version; dpkg alone does not know it.
		return {name, version, arch, category, origin: '', source: 'apt'};
	}

	const [name = '', version = '', release = '', epoch = '', arch = ''] = fields;
	return {name, version, release, epoch: epoch === '(none)' ? null : Number(epoch), arch, source: 'rpm'};
}

/** The listings' lines by manager, in the order asked: Ansible's `first` keeps the first manager found. */
export function parsePackages(stdout: string, strategy: 'first' | 'all'): {found: Manager[]; packages: Record<string, PackageDetails[]>} {
	const packages: Record<string, PackageDetails[]> = {};
	const found: Manager[] = [];
	let current: Manager | undefined;
	for (const line of stdout.split('\n')) {
		const heading = /^@@pb-packages (\w+)$/.exec(line)?.[1] as Manager | undefined;
		if (heading !== undefined) {
			current = strategy === 'first' && found.length > 0 ? undefined : heading;
			if (current !== undefined) {
				found.push(current);
			}
		} else if (current !== undefined && line !== '') {
			const package_ = details(current, line);
			(packages[String(package_['name'])] ??= []).push(package_);
		}
	}

	return {found, packages};
}

export default defineModule({
	name: 'package_facts',
	summary: 'Sets ansible_facts.packages: the installed packages, name -> list of {name, version, arch, ..., source}, from dpkg or rpm',
	params: {
		manager: {type: 'list', elements: 'str', default: ['auto'], description: 'Which package databases: apt, rpm, or auto (the first found of those)'},
		strategy: {type: 'str', choices: ['first', 'all'], default: 'first', description: 'first: the first manager found only; all: every one found'},
	},
	example: `- package_facts:
- debug:
    msg: "socat {{ ansible_facts.packages['socat'][0].version }}"
  when: "'socat' in ansible_facts.packages"`,
	validate(params) {
		const unknown = params.manager.find(manager => manager !== 'auto' && !(managers as readonly string[]).includes(manager));
		return unknown === undefined ? undefined : `manager ${JSON.stringify(unknown)}: pb reads the packages of ${managers.join(', ')} (or auto)`;
	},
	async read(ctx, params) {
		const wanted = params.manager.includes('auto') ? managers : managers.filter(manager => params.manager.includes(manager));
		const result = await ctx.run(['export LC_ALL=C', ...wanted.map(manager => listings[manager]), 'true'].join('\n'));
		return result.stdout;
	},
	plan(stdout: string, params) {
		const {found, packages} = parsePackages(stdout, params.strategy);
		if (found.length === 0) {
			return {changed: false, msg: '', steps: undefined, failed: `Could not detect a supported package manager from the following list: ${params.manager.join(', ')}, or the required Python library is not installed. Check warnings for details.`};
		}

		const facts = {packages};
		return {changed: false, msg: `${Object.keys(packages).length} packages (${found.join(', ')})`, steps: undefined, result: {ansible_facts: facts}, effects: {facts}};
	},
	async apply() {
		return {};
	},
});
