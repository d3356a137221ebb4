import group from '../../../modules/group.js';
import user from '../../../modules/user/index.js';
import {parseGroups, parsePasswd} from '../../../modules/accounts/database.js';
import type {AccountsState} from '../../../modules/accounts/read.js';
import type {PlanCase} from './states.js';

const hash = '$6$rounds=656000$TT4O7jz2M57npccl$33LF6FcUMSW11qrESXL1HX0BS.bsiT6aenFLLiVpsQh6hDtI9pJh5iY7x8J7ePkN4fP8hmElidHXaeD51pbGS.';

/** A Debian 12 host's accounts (a few of them), Debian's login.defs and useradd defaults, and `alice`. */
function host(paths: Record<string, 'directory' | 'other' | 'absent'> = {}, extra: {passwd?: string; group?: string} = {}): AccountsState {
	return {
		accounts: {
			passwd: parsePasswd(`root:x:0:0:root:/root:/bin/bash\nsystemd-network:x:998:998:systemd Network Management:/:/usr/sbin/nologin\nalice:x:1000:1000:Alice:/home/alice:/bin/bash\n${extra.passwd ?? ''}`),
			groups: parseGroups(`root:x:0:\nadm:x:4:\nstaff:x:50:\nusers:x:100:alice\nsystemd-network:x:998:\nalice:x:1000:\ndocker:x:997:bob\n${extra.group ?? ''}`),
			shadow: {alice: {hash: `!${hash}`, expire: undefined}},
		},
		loginDefs: {UID_MIN: '1000', UID_MAX: '60000', GID_MIN: '1000', GID_MAX: '60000', USERGROUPS_ENAB: 'yes', UMASK: '022'},
		useraddDefaults: {GROUP: '100', HOME: '/home', SHELL: '/bin/sh', SKEL: '/etc/skel'},
		paths: {'/home/alice': 'directory', ...paths},
		tools: new Set(),
		searchPath: '/usr/bin:/bin:/usr/sbin:/sbin',
	};
}

