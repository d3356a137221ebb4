import copy from '../../../modules/copy.js';
import {absent, directory, file, link, source, type PlanCase} from './states.js';

const dest = '/etc/app.conf';

export const copyCases: PlanCase[] = [
	{
		title: 'a new file is written, its content shown as added',
		module: copy, state: {dest: absent(dest), source: source('hello\n')}, params: {content: 'hello\n', dest},
		plan: {changed: true, msg: '/etc/app.conf: new file, 6 bytes', diff: [{header: dest, before: '', after: 'hello\n'}], steps: {path: dest, content: Buffer.from('hello\n')}},
	},
	{
		title: 'a new file with a mode shows the mode as added',
		module: copy, state: {dest: absent(dest), source: source('x')}, params: {content: 'x', dest, mode: '0600'},
		plan: {changed: true, diff: [{header: dest, before: '', after: 'x'}, {header: `${dest} (attributes)`, before: '', after: 'mode: 0600\n'}], steps: {attributes: {mode: 0o600}}},
	},
	{
		title: 'the same content and attributes are left alone',
		module: copy, state: {dest: file(dest, 'hello\n'), source: source('hello\n')}, params: {content: 'hello\n', dest, mode: '0644', owner: 'root'},
		plan: {changed: false, msg: '/etc/app.conf is up to date', diff: undefined},
	},
	{
		title: 'a mode given as YAML 1.1 reads 0644 (the int 420) matches 0644',
		module: copy, state: {dest: file(dest, 'a'), source: source('a')}, params: {content: 'a', dest, mode: 420},
		plan: {changed: false},
	},
	{
		title: 'an owner given as a uid matches the owner\'s name',
		module: copy, state: {dest: file(dest, 'a'), source: source('a')}, params: {content: 'a', dest, owner: '0', group: 'root'},
		plan: {changed: false},
	},
	{
		title: 'only the mode differs: attributes change, the content is not rewritten',
		module: copy, state: {dest: file(dest, 'a'), source: source('a')}, params: {content: 'a', dest, mode: '600'},
		plan: {
			changed: true, msg: '/etc/app.conf: mode: 0600',
			diff: [{header: `${dest} (attributes)`, before: 'mode: 0644\n', after: 'mode: 0600\n'}],
			steps: {path: dest, content: undefined, attributes: {mode: 0o600}},
		},
	},
	{
		title: 'different content is rewritten with a before/after diff',
		module: copy, state: {dest: file(dest, 'old\n'), source: source('new\n')}, params: {content: 'new\n', dest, owner: 'app'},
		plan: {
			changed: true, msg: '/etc/app.conf: content changed',
			diff: [{header: dest, before: 'old\n', after: 'new\n'}, {header: `${dest} (attributes)`, before: 'owner: root\n', after: 'owner: app\n'}],
			steps: {content: Buffer.from('new\n'), attributes: {owner: 'app'}},
		},
	},
	{
		title: 'binary content is described, not shown',
		module: copy, state: {dest: file(dest, 'a\0b'), source: source(Buffer.from([0xff, 0xfe]))}, params: {src: 'blob.bin', dest},
		plan: {changed: true, diff: [{header: dest, before: '(binary, 3 bytes)\n', after: '(binary, 2 bytes)\n'}]},
	},
	{
		title: 'content not fetched (too big for a diff) is described by its size',
		module: copy, state: {dest: file(dest, 'old', {content: undefined, size: 5_000_000}), source: source('new')}, params: {content: 'new', dest},
		plan: {changed: true, diff: [{header: dest, before: '(5000000 bytes, not shown)\n', after: 'new'}]},
	},
	{
		title: 'force: false leaves an existing file with other content',
		module: copy, state: {dest: file(dest, 'old'), source: source('new')}, params: {content: 'new', dest, force: false},
		plan: {changed: false, msg: '/etc/app.conf exists; force: false leaves it as it is'},
	},
	{
		title: 'a link at dest is replaced by the file',
		module: copy, state: {dest: link(dest, '/etc/other.conf'), source: source('a')}, params: {content: 'a', dest},
		plan: {changed: true, msg: '/etc/app.conf: link replaced by a file', diff: [{header: dest, before: '(link)\n', after: 'a'}]},
	},
	{
		title: 'a missing directory fails with what to do',
		module: copy, state: {dest: absent('/nowhere/app.conf', false), source: source('a')}, params: {content: 'a', dest: '/nowhere/app.conf'},
		plan: {changed: false, failed: 'directory /nowhere does not exist on the host; create it first (file: state=directory)'},
	},
	{
		title: 'a directory at dest (with content) fails',
		module: copy, state: {dest: directory(dest), source: source('a')}, params: {content: 'a', dest},
		plan: {failed: 'dest /etc/app.conf is a directory; copy only replaces files (and links)'},
	},
	{
		title: 'dest/ that does not exist fails naming the directory',
		module: copy, state: {dest: absent('/opt/app/', false), source: source('a')}, params: {src: 'files/app.conf', dest: '/opt/app/'},
		plan: {failed: 'directory /opt/app/ does not exist on the host; create it first (file: state=directory)', result: {dest: '/opt/app/app.conf'}},
	},
	{
		title: 'src copied into an existing directory lands under its own name',
		module: copy, state: {dest: absent('/opt/app/app.conf'), source: source('a')}, params: {src: 'files/app.conf', dest: '/opt/app'},
		plan: {changed: true, steps: {path: '/opt/app/app.conf'}, result: {dest: '/opt/app/app.conf', checksum: source('a').sha256, size: 1}},
	},
];
