import test from 'ava';
import {PbError, formatError} from '../../engine/errors.js';
import {parseTemplate, referencedVariables, renderFile, renderValue, setYamlDumper} from '../../engine/vars/template.js';

const where = {file: 'site.yml', line: 4, column: 12};
const vars = {
	packages: ['containerd', 'runc'],
	foo: {bar: 'baz', list: [10, 20], empty: null},
	count: 3,
	enabled: false,
	name: 'World',
};

const render = (value: unknown, variables: Record<string, unknown> = vars) => renderValue(value, variables, where);

function renderError(value: unknown, variables: Record<string, unknown> = vars): PbError {
	const error = (() => {
		try {
			render(value, variables);
		} catch (thrown) {
			return thrown;
		}

		return undefined;
	})();
	if (!(error instanceof PbError)) {
		throw new Error(`expected a PbError from ${JSON.stringify(value)}, got ${String(error)}`);
	}

	return error;
}

test('a lone mustache gives the native value', t => {
	t.deepEqual(render('{{ packages }}'), ['containerd', 'runc']);
	t.deepEqual(render('{{foo}}'), vars.foo);
	t.is(render('{{ count }}'), 3);
	t.is(render('{{ enabled }}'), false);
	// A dotted path is not a lone name to ansible-playbook 2.14: its None prints as ''.
	t.is(render('{{ foo.empty }}'), '');
	t.deepEqual(render('{{ split "a,b" "," }}'), ['a', 'b']);
});

test('anything else renders to a string, without HTML escaping', t => {
	t.is(render('Hello {{ name }}!'), 'Hello World!');
	t.is(render(' {{ count }}'), ' 3');
	t.is(render('<{{ name }}> & "{{ foo.bar }}"'), '<World> & "baz"');
	t.is(render('no template here'), 'no template here');
});

test('every string inside lists and mappings is rendered; keys and other values stay', t => {
	t.deepEqual(render({'{{ name }}': ['{{ count }}', {deep: 'x{{ foo.bar }}'}], n: 1, b: true, z: null}), {
		'{{ name }}': [3, {deep: 'xbaz'}], n: 1, b: true, z: null,
	});
});

test('Ansible-style paths: foo.bar, foo.0, foo.[0], item', t => {
	t.is(render('{{ foo.bar }}'), 'baz');
	// Jinja, as ansible-playbook 2.14 renders it: only a lone name keeps a number's type.
	t.is(render('{{ foo.list.0 }}'), '10');
	t.is(render('{{ foo.list.[1] }}'), 20);
	t.is(render('{{ foo.list.1 }}-{{ default missing "1.5 " }}'), '20-1.5 ');
	t.is(render('{{ item.name }}', {item: {name: 'runc'}}), 'runc');
});

test('an undefined variable is an error naming it and the value\'s position', t => {
	const error = renderError('{{ missing }}');
	t.is(error.kind, 'runtime');
	t.deepEqual(error.where, where);
	t.is(error.message, 'undefined variable "missing"');
	t.true(formatError(error).startsWith('site.yml:4:12: undefined variable "missing"'));
	t.regex(error.hint ?? '', /\{\{ missing \| default\('value'\) \}\}/);
});

test('an undefined part of a path names the full path and the missing part', t => {
	t.is(renderError('{{ foo.nope }}').message, 'undefined variable "foo.nope": "foo" has no "nope"');
	t.is(renderError('{{ foo.empty.x }}').message, 'undefined variable "foo.empty.x": "foo.empty" is null');
	t.is(renderError('{{ nope.a.b }}').message, 'undefined variable "nope.a.b": "nope" is undefined');
	t.is(renderError('x {{ foo.list.5 }}').message, 'undefined variable "foo.list.5": "foo.list" has no "5"');
});

test('undefined variables are errors in helper arguments and block parameters too', t => {
	t.is(renderError('{{ join nope "," }}').message, 'undefined variable "nope"');
	t.is(renderError('{{#each nope}}x{{/each}}').message, 'undefined variable "nope"');
	t.is(renderError('{{ upper (lower nope.x) }}').message, 'undefined variable "nope.x": "nope" is undefined');
});

test('default and #if accept an undefined variable', t => {
	t.is(render('{{ default missing "fallback" }}'), 'fallback');
	t.is(render('{{ default missing.deep.path "fallback" }}'), 'fallback');
	t.is(render('{{ default foo.bar "fallback" }}'), 'baz');
	t.is(render('{{ default enabled "x" true }}'), 'x');
	t.is(render('{{#if missing}}yes{{else}}no{{/if}}'), 'no');
	t.is(render('{{#unless missing.x}}absent{{/unless}}'), 'absent');
});

test('a multi-line value\'s error says which line of the value', t => {
	t.is(renderError('first\nsecond {{ nope }}').message, 'undefined variable "nope" (line 2 of the value)');
});

test('#each binds this, @index and block parameters', t => {
	t.is(render('{{#each packages}}{{@index}}={{this}} {{/each}}'), '0=containerd 1=runc ');
	t.is(render('{{#each packages as |p|}}{{p}}/{{../name}} {{/each}}'), 'containerd/World runc/World ');
});

