import test from 'ava';
import {PbError, formatError} from '../../engine/errors.js';
import {compileCondition, evaluateCondition} from '../../engine/vars/condition.js';

const where = {file: 'site.yml', line: 7, column: 11};
const vars = {
	result: {rc: 0, stdout: 'unit is active', stdout_lines: ['a', 'b'], changed: true, failed: false},
	empty: [],
	flag: 'yes',
	count: '3',
	inventory_hostname: 'node1',
	groups: {masters: ['node1'], workers: []},
	kube_version: 'v1.24.3',
	nothing: null,
};

const holds = (condition: Parameters<typeof compileCondition>[0], variables: Record<string, unknown> = vars) =>
	evaluateCondition(compileCondition(condition, where), variables);

function evaluationError(condition: string): PbError {
	const compiled = compileCondition(condition, where);
	try {
		evaluateCondition(compiled, vars);
	} catch (error) {
		if (error instanceof PbError) {
			return error;
		}

		throw error;
	}

	throw new Error(`expected "${condition}" to fail`);
}

const cases: Array<[string, boolean]> = [
	// Comparisons and dotted access
	['result.rc == 0', true],
	['result.rc != 0', false],
	['result.rc == "0"', false],
	['result.stdout_lines == ["a", "b"]', true],
	['result.stdout_lines[0] == \'a\'', true],
	['groups[\'masters\'][0] == "node1"', true],
	['count|int >= 3', true],
	// Word operators with Python's precedence
	['result.rc == 0 and flag|bool', true],
	['result.rc == 1 or flag == "yes"', true],
	['not result.rc == 1', true],
	['not empty', true],
	['not true and false', false],
	['true or false and false', true],
	['result.rc == 0 && !empty', true],
	['empty || result.rc == 0', true],
	// in / not in
	['\'active\' in result.stdout', true],
	['\'active\' not in result.stdout', false],
	['inventory_hostname in groups.masters', true],
	['inventory_hostname not in groups["workers"]', true],
	['not inventory_hostname in groups.masters', false],
	['\'masters\' in groups', true],
	['\'not in\' == "not in"', true],
	// Tests
	['missing is defined', false],
	['missing is not defined', true],
	['missing is undefined', true],
	['result is defined and result.rc == 0', true],
	['missing is defined and missing.rc == 0', false],
	['missing.deep[\'key\'] is defined', false],
	['nothing is none', true],
	['nothing == None', true],
	['result is changed', true],
	['result is not failed', true],
	['result is succeeded', true],
	['kube_version is version(\'1.24\', \'>=\')', true],
	['kube_version is version("1.25.0", "<")', true],
	['result.stdout is match("unit")', true],
	['result.stdout is search("act")', true],
	// Filters
	['result.stdout_lines | length == 2', true],
	['result.stdout | upper == "UNIT IS ACTIVE"', true],
	['"  x " | trim == "x"', true],
	['missing | default(5) == 5', true],
	['missing.a.b | default("z") == "z"', true],
	['result.rc | string == "0"', true],
	['"Yes" | lower | bool', true],
	// Python truthiness
	['empty', false],
	['groups.workers', false],
	['groups.masters', true],
	['""', false],
	['0', false],
	// Whole {{ }} is the expression
	['{{ result.rc == 0 }}', true],
	['True', true],
	['False', false],
];

for (const [condition, expected] of cases) {
	test(`${condition} is ${String(expected)}`, t => {
		t.is(holds(condition), expected);
	});
}

test('bare bools and lists (all must hold)', t => {
	t.true(holds(true));
	t.false(holds(false));
	t.true(holds(['result.rc == 0', 'flag | bool', true]));
	t.false(holds(['result.rc == 0', 'empty']));
});

test('an undefined variable fails the evaluation, naming it and the condition\'s place', t => {
	const error = evaluationError('missing.rc == 0');
	t.is(error.kind, 'runtime');
	t.deepEqual(error.where, where);
	t.is(error.message, 'undefined variable "missing" in condition "missing.rc == 0"');
	t.true(formatError(error).startsWith('site.yml:7:11: undefined variable "missing"'));
	t.is(evaluationError('result.nope == 1').message, 'undefined variable "result.nope" in condition "result.nope == 1"');
	t.is(evaluationError('result.stdout_lines[5] == "a"').message, 'undefined variable "result.stdout_lines[5]" in condition "result.stdout_lines[5] == "a""');
	t.is(evaluationError('missing | length > 0').message, 'undefined variable "missing" in condition "missing | length > 0"');
	t.is(evaluationError('missing is failed').message, 'undefined variable "missing" in condition "missing is failed"');
});

test('and/or stop at the first operand that decides', t => {
	t.false(holds('empty and missing'));
	t.true(holds('flag or missing'));
	t.is(evaluationError('flag and missing').message, 'undefined variable "missing" in condition "flag and missing"');
});

test('a failing filter is a runtime error naming the condition', t => {
	t.is(evaluationError('result.rc | length').message, 'condition "result.rc | length" failed: length needs a string, list or mapping, got `0` (number)');
});

function syntaxError(condition: string): PbError {
	const error = (() => {
		try {
			compileCondition(condition, where);
		} catch (thrown) {
			return thrown;
		}

		return undefined;
	})();
	if (!(error instanceof PbError)) {
		throw new Error(`expected "${condition}" not to compile`);
	}

	return error;
}

test('syntax errors are parse errors at the condition\'s place with the parser\'s message', t => {
	const error = syntaxError('result.rc ==');
	t.is(error.kind, 'parse');
	t.deepEqual(error.where, where);
	t.regex(error.message, /^bad condition "result.rc ==": unexpected token: }}/);
	t.regex(syntaxError('result.rc == )').message, /^bad condition "result.rc == \)": unexpected token: \)/);
	t.regex(syntaxError('x not in').message, /^bad condition "x not in": unexpected token: }}/);
	t.is(syntaxError('  ').message, 'bad condition "  ": the condition is empty');
});

test('unknown filters, tests and functions are caught at compile time', t => {
	t.regex(syntaxError('x | lenght').message, /^bad condition "x \| lenght": unknown filter "lenght" \(did you mean 'length'\?\)/);
	t.regex(syntaxError('x is defnied').message, /^bad condition "x is defnied": unknown test "is defnied" \(did you mean 'defined'\?\)/);
	t.regex(syntaxError('x is 3').message, /"is" must be followed by a test name/);
	t.regex(syntaxError('lokup("env", "HOME")').message, /unknown function "lokup\(\)" \(did you mean 'lookup'\?\)/);
});

test('{{ }} inside a larger condition is refused with advice', t => {
	const error = syntaxError('{{ x }} == 1');
	t.is(error.message, 'condition "{{ x }} == 1" mixes {{ }} with an expression');
	t.regex(error.hint ?? '', /write `x == 'a'`/);
});
