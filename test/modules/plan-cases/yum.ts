import yum from '../../../modules/yum/index.js';
import type {PlanCase} from './states.js';

const module = yum;

/** What dnf 4 prints for `install --assumeno pb-world pb-hello` on a host with neither. */
const installTable = `Last metadata expiration check: 0:01:37 ago on Sat Nov 28 06:07:36 2026.
Dependencies resolved.
================================================================================
 Package             Architecture      Version             Repository      Size
================================================================================
Installing:
 pb-hello            noarch            1.1-1               lab            5.9 k
 pb-world            noarch            1.0-1               lab            6.0 k
Installing dependencies:
 pb-dep              noarch            2.0-1               lab            5.9 k

Transaction Summary
================================================================================
Install  3 Packages

Total size: 18 k
Installed size: 12
Operation aborted.`;

const upgradeTable = `Dependencies resolved.
================================================================================
 Package             Architecture      Version             Repository      Size
================================================================================
Upgrading:
 pb-hello            noarch            1.1-1               lab            5.9 k

Transaction Summary
================================================================================
Upgrade  1 Package

Operation aborted.`;

const removeTable = `Dependencies resolved.
================================================================================
 Package            Architecture      Version            Repository        Size
================================================================================
Removing:
 pb-world           noarch            1.0-1              @lab              4
Removing unused dependencies:
 pb-dep             noarch            2.0-1              @lab              4

Transaction Summary
================================================================================
Remove  2 Packages

Freed space: 8
Operation aborted.`;

/** The read's result on a dnf host: rpm's answers per spec, the dry runs, then (check mode) the file lists. */
function read(installed: Record<string, string[]>, dryRuns: Array<{verb: string; specs: string[]; code: number; output: string}> = [], versions: Record<string, string> = {}, files: {shipped?: string[]; removedFiles?: string[]} = {}) {
	return {kind: 'read', manager: 'dnf', installed: new Map(Object.entries(installed)), dryRuns, versions: new Map(Object.entries(versions)), shipped: [], removedFiles: [], ...files};
}

/** What repoquery lists for a package like iSulad's: a binary, a unit, a config file in its own directory, and an empty state directory (which the list cannot tell from a file). */
const daemonFiles = ['/etc/pb-daemon', '/etc/pb-daemon/daemon.json', '/usr/bin/pb-daemon', '/usr/lib/systemd/system/pb-daemon.service', '/var/lib/pb-daemon'];

