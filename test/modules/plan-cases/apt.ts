import apt from '../../../modules/apt/index.js';
import type {PlanCase} from './states.js';

const module = apt;

/** What apt-get -s prints for `install socat=1.7.4.4-2 conntrack=1:1.4.7-1+b2` from the lab's flat repository (the summary above the Inst lines cut short). */
const installSimulation = `The following NEW packages will be installed:
  conntrack libnetfilter-conntrack3 libnfnetlink0 socat
0 upgraded, 4 newly installed, 0 to remove and 0 not upgraded.
Inst libnfnetlink0 (1.0.2-2 10.213.0.1 [amd64])
Inst libnetfilter-conntrack3 (1.0.9-3 10.213.0.1 [amd64])
Inst conntrack (1:1.4.7-1+b2 10.213.0.1 [amd64])
Inst socat (1.7.4.4-2 10.213.0.1 [amd64])
Conf libnfnetlink0 (1.0.2-2 10.213.0.1 [amd64])
Conf libnetfilter-conntrack3 (1.0.9-3 10.213.0.1 [amd64])
Conf conntrack (1:1.4.7-1+b2 10.213.0.1 [amd64])
Conf socat (1.7.4.4-2 10.213.0.1 [amd64])`;

function read(dryRuns: Array<{verb: string; specs: string[]; code: number; output: string}>, overrides: Record<string, unknown> = {}) {
	return {kind: 'read', updated: false, cacheTimeBefore: 1_700_000_000, cacheTime: 1_700_000_000, dryRuns, ...overrides};
}

