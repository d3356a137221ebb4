import test from 'ava';
import {withDefaults} from '../helpers/host-context.js';
import waitFor from '../../modules/wait_for/index.js';
import {activeConnections, matchGroups, procAddress, pythonRegex, tcpStates} from '../../modules/wait_for/parse.js';

test('a Python regex: named groups and backreferences in JavaScript\'s spelling, multiline as wait_for compiles it', t => {
	const match = pythonRegex('^(?P<key>\\w+)=(?P<value>\\d+) (?P=key)$').exec('head\nport=80 port\n');
	t.deepEqual(matchGroups(match!), {match_groups: ['port', '80'], match_groupdict: {key: 'port', value: '80'}});
	t.deepEqual(matchGroups(pythonRegex('a(b)?(c)').exec('ac')!), {match_groups: [null, 'c'], match_groupdict: {}}, 'an unmatched group is None');
});

test('addresses as /proc/net/tcp writes them: 32-bit words in little-endian hex', t => {
	t.is(procAddress('127.0.0.1'), '0100007F');
	t.is(procAddress('10.213.0.19'), '1300D50A');
	t.is(procAddress('::1'), '00000000000000000000000001000000');
	t.is(procAddress('::ffff:a00:1'), '0000000000000000FFFF00000100000A');
	t.is(procAddress('node1'), undefined);
});

// Read on a lab host: sshd listening, one client connected to 127.0.0.1:22, one session from the bridge.
const table = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4071229 1 0000000064e003a9 100 0 0 10 0
   1: 0100007F:92D4 0100007F:0016 01 00000000:00000029 00:00000000 00000000     0        0 4071736 1 00000000fe52bc95 20 4 30 10 -1
   2: 1300D50A:0016 0100D50A:AB3A 01 00000000:00000000 02:000AFC1B 00000000     0        0 4071803 4 0000000005a404da 20 4 21 21 -1
   3: 0100007F:0016 0100007F:92D4 01 00000000:00000000 02:000AFC0E 00000000     0        0 4071738 2 0000000086ee9a80 20 0 0 11 -1
`;

test('drained counts active connections on the port to the host\'s address, as Ansible\'s Linux probe does', t => {
	const states = Object.values(tcpStates);
	t.is(activeConnections(table, {port: 22, local: ['0100007F'], excluded: [], states}), 1, 'the one to 127.0.0.1; the listener is not active');
	t.is(activeConnections(table, {port: 22, local: ['00000000'], excluded: [], states}), 2, '0.0.0.0 means every IPv4 address');
	t.is(activeConnections(table, {port: 22, local: ['00000000'], excluded: ['0100D50A'], states}), 1, 'excluded peers do not count');
	t.is(activeConnections(table, {port: 22, local: ['00000000'], excluded: [], states: ['06']}), 0, 'only the states asked for');
	t.is(activeConnections(table, {port: 8080, local: ['00000000'], excluded: [], states}), 0);
});

test('wait_for rejects what Ansible rejects, in its words', t => {
	const invalid = (params: Record<string, unknown>) => waitFor.validate!(withDefaults(waitFor, params) as never);
	t.is(invalid({port: 22, path: '/x'}), 'port and path parameter can not both be passed to wait_for');
	t.is(invalid({path: '/x', state: 'stopped'}), 'state=stopped should only be used for checking a port in the wait_for module');
	t.is(invalid({port: 22, exclude_hosts: ['a']}), 'exclude_hosts should only be with state=drained');
	t.regex(invalid({port: 22, state: 'drained', active_connection_states: ['LISTEN']}) ?? '', /^unknown active_connection_state \(LISTEN\) defined/);
	t.regex(invalid({path: '/x', search_regex: '(unclosed'}) ?? '', /^Invalid regular expression: /);
	t.is(invalid({port: 22, state: 'drained', exclude_hosts: ['10.0.0.1']}), undefined);
});
