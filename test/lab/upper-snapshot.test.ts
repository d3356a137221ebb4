import {mkdir, mkdtemp, symlink, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {snapshotDirectory} from './upper-snapshot.js';

test('a snapshot lists symbolic links as links and never walks into what they point at', async t => {
	const upper = await mkdtemp(join(tmpdir(), 'pb-upper-snapshot-'));
	await mkdir(join(upper, 'opt/app/releases/1.0'), {recursive: true});
	await writeFile(join(upper, 'opt/app/releases/1.0/app'), 'x');
	await symlink('releases/1.0', join(upper, 'opt/app/current'));
	// As a host's absolute link reads on the machine: the machine's /etc, not the host's.
	await symlink('/etc', join(upper, 'opt/app/etc'));
	const snapshot = await snapshotDirectory(upper);
	t.deepEqual([...snapshot.keys()], ['/opt', '/opt/app', '/opt/app/current', '/opt/app/etc', '/opt/app/releases', '/opt/app/releases/1.0', '/opt/app/releases/1.0/app']);
	t.like(snapshot.get('/opt/app/etc'), {type: 'symlink', target: '/etc'});
});
