import template from '../../../modules/template.js';
import {absent, directory, file, source, type PlanCase} from './states.js';

const dest = '/etc/containerd/config.toml';
const module = template;

export const templateCases: PlanCase[] = [
	{
		title: 'a new file: the rendered text shown as added, predicted for later tasks',
		module, state: {dest: absent(dest), ...source('root = "/var/lib/containerd"\n')}, params: {src: 'config.toml.hbs', dest, mode: '0644'},
		plan: {
			changed: true, msg: `${dest}: new file, 29 bytes`,
			diff: [{header: dest, before: '', after: 'root = "/var/lib/containerd"\n'}, {header: `${dest} (attributes)`, before: '', after: 'mode: 0644\n'}],
			predicts: [{path: dest, type: 'file', mode: 0o644, sha256: source('root = "/var/lib/containerd"\n').sha256}],
		},
	},
	{
		title: 'the same rendered text and attributes: unchanged',
		module, state: {dest: file(dest, 'a = 1\n'), ...source('a = 1\n')}, params: {src: 'config.toml.hbs', dest, mode: '0644', owner: 'root'},
		plan: {changed: false, msg: `${dest} is up to date`, diff: undefined},
	},
	{
		title: 'other rendered text: a before/after diff, the whole file rewritten',
		module, state: {dest: file(dest, 'a = 1\n'), ...source('a = 2\n')}, params: {src: 'config.toml.hbs', dest},
		plan: {changed: true, msg: `${dest}: content changed`, diff: [{header: dest, before: 'a = 1\n', after: 'a = 2\n'}], steps: {path: dest, content: Buffer.from('a = 2\n')}},
	},
	{
		title: 'only the mode differs: set in place',
		module, state: {dest: file(dest, 'a = 1\n'), ...source('a = 1\n')}, params: {src: 'config.toml.hbs', dest, mode: '0600'},
		plan: {changed: true, msg: `${dest}: mode: 0600`, steps: {path: dest, content: undefined, attributes: {mode: 0o600}}},
	},
	{
		title: 'a directory at dest fails',
		module, state: {dest: directory(dest), ...source('a')}, params: {src: 'config.toml.hbs', dest},
		plan: {failed: `dest ${dest} is a directory; template only replaces files (and links)`},
	},
	{
		title: 'a missing directory fails with what to do',
		module, state: {dest: absent(dest, false), ...source('a')}, params: {src: 'config.toml.hbs', dest},
		plan: {failed: 'directory /etc/containerd does not exist on the host; create it first (file: state=directory)'},
	},
];