export const aptCases: PlanCase[] = [
	{
		title: 'present: the simulation lists the packages and their dependencies, key by key; the named ones are marked as installed by hand',
		module,
		state: read([{verb: 'install', specs: ['socat=1.7.4.4-2', 'conntrack=1:1.4.7-1+b2'], code: 0, output: installSimulation}], {updated: true, cacheTime: 1_700_000_100}),
		params: {name: ['socat', 'conntrack'], update_cache: true},
		plan: {
			changed: true,
			msg: 'installed libnfnetlink0 1.0.2-2, libnetfilter-conntrack3 1.0.9-3, conntrack 1:1.4.7-1+b2, socat 1.7.4.4-2',
			diff: [{
				header: 'packages',
				before: 'conntrack: absent\nlibnetfilter-conntrack3: absent\nlibnfnetlink0: absent\nsocat: absent\n',
				after: 'conntrack: 1:1.4.7-1+b2\nlibnetfilter-conntrack3: 1.0.9-3\nlibnfnetlink0: 1.0.2-2\nsocat: 1.7.4.4-2\n',
			}],
			steps: {update: true, commands: [{verb: 'install', specs: ['socat=1.7.4.4-2', 'conntrack=1:1.4.7-1+b2']}], manual: ['socat', 'conntrack']},
			result: {cache_updated: true, cache_update_time: 1_700_000_100, stdout: installSimulation, stderr: ''},
		},
	},
	{
		title: 'present: nothing to install is unchanged, and the lists the read updated in private stay as the host has them',
		module, state: read([], {updated: true, cacheTime: 1_700_000_100}), params: {name: ['socat'], update_cache: true},
		plan: {changed: false, msg: 'socat: installed', steps: {update: true, commands: []}, result: {cache_updated: false, cache_update_time: 1_700_000_000}},
	},
	{
		title: 'latest: an upgrade shows the version it replaces; a downgrade is told apart',
		module,
		state: read([{verb: 'install', specs: ['curl=7.88.1-10+deb12u15', 'socat=1.7.4.3-1'], code: 0, output: 'Inst curl [7.88.1-10+deb12u5] (7.88.1-10+deb12u15 Debian:12.12/stable [amd64])\nInst socat [1.7.4.4-2] (1.7.4.3-1 lab [amd64])\n'}]),
		params: {name: ['curl', 'socat=1.7.4.3-1'], state: 'latest', allow_downgrade: true},
		plan: {
			changed: true,
			msg: 'upgraded curl 7.88.1-10+deb12u5 -> 7.88.1-10+deb12u15; downgraded socat 1.7.4.4-2 -> 1.7.4.3-1',
			diff: [{before: 'curl: 7.88.1-10+deb12u5\nsocat: 1.7.4.4-2\n', after: 'curl: 7.88.1-10+deb12u15\nsocat: 1.7.4.3-1\n'}],
		},
	},
	{
		title: 'absent with purge and autoremove: the package and the dependencies nothing needs, none marked by hand',
		module,
		state: read([{verb: 'remove', specs: ['conntrack'], code: 0, output: 'Purg conntrack [1:1.4.7-1+b2]\nPurg libnetfilter-conntrack3 [1.0.9-3]\nPurg libnfnetlink0 [1.0.2-2]\n'}]),
		params: {name: ['conntrack'], state: 'absent', purge: true, autoremove: true},
		plan: {
			changed: true,
			msg: 'purged conntrack 1:1.4.7-1+b2, libnetfilter-conntrack3 1.0.9-3, libnfnetlink0 1.0.2-2',
			diff: [{before: 'conntrack: 1:1.4.7-1+b2\nlibnetfilter-conntrack3: 1.0.9-3\nlibnfnetlink0: 1.0.2-2\n', after: 'conntrack: absent\nlibnetfilter-conntrack3: absent\nlibnfnetlink0: absent\n'}],
			steps: {commands: [{verb: 'remove', specs: ['conntrack']}], manual: []},
		},
	},
	{
		title: 'deb: its dependencies, installed by name as Ansible does, are marked by hand; the deb\'s own package is not',
		module,
		state: read([{verb: 'install', specs: ['/root/ipset_7.17-1_amd64.deb'], code: 0, output: 'Inst libipset13 (7.17-1 lab [amd64])\nInst ipset (7.17-1 local-deb [amd64])\n'}], {deb: {name: 'ipset', version: '7.17-1', installed: undefined}}),
		params: {deb: '/root/ipset_7.17-1_amd64.deb'},
		plan: {changed: true, msg: 'installed libipset13 7.17-1, ipset 7.17-1', steps: {manual: ['libipset13']}},
	},
	{
		title: 'deb: the same version installed is nothing to do',
		module, state: read([], {deb: {name: 'ipset', version: '7.17-1', installed: '7.17-1'}}), params: {deb: '/root/ipset_7.17-1_amd64.deb'},
		plan: {changed: false, msg: 'ipset 7.17-1: installed'},
	},
	{
		title: 'update_cache alone: the update is the change',
		module, state: read([], {updated: true, cacheTime: 1_700_000_100}), params: {update_cache: true},
		plan: {changed: true, msg: 'apt-get update', steps: {update: true, commands: []}, result: {cache_updated: true, cache_update_time: 1_700_000_100}},
	},
	{
		title: 'update_cache alone, the lists as they were (nothing new on the mirror): no change, as Ansible counts it',
		module, state: read([], {updated: true}), params: {update_cache: true},
		plan: {changed: false, steps: {update: true, commands: []}, result: {cache_updated: false, cache_update_time: 1_700_000_000}},
	},
	{
		title: 'a package apt cannot find fails in Ansible\'s words',
		module, state: read([{verb: 'install', specs: ['nosuch'], code: 100, output: 'Reading package lists...\nE: Unable to locate package nosuch'}]), params: {name: ['nosuch']},
		plan: {changed: false, failed: 'No package matching \'nosuch\' is available'},
	},
	{
		title: 'a failed update fails the task, saying what apt said',
		module, state: {kind: 'failed', message: 'Failed to update apt cache: E: Failed to fetch http://10.213.0.1/debian/./Packages 404'}, params: {name: ['socat'], update_cache: true},
		plan: {failed: 'Failed to update apt cache: E: Failed to fetch http://10.213.0.1/debian/./Packages 404'},
	},
	{
		title: 'not root: become is asked for',
		module, state: {kind: 'not-root', user: 'deploy'}, params: {name: ['socat']},
		plan: {failed: 'apt-get changes packages as root only, and this task runs as deploy: add become: true'},
	},
	{
		title: 'a host without apt-get says which manager it has',
		module, state: {kind: 'no-manager', found: 'dnf'}, params: {name: ['socat']},
		plan: {failed: 'apt works on hosts with apt-get; this host has dnf'},
	},
	{
		title: 'check mode without a private mount namespace cannot predict, and says why',
		module, state: {kind: 'no-sandbox', reason: 'unshare --mount is not available or not permitted here'}, params: {name: ['socat']},
		plan: {changed: false, unpredictable: '--check cannot ask apt-get for a simulation on this host without writing to it (it runs in a private mount namespace, and unshare --mount is not available or not permitted here); run without --check'},
	},
];