export const yumCases: PlanCase[] = [
	{
		title: 'present: packages rpm finds installed need no dry run and no change',
		module, state: read({'pb-hello': ['pb-hello-1.1-1.noarch'], 'pb-world': ['pb-world-1.0-1.noarch']}), params: {name: ['pb-hello', 'pb-world']},
		plan: {changed: false, msg: 'pb-hello, pb-world: installed (pb-hello-1.1-1.noarch, pb-world-1.0-1.noarch)', diff: undefined, steps: {manager: 'dnf', commands: []}, result: {results: [], packages: []}},
	},
	{
		title: 'present: dnf\'s dry run lists the packages and their dependency, key by key',
		module, state: read({'pb-hello': [], 'pb-world': []}, [{verb: 'install', specs: ['pb-world', 'pb-hello'], code: 1, output: installTable}]), params: {name: ['pb-world', 'pb-hello']},
		plan: {
			changed: true,
			msg: 'installed pb-hello-1.1-1.noarch, pb-world-1.0-1.noarch, pb-dep-2.0-1.noarch',
			diff: [{header: 'packages', before: 'pb-dep.noarch: absent\npb-hello.noarch: absent\npb-world.noarch: absent\n', after: 'pb-dep.noarch: 2.0-1\npb-hello.noarch: 1.1-1\npb-world.noarch: 1.0-1\n'}],
			steps: {manager: 'dnf', commands: [{verb: 'install', specs: ['pb-world', 'pb-hello']}]},
			result: {manager: 'dnf', results: ['Installed: pb-hello-1.1-1.noarch', 'Installed: pb-world-1.0-1.noarch', 'Installed: pb-dep-2.0-1.noarch']},
		},
	},
	{
		title: 'check mode: the files the packages ship are predicted for later tasks, directories where something is below them',
		module,
		state: read({'pb-daemon': []}, [{verb: 'install', specs: ['pb-daemon'], code: 1, output: installTable.replace(/^ pb-(hello|world).*\n/gm, ' pb-daemon            noarch            1.0-1               lab            5.9 k\n')}], {}, {shipped: daemonFiles}),
		params: {name: ['pb-daemon']},
		plan: {
			changed: true,
			msg: 'installed pb-daemon-1.0-1.noarch, pb-dep-2.0-1.noarch',
			predicts: [
				...['/etc', '/etc/pb-daemon', '/usr/bin', '/usr', '/usr/lib/systemd/system', '/usr/lib/systemd', '/usr/lib', '/var/lib', '/var'].map(path => ({path, type: 'directory'})),
				...['/etc/pb-daemon/daemon.json', '/usr/bin/pb-daemon', '/usr/lib/systemd/system/pb-daemon.service', '/var/lib/pb-daemon'].map(path => ({path, type: 'file'})),
			],
		},
	},
	{
		title: 'latest: an install and an upgrade as one change, the old version read from rpm',
		module,
		state: read(
			{'pb-hello': ['pb-hello-1.0-1.noarch'], 'pb-world': []},
			[{verb: 'install', specs: ['pb-world'], code: 1, output: installTable.replace(/^ pb-hello.*\n/m, '')}, {verb: 'upgrade', specs: ['pb-hello'], code: 1, output: upgradeTable}],
			{'pb-hello.noarch': '1.0-1'},
		),
		params: {name: ['pb-hello', 'pb-world'], state: 'latest'},
		plan: {
			changed: true,
			msg: 'installed pb-world-1.0-1.noarch, pb-dep-2.0-1.noarch; upgraded pb-hello-1.1-1.noarch',
			diff: [{before: 'pb-dep.noarch: absent\npb-hello.noarch: 1.0-1\npb-world.noarch: absent\n', after: 'pb-dep.noarch: 2.0-1\npb-hello.noarch: 1.1-1\npb-world.noarch: 1.0-1\n'}],
			steps: {commands: [{verb: 'install', specs: ['pb-world']}, {verb: 'upgrade', specs: ['pb-hello']}]},
		},
	},
	{
		title: 'latest: nothing to upgrade (dnf exits 0) is unchanged',
		module, state: read({'pb-hello': ['pb-hello-1.1-1.noarch']}, [{verb: 'upgrade', specs: ['pb-hello'], code: 0, output: 'Dependencies resolved.\nNothing to do.\nComplete!'}]), params: {name: ['pb-hello'], state: 'latest'},
		plan: {changed: false, msg: 'pb-hello: installed, at the latest version the repositories offer (pb-hello-1.1-1.noarch)', steps: {commands: []}},
	},
	{
		title: 'absent: the package and the dependency nothing else needs',
		module, state: read({'pb-world': ['pb-world-1.0-1.noarch']}, [{verb: 'remove', specs: ['pb-world'], code: 1, output: removeTable}]), params: {name: ['pb-world'], state: 'removed'},
		plan: {
			changed: true, msg: 'removed pb-world-1.0-1.noarch, pb-dep-2.0-1.noarch',
			diff: [{header: 'packages', before: 'pb-dep.noarch: 2.0-1\npb-world.noarch: 1.0-1\n', after: 'pb-dep.noarch: absent\npb-world.noarch: absent\n'}],
			result: {results: ['Removed: pb-world-1.0-1.noarch', 'Removed: pb-dep-2.0-1.noarch']},
		},
	},
	{
		title: 'check mode: the files of removed packages are predicted absent, a file another package ships is not',
		module,
		state: read({'pb-world': ['pb-world-1.0-1.noarch']}, [{verb: 'remove', specs: ['pb-world'], code: 1, output: removeTable}], {}, {removedFiles: ['/usr/share/pb-world/version', '/etc/pb.conf'], shipped: ['/etc/pb.conf']}),
		params: {name: ['pb-world'], state: 'absent'},
		plan: {changed: true, predicts: [{path: '/usr/share/pb-world/version', type: 'absent'}, {path: '/etc/pb.conf', type: 'file'}]},
	},
	{
		title: 'absent: a package rpm does not find is left alone',
		module, state: read({'pb-world': []}), params: {name: ['pb-world'], state: 'absent'},
		plan: {changed: false, msg: 'pb-world: not installed'},
	},
	{
		title: 'a package no repository has fails with dnf\'s own words',
		module,
		state: read({'pb-nosuch': []}, [{verb: 'install', specs: ['pb-nosuch'], code: 1, output: 'Unable to detect release version (use \'--releasever\' to specify release version)\nLast metadata expiration check: 0:03:25 ago.\nNo match for argument: pb-nosuch\nError: Unable to find a match: pb-nosuch'}]),
		params: {name: ['pb-nosuch']},
		plan: {changed: false, failed: 'dnf install pb-nosuch: No match for argument: pb-nosuch; Error: Unable to find a match: pb-nosuch'},
	},
	{
		title: 'a host of another family is named in the error',
		module, state: {kind: 'no-manager', found: 'apt'}, params: {name: ['pb-hello']},
		plan: {failed: 'yum works on hosts with dnf or yum; this host has apt'},
	},
	{
		title: 'without root, dnf cannot act: become is asked for',
		module, state: {kind: 'not-root', manager: 'dnf', user: 'deploy'}, params: {name: ['pb-hello']},
		plan: {failed: 'dnf changes packages as root only, and this task runs as deploy: add become: true'},
	},
	{
		title: 'check mode without a private mount namespace cannot predict, and says why',
		module, state: {kind: 'no-sandbox', manager: 'dnf', reason: 'unshare --mount is not available or not permitted here'}, params: {name: ['pb-hello']},
		plan: {changed: false, unpredictable: '--check cannot ask dnf for a dry run on this host without writing to it (the dry run runs in a private mount namespace, and unshare --mount is not available or not permitted here); run without --check to install'},
	},
];
