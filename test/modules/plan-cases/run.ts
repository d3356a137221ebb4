import command from '../../../modules/command.js';
import shell from '../../../modules/shell.js';
import stat from '../../../modules/stat.js';
import {absent, file, link, type PlanCase} from './states.js';

const unpredictable = 'Command would have run if not in check mode';

export const runCases: PlanCase[] = [
	{
		title: 'command: runs (changed), check mode cannot predict it',
		module: command, state: {}, params: {cmd: 'echo "a b" $HOME'},
		plan: {changed: true, unpredictable, steps: {line: 'exec echo \'a b\' \'$HOME\'', ownWords: true}, result: {cmd: ['echo', 'a b', '$HOME']}},
	},
	{
		title: 'command: argv words are quoted, never expanded',
		module: command, state: {}, params: {argv: ['printf', '%s', 'it\'s', '*']},
		plan: {steps: {line: 'exec printf %s \'it\'\\\'\'s\' \'*\'', ownWords: true}},
	},
	{
		title: 'command: chdir runs it in that directory',
		module: command, state: {}, params: {cmd: 'make install', chdir: '/opt/src dir'},
		plan: {steps: {line: 'cd -- \'/opt/src dir\' || exit 1\nexec make install', ownWords: true}},
	},
	{
		title: 'command: creates exists, so it is skipped with Ansible\'s message',
		module: command, state: {createsExists: true}, params: {cmd: 'kubeadm init', creates: '/etc/kubernetes/admin.conf'},
		plan: {
			changed: false, unpredictable: undefined, msg: 'skipped, since /etc/kubernetes/admin.conf exists',
			result: {cmd: ['kubeadm', 'init'], rc: 0, stdout: 'skipped, since /etc/kubernetes/admin.conf exists'},
		},
	},
	{
		title: 'command: creates missing, so it runs',
		module: command, state: {createsExists: false}, params: {cmd: 'kubeadm init', creates: '/etc/kubernetes/admin.conf'},
		plan: {changed: true, unpredictable},
	},
	{
		title: 'command: removes missing, so it is skipped',
		module: command, state: {removesExists: false}, params: {cmd: 'rm /tmp/x', removes: '/tmp/x'},
		plan: {changed: false, msg: 'skipped, since /tmp/x does not exist'},
	},
	{
		title: 'shell: the line is the script the connection gives to /bin/sh -c, whole, not to a subshell of the kept shell',
		module: shell, state: {}, params: {cmd: 'echo $HOME | wc -c'},
		plan: {changed: true, unpredictable, steps: {line: 'echo $HOME | wc -c', ownWords: false}, result: {cmd: 'echo $HOME | wc -c'}},
	},
	{
		title: 'shell: executable picks the shell, started from a subshell of the kept shell',
		module: shell, state: {}, params: {cmd: 'set -o pipefail; false | true', executable: '/bin/bash'},
		plan: {steps: {line: 'exec /bin/bash -c \'set -o pipefail; false | true\'', ownWords: true}},
	},
	{
		title: 'stat: a missing path',
		module: stat, state: absent('/nope'), params: {path: '/nope'},
		plan: {changed: false, msg: '/nope does not exist', result: {stat: {exists: false, path: '/nope'}}},
	},
	{
		title: 'stat: a file, with Ansible\'s field names',
		module: stat, state: file('/etc/hosts', 'x', {mode: 0o640, owner: 'root', group: 'adm', gid: 4}), params: {path: '/etc/hosts'},
		plan: {
			changed: false,
			result: {stat: {
				exists: true, path: '/etc/hosts', isdir: false, isreg: true, islnk: false, mode: '0640', uid: 0, gid: 4,
				pw_name: 'root', gr_name: 'adm', size: 1, mtime: 1_700_000_000,
				checksum: '2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881',
			}},
		},
	},
	{
		title: 'stat: a link names its target',
		module: stat, state: link('/etc/localtime', '/usr/share/zoneinfo/UTC'), params: {path: '/etc/localtime'},
		plan: {result: {stat: {islnk: true, isreg: false, lnk_target: '/usr/share/zoneinfo/UTC', mode: '0777'}}},
	},
];
