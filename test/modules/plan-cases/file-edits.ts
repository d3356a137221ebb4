import blockinfile from '../../../modules/blockinfile.js';
import cron from '../../../modules/cron/index.js';
import lineinfile from '../../../modules/lineinfile.js';
import replace from '../../../modules/replace.js';
import {absent, directory, file, link, type PlanCase} from './states.js';

const conf = '/etc/app.conf';

export const fileEditCases: PlanCase[] = [
	{
		title: 'a line added: Ansible\'s message, the whole file as the diff, the new content predicted for later tasks',
		module: lineinfile, state: file(conf, 'a=1\n'), params: {path: conf, line: 'b=2'},
		plan: {
			changed: true, msg: 'line added', result: {backup: ''},
			diff: [{header: conf, before: 'a=1\n', after: 'a=1\nb=2\n'}],
			steps: {path: conf, content: Buffer.from('a=1\nb=2\n')},
			predicts: [{path: conf, type: 'file', content: Buffer.from('a=1\nb=2\n')}],
		},
	},
	{
		title: 'the line there already: unchanged, no message',
		module: lineinfile, state: file(conf, 'a=1\n'), params: {path: conf, line: 'a=1'},
		plan: {changed: false, msg: '', steps: {attributes: {}}},
	},
	{
		title: 'only the mode differs: Ansible\'s words for it, the attributes alone set',
		module: lineinfile, state: file(conf, 'a=1\n'), params: {path: conf, line: 'a=1', mode: '0600'},
		plan: {changed: true, msg: 'ownership, perms or SE linux context changed', steps: {path: conf, attributes: {mode: 0o600}}},
	},
	{
		title: 'a line and the mode: both messages',
		module: lineinfile, state: file(conf, 'a=1\n'), params: {path: conf, line: 'b=2', mode: '0600'},
		plan: {changed: true, msg: 'line added and ownership, perms or SE linux context changed'},
	},
	{
		title: 'a file an earlier task would write, predicted with its content and no sum: the same line is unchanged',
		module: lineinfile, state: {...file(conf, 'a=1\n'), sha256: undefined}, params: {path: conf, line: 'a=1'},
		plan: {changed: false, msg: ''},
	},
	{
		title: 'a missing file without create fails',
		module: lineinfile, state: absent(conf), params: {path: conf, line: 'a=1'},
		plan: {changed: false, failed: `Destination ${conf} does not exist ! Set create: true to create it`},
	},
	{
		title: 'create in a missing directory: the directory made first, and predicted too',
		module: lineinfile, state: absent('/etc/new/app.conf', false), params: {path: '/etc/new/app.conf', line: 'a=1', create: true},
		plan: {
			changed: true, msg: 'line added',
			steps: {path: '/etc/new/app.conf', makeDirectory: '/etc/new', content: Buffer.from('a=1\n')},
			predicts: [{path: '/etc/new', type: 'directory'}, {path: '/etc/new/app.conf', type: 'file'}],
		},
	},
	{
		title: 'absent from a missing file: not present, nothing found',
		module: lineinfile, state: absent(conf), params: {path: conf, regexp: '^a', state: 'absent'},
		plan: {changed: false, msg: 'file not present', result: {found: 0}},
	},
	{
		title: 'a directory fails in Ansible\'s words',
		module: lineinfile, state: directory('/etc'), params: {path: '/etc', line: 'x'},
		plan: {changed: false, failed: 'Path /etc is a directory ! Name a file in it instead'},
	},
	{
		title: 'a link is edited through: the file it points to is written',
		module: lineinfile, state: {...file('/etc/app.link', 'a\n'), linkTarget: 'real/app.conf'}, params: {path: '/etc/app.link', line: 'b'},
		plan: {changed: true, steps: {path: '/etc/real/app.conf'}},
	},
	{
		title: 'blockinfile in a new file: File created',
		module: blockinfile, state: absent(conf), params: {path: conf, block: 'x', create: true},
		plan: {changed: true, msg: 'File created', steps: {content: Buffer.from('# BEGIN ANSIBLE MANAGED BLOCK\nx\n# END ANSIBLE MANAGED BLOCK\n')}},
	},
	{
		title: 'blockinfile state absent: Block removed',
		module: blockinfile, state: file(conf, 'a\n# BEGIN ANSIBLE MANAGED BLOCK\nx\n# END ANSIBLE MANAGED BLOCK\n'), params: {path: conf, state: 'absent'},
		plan: {changed: true, msg: 'Block removed', steps: {content: Buffer.from('a\n')}},
	},
	{
		title: 'blockinfile: a missing file fails without create, even for absent',
		module: blockinfile, state: absent(conf), params: {path: conf, state: 'absent'},
		plan: {changed: false, failed: `Path ${conf} does not exist ! Set create: true to create it`},
	},
	{
		title: 'replace: the count in the message, rc 0',
		module: replace, state: file(conf, 'a a\n'), params: {path: conf, regexp: 'a', replace: 'b'},
		plan: {changed: true, msg: '2 replacements made', result: {rc: 0}, steps: {content: Buffer.from('b b\n')}},
	},
	{
		title: 'replace: a section not found is unchanged, with the pattern',
		module: replace, state: file(conf, 'a\n'), params: {path: conf, regexp: 'a', after: 'zzz'},
		plan: {changed: false, msg: 'Pattern for before/after params did not match the given file: zzz(?P<subsection>.*)'},
	},
	{
		title: 'replace: a latin-1 file stays latin-1',
		module: replace, state: file(conf, '', {content: Buffer.from('un caf\xe9 cr\xe8me\n', 'latin1')}), params: {path: conf, regexp: 'caf.', replace: 'tea', encoding: 'latin-1'},
		plan: {changed: true, msg: '1 replacements made', steps: {content: Buffer.from('un tea cr\xe8me\n', 'latin1')}},
	},
	{
		title: 'replace: a missing file fails',
		module: replace, state: absent(conf), params: {path: conf, regexp: 'a'},
		plan: {changed: false, failed: `Path ${conf} does not exist ! Create it first, or check the path`},
	},
	{
		title: 'replace: a link to a directory is a directory',
		module: replace, state: link('/etc/l', '/etc'), params: {path: '/etc/l', regexp: 'a'},
		plan: {changed: false, failed: 'Path /etc/l is a link, not a file'},
	},
	{
		title: 'cron: a job in a new cron file, made 0644 and predicted',
		module: cron, state: {kind: 'file', file: absent('/etc/cron.d/backup')},
		params: {name: 'backup', minute: '0', hour: '2', user: 'root', job: '/bin/backup', cron_file: 'backup'},
		plan: {
			changed: true, result: {jobs: ['backup'], envs: [], cron_file: 'backup'},
			diff: [{header: '/etc/cron.d/backup', before: '', after: '#Ansible: backup\n0 2 * * * root /bin/backup\n'}],
			steps: {write: {text: '#Ansible: backup\n0 2 * * * root /bin/backup\n', file: {path: '/etc/cron.d/backup', isNew: true}}},
			predicts: [{path: '/etc/cron.d/backup', type: 'file', mode: 0o644}],
		},
	},
	{
		title: 'cron: the last job of a cron file removed removes the file',
		module: cron, state: {kind: 'file', file: file('/etc/cron.d/backup', '#Ansible: backup\n0 2 * * * root /bin/backup\n')},
		params: {name: 'backup', state: 'absent', cron_file: 'backup'},
		plan: {changed: true, result: {cron_file: 'backup', state: 'absent'}, steps: {removeFile: '/etc/cron.d/backup'}, predicts: [{path: '/etc/cron.d/backup', type: 'absent'}]},
	},
	{
		title: 'cron: a user crontab as wanted, but without a final newline: rewritten',
		module: cron, state: {kind: 'user', listed: '#Ansible: j\n1 * * * * x'}, params: {name: 'j', minute: '1', job: 'x'},
		plan: {changed: true, steps: {write: {text: '#Ansible: j\n1 * * * * x\n'}}, predictsStates: {'crontab:': '#Ansible: j\n1 * * * * x\n'}},
	},
	{
		title: 'cron: a user crontab on a host without crontab fails, saying what to do',
		module: cron, state: {kind: 'user', listed: undefined}, params: {name: 'j', job: 'x', user: 'app'},
		plan: {changed: false, failed: 'Failed to find required executable "crontab": install cron on the host, or give cron_file to write a file in /etc/cron.d instead'},
	},
];
