import test from 'ava';
import {parseYaml} from '../../engine/load/yaml.js';

/*
 * Each plain scalar as ansible-core 2.14's YAML loader (PyYAML's YAML 1.1 resolvers) reads it:
 * the expected values were printed by Ansible's AnsibleLoader on the same text.
 */
const readings: ReadonlyArray<[string, unknown]> = [
	['yes', true], ['No', false], ['on', true], ['OFF', false], ['True', true], ['tRUE', 'tRUE'],
	['y', 'y'], ['n', 'n'], ['Y', 'Y'],
	['0644', 420], ['0o17', '0o17'], ['0x1F', 31], ['0b1010', 10], ['1_000', 1000], ['+12', 12], ['-0', 0], ['0_7', 7], ['08', '08'],
	['1:30', 90], ['190:20:30', 685_230],
	['1e3', '1e3'], ['1.0e3', '1.0e3'], ['1.0e+3', 1000], ['.5', 0.5], ['3.', 3], ['1:30.5', 90.5],
	['.inf', Number.POSITIVE_INFINITY], ['-.Inf', Number.NEGATIVE_INFINITY],
	['2001-12-14', '2001-12-14'], ['2001-12-14t21:59:43.10-05:00', '2001-12-14 21:59:43.100000-05:00'],
	['2001-12-14 21:59:43Z', '2001-12-14 21:59:43+00:00'], ['2001-1-4 1:59:43', '2001-01-04 01:59:43'], ['2001-1-4', '2001-1-4'],
	['~', null], ['null', null], ['Null', null],
];

/** The value of `value: TEXT` in a YAML document. */
const read = (text: string): unknown => (parseYaml(`value: ${text}\n`, 'test.yml').value as {value: unknown}).value;

for (const [text, value] of readings) {
	test(`YAML 1.1 as Ansible reads it: ${text} is ${typeof value === 'string' ? `the string '${value}'` : String(value)}`, t => {
		t.is(read(text), value);
	});
}

test('.nan is NaN, and a quoted word stays a string', t => {
	t.true(Number.isNaN(read('.NaN')));
	t.is(read('"yes"'), 'yes');
});
