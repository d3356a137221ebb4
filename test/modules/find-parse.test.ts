import test from 'ava';
import {parseContentMatches, parseListing} from '../../modules/find/parse.js';
import {contentScript, listingScript} from '../../modules/find/script.js';

test('the listing: the host\'s clock, each path\'s entries with their stat fields, a path that is no directory', t => {
	const stdout = [
		'1733240000.5',
		'dir', '/srv/my dir',
		'1 f f 4755 0 0 12 131 2049 1 1700000000.25 1700000001.5 1700000002.75 root adm', '/srv/my dir/odd\nname',
		'2 l d 777 1000 1000 3 132 2049 1 1.0 2.0 3.0 1000 1000', '/srv/my dir/a/link',
		'notdir', '/nowhere',
		'',
	].join('\0');
	t.deepEqual(parseListing(stdout), {
		now: 1_733_240_000.5,
		paths: [
			{path: '/srv/my dir', entries: [
				{path: '/srv/my dir/odd\nname', depth: 1, type: 'f', followedType: 'f', mode: 0o4755, uid: 0, gid: 0, size: 12, inode: 131, dev: 2049, nlink: 1, atime: 1_700_000_000.25, mtime: 1_700_000_001.5, ctime: 1_700_000_002.75, owner: 'root', group: 'adm'},
				{path: '/srv/my dir/a/link', depth: 2, type: 'l', followedType: 'd', mode: 0o777, uid: 1000, gid: 1000, size: 3, inode: 132, dev: 2049, nlink: 1, atime: 1, mtime: 2, ctime: 3, owner: '1000', group: '1000'},
			]},
			{path: '/nowhere', entries: undefined},
		],
	});
});

test('the content look: each matching file with its sha1, or an empty sum when none was asked', t => {
	t.deepEqual([...parseContentMatches(`/a\0${'f'.repeat(40)}\0/b c\0\0`)], [['/a', 'f'.repeat(40)], ['/b c', '']]);
});

test('the scripts: find bounded by depth and following links only when asked; grep -P anchored per line, unanchored on the whole file', t => {
	t.regex(listingScript({paths: ['/srv'], maxDepth: 3, follow: false}), /find -H "\$p" -mindepth 1 -maxdepth 3 -printf/);
	t.regex(listingScript({paths: ['/srv'], maxDepth: undefined, follow: true}), /find -L "\$p" -mindepth 1 -printf/);
	t.regex(contentScript(['/a'], 'err', false, false), /grep -q -P -- '\^\(\?:err\)' "\$f"/);
	t.regex(contentScript(['/a'], 'err', true, true), /grep -q -z -P -- err "\$f".*sha1sum/s);
});
