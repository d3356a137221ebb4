import authorizedKey from '../../../modules/authorized_key/index.js';
import {absent, directory, file, type PlanCase} from './states.js';

const module = authorizedKey;
const alice = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIMs2l3s9zs2M0+S4ZLiDO9CRzgxNH5jAVTyKMODBDlx alice@laptop';
const bob = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINLo4JlbUeXJ+xK4GOAbRia8wj6unu2UciftaUpWf5un bob@desk';
const keyfile = '/home/deploy/.ssh/authorized_keys';
const owner = {name: 'deploy', uid: 1001, gid: 1001, group: 'deploy', home: '/home/deploy'};

function state(content: string | undefined, sshDirectory = true) {
	return {
		owner, keyfile, target: keyfile,
		directory: sshDirectory ? directory('/home/deploy/.ssh', {mode: 0o700}) : absent('/home/deploy/.ssh'),
		file: content === undefined ? absent(keyfile, sshDirectory) : file(keyfile, content, {mode: 0o600}),
	};
}

export const authorizedKeyCases: PlanCase[] = [
	{
		title: 'a first key: ~/.ssh made 0700, the file 0600, both the user\'s',
		module, state: state(undefined, false), params: {user: 'deploy', key: alice},
		plan: {
			changed: true, msg: `${keyfile}: keys added`,
			diff: [{header: keyfile, before: '', after: `${alice}\n`}],
			steps: {directory: {path: '/home/deploy/.ssh', manage: true}, file: {path: keyfile, content: `${alice}\n`}, owner: {uid: 1001, gid: 1001}},
			predicts: [{path: '/home/deploy/.ssh', type: 'directory', mode: 0o700, owner: 'deploy', group: 'deploy'}, {path: keyfile, type: 'file', mode: 0o600, owner: 'deploy', group: 'deploy'}],
			result: {user: 'deploy', keyfile, path: null, exclusive: false, manage_dir: true, state: 'present'},
		},
	},
	{
		title: 'a key that is there: unchanged',
		module, state: state(`${bob}\n${alice}\n`), params: {user: 'deploy', key: alice},
		plan: {changed: false, msg: `${keyfile}: the key is there`},
	},
	{
		title: 'new options: the key is replaced and goes last, the others written as Ansible writes them',
		module, state: state(`${alice}\n# team\n${bob}\n`), params: {user: 'deploy', key: alice, key_options: 'no-pty,from="10.0.0.1,10.0.0.2"'},
		plan: {steps: {file: {path: keyfile, content: `# team\n${bob}\nno-pty,from="10.0.0.1,10.0.0.2" ${alice}\n`}}},
	},
	{
		title: 'absent removes the key, keeps comments',
		module, state: state(`# team\n${alice}\n${bob}\n`), params: {user: 'deploy', key: alice, state: 'absent'},
		plan: {changed: true, msg: `${keyfile}: keys removed`, steps: {file: {path: keyfile, content: `# team\n${bob}\n`}}},
	},
	{
		title: 'exclusive drops every other line, comments too',
		module, state: state(`# team\n${alice}\n${bob}\n`), params: {user: 'deploy', key: bob, exclusive: true},
		plan: {steps: {file: {path: keyfile, content: `${bob}\n`}}},
	},
	{
		title: 'a user that does not exist fails as Ansible does',
		module, state: {...state(undefined), owner: undefined}, params: {user: 'nosuch', key: alice},
		plan: {changed: false, failed: 'Failed to lookup user nosuch: \'getpwnam(): name not found: nosuch\''},
	},
	{
		title: 'a line that is no key fails, naming it',
		module, state: state(undefined), params: {user: 'deploy', key: 'ssh-nonsense AAAA'},
		plan: {changed: false, failed: 'invalid key specified: ssh-nonsense AAAA'},
	},
];
