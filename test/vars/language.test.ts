import {mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {PbError} from '../../engine/errors.js';
import {languageOfFile, languageOfText} from '../../engine/vars/language.js';
import {parseTemplate, renderFile, renderValue} from '../../engine/vars/template.js';

const folder = mkdtempSync(join(tmpdir(), 'pb-language-'));

function file(name: string, text: string): string {
	const path = join(folder, name);
	writeFileSync(path, text);
	return path;
}

test('a string is Handlebars only when it uses what only Handlebars has', t => {
	t.is(languageOfText('{{ x }}/{{ a.b }}'), 'jinja');
	t.is(languageOfText('{{ x | default(\'y\') }}'), 'jinja');
	t.is(languageOfText('{% if x %}y{% endif %}'), 'jinja');
	t.is(languageOfText('{{ not flag }} {{ x if y else z }} {{ a is defined }} {{ b in c }}'), 'jinja');
	t.is(languageOfText('{{default x \'y\'}}'), 'handlebars');
	t.is(languageOfText('{{#if x}}y{{/if}}'), 'handlebars');
	t.is(languageOfText('{{ probe.stdout_lines.[0] }}'), 'handlebars');
	t.is(languageOfText('{{first (split v \'.\')}}'), 'handlebars');
});

test('a file is Jinja unless it uses what only Handlebars has; .j2 and .hbs go by their name', t => {
	t.is(languageOfFile(file('plain.yml', '- hosts: all\n  tasks:\n    - debug: {msg: "{{ x }}"}\n')), 'jinja');
	t.is(languageOfFile(file('hbs.yml', '- debug: {msg: "{{ x }}"}\n- debug: {msg: "{{default y \'z\'}}"}\n')), 'handlebars');
	t.is(languageOfFile(file('declared.yml', '# pb: handlebars\n- debug: {msg: "{{ x }}"}\n')), 'handlebars');
	t.is(languageOfFile(file('override.yml', '# pb: jinja\n- debug: {msg: "{{default y \'z\'}}"}\n')), 'jinja');
	t.is(languageOfFile(file('a.conf.j2', '{{default y \'z\'}}')), 'jinja');
	t.is(languageOfFile(file('a.conf.hbs', '{{ x | default(1) }}')), 'handlebars');
	t.is(languageOfFile(join(folder, 'missing.yml')), undefined);
});

test('a file that mixes both languages is refused, naming a line of each', t => {
	const path = file('mixed.yml', '- debug: {msg: "{{default y \'z\'}}"}\n- debug: {msg: "{{ y | default(\'z\') }}"}\n');
	const error = t.throws(() => languageOfFile(path), {instanceOf: PbError});
	t.is(error.message, `${path} mixes Handlebars (line 1: {{default y 'z'}}) and Jinja (line 2: {{ y | default('z') }})`);
	t.deepEqual(error.where, {file: path, line: 2, column: 1});
	t.regex(error.hint ?? '', /# pb: jinja/);
});

test('a value renders in its file\'s language: True in Jinja, true in Handlebars', t => {
	const vars = {flag: true, items: ['a', 'b']};
	const jinja = file('jinja.yml', '- debug: {msg: "on={{ flag }}"}\n');
	const handlebars = file('handlebars.yml', '- debug: {msg: "on={{ flag }}"}\n- debug: {msg: "{{join items \',\'}}"}\n');
	t.is(renderValue('on={{ flag }} {{ items }}', vars, {file: jinja, line: 1, column: 17}), 'on=True [\'a\', \'b\']');
	t.is(renderValue('on={{ flag }} {{ items }}', vars, {file: handlebars, line: 1, column: 17}), 'on=true a,b');
	// A variable's value goes by its own text, wherever it is used.
	t.is(renderValue('{{join items \',\'}}', vars, {file: jinja, line: 1, column: 1}, 'text'), 'a,b');
});

test('a template file ending in .j2 renders as Jinja, with trim_blocks', t => {
	const path = file('motd.j2', '{% for item in items %}\n- {{ item }}\n{% endfor %}\n');
	t.is(renderFile('{% for item in items %}\n- {{ item }}\n{% endfor %}\n', {items: ['a', 'b']}, path), '- a\n- b\n');
});

test('a syntax error in a one-line value points at its column in the file', t => {
	const path = file('bad.yml', '- debug:\n    msg: "x {{ y | }}"\n');
	const error = t.throws(() => parseTemplate('x {{ y | }}', {file: path, line: 2, column: 5}), {instanceOf: PbError});
	// `x {{ y | }}` starts at column 11 (after the quote); the `}}` a filter name should precede is 9 further.
	t.deepEqual(error.where, {file: path, line: 2, column: 20});
	t.regex(error.message, /^template syntax error: .*\n {2}\(read as Handlebars: /);
});
