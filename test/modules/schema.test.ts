import test from 'ava';
import {PbError} from '../../engine/errors.js';
import {checkParams} from '../../engine/playbook/params.js';
import {modules} from '../../modules/index.js';

const where = {file: 'site.yml', line: 3, column: 5};

/** The parameters as the engine checks them at run time (aliases, conversions, defaults, validate). */
function check(name: string, args: Record<string, unknown>): Record<string, unknown> {
	return checkParams(modules.get(name)!, args, () => where, 'run');
}

test('the modules are registered under their names', t => {
	for (const name of ['command', 'shell', 'copy', 'file', 'stat']) {
		t.is(modules.get(name)?.name, name);
	}
});

test('typical tasks pass the engine\'s checks with their defaults filled in', t => {
	t.deepEqual(check('copy', {content: 'x', dest: '/etc/x', mode: 0o644}), {content: 'x', dest: '/etc/x', mode: 0o644, backup: false, force: true});
	t.deepEqual(check('file', {name: '/srv', state: 'directory', recurse: 'yes'}), {path: '/srv', state: 'directory', recurse: true, force: false});
	t.like(check('command', {argv: ['ls', 1]}), {argv: ['ls', '1'], stdin_add_newline: true, strip_empty_ends: true});
	t.like(check('shell', {cmd: 'ls | wc -l'}), {executable: '/bin/sh'});
	t.deepEqual(check('stat', {path: '/etc'}), {path: '/etc', get_checksum: true, follow: false});
});

test('a module\'s own checks reach the user as a positioned error', t => {
	const error = t.throws(() => check('copy', {src: 'a', content: 'b', dest: '/x'}));
	t.true(error instanceof PbError);
	t.is(error?.message, 'copy: parameters are mutually exclusive: src|content');
	t.is((error as PbError).where, where);
	t.is(t.throws(() => check('copy', {dest: '/x'}))?.message, 'copy: one of the following is required: src, content');
	t.is(t.throws(() => check('download', {url: 'http://x/y', dest: '/d', timeout: 0}))?.message, 'download: parameter \'timeout\' must be 1 or more; got `0` (number)');
	t.is(t.throws(() => check('file', {path: '/x', state: 'folder'}))?.message, 'file: parameter \'state\' must be one of file, directory, absent, link, touch, hard; got `"folder"` (string)');
});