test('comparison and logic helpers', t => {
	t.is(render('{{#if (eq name "World")}}y{{/if}}'), 'y');
	t.is(render('{{ ne count 3 }}'), false);
	t.is(render('{{ lt 1 2 }} {{ gt 1 2 }} {{ le 2 2 }} {{ ge 1 2 }}'), 'true false true false');
	t.is(render('{{ and count name }}'), 'World');
	t.is(render('{{ or enabled "" count }}'), 3);
	t.is(render('{{ not packages }}'), false);
	t.is(render('{{ contains packages "runc" }} {{ in "x" packages }}'), 'true false');
	const error = renderError('{{ lt count "a" }}');
	t.is(error.message, 'template helper lt: cannot compare `3` (number) with `a` (string)');
});

test('string and list helpers', t => {
	t.is(render('{{ join packages ", " }}'), 'containerd, runc');
	t.is(render('{{ lower "AbC" }}{{ upper "x" }}[{{ trim "  y " }}]'), 'abcX[y]');
	t.is(render('[{{ljust "ab" 4}}]'), '[ab  ]');
	t.is(render('{{ replace "a-b-c" "-" "." }}'), 'a.b.c');
	t.is(render('{{ length packages }} {{ length "abc" }} {{ length foo }}'), '2 3 3');
	t.is(render('{{ first packages }} {{ last packages }}'), 'containerd runc');
	t.is(render('{{ int "42x" }} {{ int "x" }}'), '42 0');
	t.is(render('{{ bool "yes" }} {{ bool "off" }}'), 'true false');
	t.is(render('{{ regex_replace "v1.2.3" "^v(\\d+).*" "\\1" }}'), '1');
	t.is(render('{{ regex_search "kernel 6.1.0-18" "\\d+\\.\\d+" }}'), '6.1');
	t.is(render('{{ basename "/usr/local/bin/crio" }} {{ dirname "/usr/local/bin/crio" }}'), 'crio /usr/local/bin');
	t.is(render('{{ quote "it\'s here" }} {{ quote "safe/path" }}'), '\'it\'"\'"\'s here\' safe/path');
	t.is(render('{{ b64encode "hi" }} {{ b64decode "aGk=" }}'), 'aGk= hi');
	t.is(render('{{ lookup foo "bar" }}'), 'baz');
});

test('JSON and YAML helpers', t => {
	t.is(render('{{ to_json foo.list }}'), '[10,20]');
	t.is(render('{{ to_nice_json foo.list }}'), '[\n    10,\n    20\n]');
	setYamlDumper(value => `yaml:${JSON.stringify(value)}`);
	t.is(render('{{ to_yaml packages }}'), 'yaml:["containerd","runc"]');
});

test('an unknown helper is a parse error with a suggestion', t => {
	const error = renderError('{{ jion packages "," }}');
	t.is(error.kind, 'parse');
	t.is(error.message, 'unknown template helper "jion" (did you mean \'join\'?)');
});

test('parseTemplate reports a string that reads in neither language with both readings, at the bad part', t => {
	const error = t.throws(() => parseTemplate('{{ foo.bar }', where), {instanceOf: PbError});
	t.is(error.kind, 'parse');
	t.deepEqual(error.where, where);
	t.is(error.message, 'template syntax error: expected variable end\n  (read as Handlebars: Parse error on line 1:\n{{ foo.bar }\n-----------^\nunexpected \'INVALID\')');
	t.notThrows(() => parseTemplate('{{#if x}}{{ y }}{{/if}}', where));
	t.throws(() => parseTemplate('{{#if x}}', where), {message: /^template syntax error: Parse error on line 1:/});
	t.throws(() => parseTemplate('{{ x | nosuch }}', where), {message: /^template syntax error: unknown filter "nosuch"/});
});

test('referencedVariables lists root names, not block-bound ones nor guarded arguments', t => {
	t.deepEqual(
		referencedVariables('{{#each pkgs as |p|}}{{p.name}} {{name}} {{../arch}} {{@root.mirror.url}} {{@index}}{{/each}}'),
		['pkgs', 'arch', 'mirror'],
	);
	t.deepEqual(referencedVariables('{{default opt "x"}} {{#if flag}}{{ shown }}{{/if}} {{join (split csv ",") sep}}'), ['shown', 'csv', 'sep']);
	t.deepEqual(referencedVariables('{{#with cfg}}{{ port }}{{/with}} {{ foo.0 }}'), ['cfg', 'foo']);
	t.deepEqual(referencedVariables('plain text'), []);
});

test('renderFile errors name the template file and the line inside it', t => {
	t.is(renderFile('a={{ a }}\n', {a: [1]}, 'templates/x.conf.hbs'), 'a=1\n');
	const error = t.throws(() => renderFile('line one\n  value={{ nope }}\n', {}, 'templates/x.conf.hbs'), {instanceOf: PbError});
	t.deepEqual(error.where, {file: 'templates/x.conf.hbs', line: 2, column: 12});
	t.is(error.message, 'undefined variable "nope"');
	const syntax = t.throws(() => renderFile('ok\n{{#if x}}\n', {}, 'templates/y.hbs'), {instanceOf: PbError});
	t.is(syntax.kind, 'parse');
	t.is(syntax.where?.file, 'templates/y.hbs');
});