export const userCases: PlanCase[] = [
	{
		title: 'a new user: useradd as Ansible runs it, the next uid, a group of its own with the same id, the lines in the diff',
		module: user, state: host(), params: {name: 'bob', groups: ['docker', 'adm'], shell: '/bin/bash'},
		plan: {
			changed: true, msg: 'user bob created',
			steps: {command: ['useradd', '-G', 'docker,adm', '-s', '/bin/bash', '-m', 'bob']},
			diff: [{
				header: 'user bob',
				before: '/etc/passwd: no bob\n/etc/group: adm:x:4:\nhome directory: absent\n',
				after: '/etc/passwd: bob:x:1001:1001::/home/bob:/bin/bash\n/etc/group: adm:x:4:bob\n/etc/group: bob:x:1001:\nhome directory: /home/bob\n',
			}],
			result: {name: 'bob', state: 'present', system: false, create_home: true, uid: 1001, group: 1001, home: '/home/bob', shell: '/bin/bash', comment: '', groups: 'docker,adm'},
			predicts: [{path: '/home/bob', type: 'directory', mode: 0o755, owner: 'bob', group: 'bob'}],
		},
	},
	{
		title: 'a system user counts down from SYS_UID_MAX, below the lowest system uid in use',
		module: user, state: host(), params: {name: 'svc', system: true, create_home: false},
		plan: {
			steps: {command: ['useradd', '-M', '-r', 'svc']},
			result: {uid: 997, group: 996},
		},
	},
	{
		title: 'a user named as an existing group gets -N and useradd\'s default group',
		module: user, state: host(), params: {name: 'staff', create_home: false},
		plan: {steps: {command: ['useradd', '-N', '-M', 'staff']}, result: {uid: 1001, group: 100}},
	},
	{
		title: 'a group that does not exist fails in Ansible\'s words',
		module: user, state: host(), params: {name: 'bob', groups: ['nosuch']},
		plan: {changed: false, failed: 'Group nosuch does not exist'},
	},
	{
		title: 'an existing user as wanted: unchanged, its groups as given',
		module: user, state: host(), params: {name: 'alice', shell: '/bin/bash', groups: ['users']},
		plan: {changed: false, msg: 'user alice is as wanted', result: {name: 'alice', state: 'present', append: false, move_home: false, uid: 1000, group: 1000, groups: 'users'}},
	},
	{
		title: 'appending adds the missing group only; replacing drops the others',
		module: user, state: host(), params: {name: 'alice', groups: ['docker'], append: true},
		plan: {steps: {command: ['usermod', '-a', '-G', 'docker', 'alice']}, diff: [{before: '/etc/passwd: alice:x:1000:1000:Alice:/home/alice:/bin/bash\n/etc/group: docker:x:997:bob\n', after: '/etc/passwd: alice:x:1000:1000:Alice:/home/alice:/bin/bash\n/etc/group: docker:x:997:bob,alice\n'}]},
	},
	{
		title: 'groups: [] empties them',
		module: user, state: host(), params: {name: 'alice', groups: []},
		plan: {steps: {command: ['usermod', '-G', '', 'alice']}, diff: [{after: '/etc/passwd: alice:x:1000:1000:Alice:/home/alice:/bin/bash\n/etc/group: users:x:100:\n'}]},
	},
	{
		title: 'a new hash: usermod -p, the diff says so without it, the result hides it',
		module: user, state: host(), params: {name: 'alice', password: hash.replace('TT4O', 'UU4O')},
		plan: {
			steps: {command: ['usermod', '-p', hash.replace('TT4O', 'UU4O'), 'alice']},
			diff: [{header: 'user alice', before: '/etc/passwd: alice:x:1000:1000:Alice:/home/alice:/bin/bash\npassword: (not shown), locked\n', after: '/etc/passwd: alice:x:1000:1000:Alice:/home/alice:/bin/bash\npassword: (not shown), changed\n'}],
			result: {password: 'NOT_LOGGING_PASSWORD'},
		},
	},
	{
		title: 'the same hash, locked or not, is no change; nor is any with update_password: on_create',
		module: user, state: host(), params: {name: 'alice', password: hash},
		plan: {changed: false},
	},
	{
		title: 'an expiry date in seconds: usermod -e with the day',
		module: user, state: host(), params: {name: 'alice', expires: 2_529_881_062},
		plan: {steps: {command: ['usermod', '-e', '2050-03-03', 'alice']}, diff: [{after: '/etc/passwd: alice:x:1000:1000:Alice:/home/alice:/bin/bash\nexpires: 2050-03-03\n'}]},
	},
	{
		title: 'a home changed without move_home is made afterwards, as Ansible does when a home is missing',
		module: user, state: host({'/home/alice2': 'absent', '/home': 'directory'}), params: {name: 'alice', home: '/home/alice2'},
		plan: {
			steps: {command: ['usermod', '-d', '/home/alice2', 'alice'], homeAfter: {path: '/home/alice2', skeleton: '/etc/skel', mode: 0o755}, owner: '1000:1000'},
			predicts: [{path: '/home/alice2', type: 'directory', mode: 0o755, owner: 'alice', group: 'alice'}],
		},
	},
	{
		title: 'a new home whose parent is missing is made before useradd, which cannot',
		module: user, state: host({'/srv/deep/bob': 'absent', '/srv/deep': 'absent'}), params: {name: 'bob', home: '/srv/deep/bob'},
		plan: {steps: {command: ['useradd', '-d', '/srv/deep/bob', '-m', 'bob'], homeBefore: {path: '/srv/deep/bob', skeleton: '/etc/skel', mode: 0o755}, owner: '1001:1001'}},
	},
	{
		title: 'removed with its home: userdel -r, the user out of its groups, its own group gone',
		module: user, state: host(), params: {name: 'alice', state: 'absent', remove: true},
		plan: {
			changed: true, steps: {command: ['userdel', '-r', 'alice']},
			diff: [{before: '/etc/passwd: alice:x:1000:1000:Alice:/home/alice:/bin/bash\n/etc/group: users:x:100:alice\n/etc/group: alice:x:1000:\nhome directory: /home/alice\n', after: '/etc/passwd: no alice\n/etc/group: users:x:100:\nhome directory: absent\n'}],
			result: {name: 'alice', state: 'absent', force: false, remove: true},
			predicts: [{path: '/home/alice', type: 'absent'}],
		},
	},
	{
		title: 'a user that is not there stays absent',
		module: user, state: host(), params: {name: 'nobody2', state: 'absent'},
		plan: {changed: false, msg: 'user nobody2 is absent', result: {name: 'nobody2', state: 'absent'}},
	},
	{
		title: 'group: a new group gets the next gid above the highest in use',
		module: group, state: host(), params: {name: 'dev'},
		plan: {
			changed: true, steps: {command: ['groupadd', 'dev']}, result: {name: 'dev', state: 'present', system: false, gid: 1001},
			diff: [{header: 'group dev', before: '/etc/group: no dev\n', after: '/etc/group: dev:x:1001:\n'}],
		},
	},
	{
		title: 'group: a system group counts down below the lowest system gid',
		module: group, state: host(), params: {name: 'sys', system: true},
		plan: {steps: {command: ['groupadd', '-r', 'sys']}, result: {gid: 996}},
	},
	{
		title: 'group: a gid changed, with non_unique',
		module: group, state: host(), params: {name: 'docker', gid: 4, non_unique: true},
		plan: {steps: {command: ['groupmod', '-g', '4', '-o', 'docker']}, diff: [{before: '/etc/group: docker:x:997:bob\n', after: '/etc/group: docker:x:4:bob\n'}]},
	},
	{
		title: 'group: a gid another group has fails as groupadd does',
		module: group, state: host(), params: {name: 'dev', gid: 997},
		plan: {changed: false, failed: 'groupadd: GID \'997\' already exists'},
	},
	{
		title: 'group: a user\'s primary group cannot be removed',
		module: group, state: host(), params: {name: 'alice', state: 'absent'},
		plan: {changed: false, failed: 'groupdel: cannot remove the primary group of user \'alice\''},
	},
	{
		title: 'group: a gid another group has is no matter when the group has it already',
		module: group, state: host({}, {group: 'twin:x:997:\n'}), params: {name: 'docker', gid: 997},
		plan: {changed: false, msg: 'group docker exists with gid 997'},
	},
	{
		title: 'group: local needs libuser\'s commands, as Ansible does, even when nothing changes',
		module: group, state: host(), params: {name: 'docker', local: true},
		plan: {changed: false, failed: 'Failed to find required executable "lgroupmod" in paths: /usr/bin:/bin:/usr/sbin:/sbin'},
	},
	{
		title: 'group: removed',
		module: group, state: host(), params: {name: 'docker', state: 'absent'},
		plan: {changed: true, steps: {command: ['groupdel', 'docker']}, result: {name: 'docker', state: 'absent'}},
	},
];
