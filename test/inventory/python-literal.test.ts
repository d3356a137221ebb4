import test from 'ava';
import {parseIniValue} from '../../engine/inventory/python-literal.js';

const reads = test.macro({
	exec(t, text: string, expected: unknown) {
		t.deepEqual(parseIniValue(text), expected);
	},
	title: (_, text, expected) => `INI value ${JSON.stringify(text)} reads as ${JSON.stringify(expected)}`,
});

// What Ansible's ast.literal_eval gives for each; text that is no Python literal stays text.
test(reads, '2222', 2222);
test(reads, '-5', -5);
test(reads, '1_000', 1000);
test(reads, '0x1F', 31);
test(reads, '1.5', 1.5);
test(reads, '1.20', 1.2);
test(reads, 'True', true);
test(reads, 'False', false);
test(reads, 'None', null);
test(reads, 'true', 'true');
test(reads, 'yes', 'yes');
test(reads, '0644', '0644');
test(reads, '0', 0);
test(reads, '10.0.0.1', '10.0.0.1');
test(reads, 'containerd', 'containerd');
test(reads, '', '');
test(reads, '\'quoted\'', 'quoted');
test(reads, '"a b"', 'a b');
test(reads, '"tab\\there"', 'tab\there');
test(reads, 'r"C:\\new"', 'C:\\new');
test(reads, '\'a\' "b"', 'ab');
test(reads, '[1, \'two\', [3]]', [1, 'two', [3]]);
test(reads, '(1,)', [1]);
test(reads, '(1)', 1);
test(reads, '1, 2', [1, 2]);
test(reads, '{\'role\': \'worker\', \'n\': 2}', {role: 'worker', n: 2});
test(reads, '{1, 2}', [1, 2]);
test(reads, '110 # a comment', 110);
test(reads, '110 ; not a comment', '110 ; not a comment');
test(reads, 'foo # not a literal, so the comment stays', 'foo # not a literal, so the comment stays');
test(reads, '[1, 2', '[1, 2');
test(reads, '12345678901234567890', '12345678901234567890');
test(reads, 'r\'it\\\'s\'', 'it\\\'s');
