import test from 'ava';
import {parseGroups, parsePasswd, parseShadow, passwdLine} from '../../modules/accounts/database.js';
import {idRange, newId, parseLoginDefs, parseUseraddDefaults} from '../../modules/accounts/new-ids.js';
import {editKeyFile, parseKeyFile, parseKeyLine, parseOptions, serializeKeys} from '../../modules/authorized_key/keys.js';
import {unhashedPassword} from '../../modules/user/index.js';

const defs = parseLoginDefs('# comment\nUID_MIN\t\t\t 1000\nUID_MAX\t\t\t60000\n#SYS_UID_MAX 999\nUSERGROUPS_ENAB yes\nUMASK\t\t022\n');

test('login.defs and useradd -D are read as the tools read them', t => {
	t.deepEqual(defs, {UID_MIN: '1000', UID_MAX: '60000', USERGROUPS_ENAB: 'yes', UMASK: '022'});
	t.deepEqual(parseUseraddDefaults('GROUP=100\nHOME=/home\nEXPIRE=\nSHELL=/bin/sh\n'), {GROUP: '100', HOME: '/home', EXPIRE: '', SHELL: '/bin/sh'});
	t.deepEqual(idRange(defs, 'UID', true), {min: 101, max: 999, preferredMin: 1});
	t.deepEqual(idRange(defs, 'GID', false), {min: 1000, max: 60000, preferredMin: 1000});
});

test('new ids: above the highest in use for users, below the lowest for system accounts, a preferred id when free', t => {
	const users = idRange(defs, 'UID', false);
	const system = idRange(defs, 'UID', true);
	t.is(newId([0, 65534], users, false), 1000);
	t.is(newId([0, 1000, 1005, 1002], users, false), 1006, 'a gap below the highest is not reused');
	t.is(newId([0, 60000], users, false), 1000, 'the top taken: the range is searched from its bottom');
	t.is(newId([998, 100, 101], system, true), 999, 'the lowest system id taken: searched again from the top');
	t.is(newId([998, 997], system, true), 996);
	t.is(newId([1000], users, false, 1000), 1001, 'a preferred id taken');
	t.is(newId([1000], users, false, 1003), 1003);
	t.is(newId([101, 102], {min: 101, max: 102, preferredMin: 1}, true), undefined);
});

test('passwd, group and shadow lines as getent prints them', t => {
	const [entry] = parsePasswd('alice:x:1000:1000:Alice,,,:/home/alice:/bin/bash\n');
	t.deepEqual(entry, {name: 'alice', password: 'x', uid: 1000, gid: 1000, comment: 'Alice,,,', home: '/home/alice', shell: '/bin/bash'});
	t.is(passwdLine(entry!), 'alice:x:1000:1000:Alice,,,:/home/alice:/bin/bash');
	t.deepEqual(parseGroups('users:x:100:alice,bob\nadm:x:4:\n').map(group => group.members), [['alice', 'bob'], []]);
	t.deepEqual(parseShadow('alice:!$6$x:20000:0:99999:7::29281:\nbob:*:20000:0:99999:7:::\n'), {alice: {hash: '!$6$x', expire: 29_281}, bob: {hash: '*', expire: undefined}});
});

test('a clear-text password is told from a hash as Ansible tells it', t => {
	t.is(unhashedPassword('$6$Hl3qUAhmFXUYGSGu$yMbIhlMLCiO9g8MApwuuh6C2ut1E7ocUxkxqhmC.BXNhMgzXoc3kCS2kErQMrm8OhE8ZcPjuqZkgrH4MwZVbz.'), undefined);
	t.is(unhashedPassword('*'), undefined);
	t.regex(unhashedPassword('plaintextpassword') ?? '', /appears not to have been hashed/);
	t.regex(unhashedPassword('$6$rounds=656000$tgK3gYTyRLUmhyv2$lAFrYUQwn7E6VsjPOwQwoSx30lmpiU9r/E0Al7tzKrR9mkodcMEZGe9OXD0H/clOn6qdsUnaL4zefy5fG+++++') ?? '', /not to have been hashed/);
});

const key = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIMs2l3s9zs2M0+S4ZLiDO9CRzgxNH5jAVTyKMODBDlx';

test('key lines: options with quoted commas, the comment, comment lines and lines that hold no key', t => {
	t.deepEqual(parseOptions('no-pty,from="10.0.0.1,10.0.0.2",command="echo a"'), [['no-pty', undefined], ['from', '"10.0.0.1,10.0.0.2"'], ['command', '"echo a"']]);
	t.like(parseKeyLine(`no-pty ${key} alice at home\n`, 3), {id: key.split(' ')[1], type: 'ssh-ed25519', comment: 'alice at home', rank: 3});
	t.like(parseKeyLine('# a comment\n', 0), {type: 'kept', id: '# a comment\n'});
	t.is(parseKeyLine('not a key\n', 0), undefined);
	const file = `# team\n${key} alice\n\nnot a key\n${key}\n`;
	t.is(serializeKeys(parseKeyFile(file)), '# team\n\nnot a key\n' + `${key} \n`, 'one line per key, where the last was; a key without comment keeps its space');
});

test('keys edited as Ansible edits them', t => {
	const bob = key.replace('IIMs', 'IIMt');
	t.deepEqual(editKeyFile(`${key} alice\n`, `${key} alice`, {state: 'present', exclusive: false}), {content: `${key} alice\n`, changed: false});
	t.deepEqual(editKeyFile(`${key} alice\n`, `${bob} bob\n# skipped\n${key} alice`, {state: 'present', exclusive: false, keyOptions: 'no-pty'}), {content: `no-pty ${bob} bob\nno-pty ${key} alice\n`, changed: true});
	t.deepEqual(editKeyFile(`no-agent-forwarding,no-pty ${key} alice\n`, key, {state: 'present', exclusive: false, keyOptions: 'no-pty,no-agent-forwarding', comment: 'alice'}), {content: `no-agent-forwarding,no-pty ${key} alice\n`, changed: false}, 'options in another order are the same options');
	t.deepEqual(editKeyFile(`${key} alice\n`, `${key} another comment`, {state: 'absent', exclusive: false}), {content: '', changed: true}, 'absent matches the key whatever its comment');
	t.is(editKeyFile('', 'ssh-rsa', {state: 'present', exclusive: false}), 'invalid key specified: ssh-rsa');
});
