import test from 'ava';
import {parseKeyValues} from '../../engine/playbook/free-form.js';
import {pythonRegex, pythonReplacement} from '../../engine/vars/regex.js';

/* key=value arguments and Python's regular expressions, as Ansible reads them. */

const keyValues: Array<[string, string, Record<string, string>]> = [
	['quotes come off', 'a="x y" b=\'z w\' c=v', {a: 'x y', b: 'z w', c: 'v'}],
	['\\\\b is an escaped backslash: the expression \\b', 'regexp=\'\\\\b(\\w+)\\\\b\'', {regexp: '\\b(\\w+)\\b'}],
	['\\b alone is a backspace, as Ansible decodes it', 'regexp=\'\\b\'', {regexp: '\b'}],
	['\\d and \\s are not escapes: kept', 'regexp="^\\d+\\s"', {regexp: '^\\d+\\s'}],
	['\\n, \\t, \\x41 and \\" decoded', 'line="a\\tb\\n\\x41 \\"q\\""', {line: 'a\tb\nA "q"'}],
];

for (const [title, text, expected] of keyValues) {
	test(`key=value: ${title}`, t => {
		t.deepEqual(parseKeyValues(text), expected);
	});
}

test('Python regex: \\A is the start of the text only, even where ^ matches at every line', t => {
	const regex = pythonRegex('\\Ax', {multiline: true, global: true});
	t.is('x\nx\n'.replace(regex, 'y'), 'y\nx\n');
});

test('Python replacement: \\g<0> is the whole match, and a digit after a group stays a digit', t => {
	t.is('port=80'.replace(pythonRegex('(port)=80'), pythonReplacement('\\g<0>80')), 'port=8080');
	t.is('a'.replace(pythonRegex('(a)'), pythonReplacement('\\g<1>0')), 'a0');
});
