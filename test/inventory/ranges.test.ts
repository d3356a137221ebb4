import test from 'ava';
import {PbError} from '../../engine/errors.js';
import {parseHostEntry} from '../../engine/inventory/ranges.js';

const where = {file: 'hosts', line: 3, column: 1};

const expands = test.macro({
	exec(t, entry: string, names: string[], port?: number) {
		t.deepEqual(parseHostEntry(entry, where), {names, port});
	},
	title: (_, entry) => `${entry} expands as Ansible expands it`,
});

test(expands, 'web1', ['web1']);
test(expands, 'node[1:3]', ['node1', 'node2', 'node3']);
test(expands, 'node[01:03].lan', ['node01.lan', 'node02.lan', 'node03.lan']);
test(expands, 'node[8:12]', ['node8', 'node9', 'node10', 'node11', 'node12']);
test(expands, 'node[:2]', ['node0', 'node1', 'node2']);
test(expands, 'node[1:9:4]', ['node1', 'node5', 'node9']);
test(expands, 'db-[a:c]', ['db-a', 'db-b', 'db-c']);
test(expands, 'db-[y:B]', ['db-y', 'db-z', 'db-A', 'db-B']);
test(expands, 'r[1:2]n[a:b]', ['r1na', 'r1nb', 'r2na', 'r2nb']);
test(expands, 'web1:2222', ['web1'], 2222);
test(expands, 'node[1:2]:2200', ['node1', 'node2'], 2200);
test(expands, '10.0.0.[1:2]', ['10.0.0.1', '10.0.0.2']);
test(expands, '[::1]:2222', ['::1'], 2222);
test(expands, 'fe80::1', ['fe80::1']);

const rejects = test.macro({
	exec(t, entry: string, message: string) {
		const error = t.throws(() => parseHostEntry(entry, where), {instanceOf: PbError});
		t.is(error?.message, message);
		t.deepEqual(error?.where, where);
	},
	title: (_, entry) => `${entry} is rejected with a reason`,
});

test(rejects, 'node[1:2:3:4]', 'host range [1:2:3:4] must be [begin:end] or [begin:end:step]');
test(rejects, 'node[1:]', 'host range [1:] has no end value');
test(rejects, 'node[01:100]', 'host range [01:100] pads with zeros, so begin and end must have the same number of digits');
test(rejects, 'node[5:1]', 'host range [5:1] runs backwards: begin must be at most end');
test(rejects, 'node[c:a]', 'host range [c:a] runs backwards: begin must come before end');
test(rejects, 'node[1:x]', 'host range [1:x] must run between two numbers or two single letters');
test(rejects, 'node[1:3:0]', 'host range [1:3:0] has step \'0\', which is not a whole number above 0');
test(rejects, 'node[1:3', '\'node[1:3\' opens a range with \'[\' but never closes it with \']\'');
test(rejects, 'web1:', '\'web1:\' ends in \':\', which is reserved for a port number (host:2222)');
test(rejects, 'web1:70000', 'port 70000 in \'web1:70000\' is not between 1 and 65535');
