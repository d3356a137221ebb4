import test from 'ava';
import {placeBlock, type BlockOptions} from '../../modules/blockinfile.js';
import {splitLines} from '../../modules/file-edit.js';
import {absentLine, type LinePresent, presentLine} from '../../modules/lineinfile.js';
import {replaceAll, type ReplaceOptions} from '../../modules/replace.js';

/*
 * The pure edits of lineinfile, blockinfile and replace, each case a file's text before, the
 * options, and the text and message after, as ansible-core 2.14 leaves them.
 */

const five = 'This is line 1\nThis is line 2\nREF this is a line for backrefs REF\nThis is line 4\nThis is line 5\n';

const lineCases: Array<[string, string, Partial<LinePresent> & {line: string}, string, string]> = [
	['appended at the end by default', 'a\n', {line: 'b'}, 'a\nb\n', 'line added'],
	['a file without a final newline gets one first', 'a', {line: 'b'}, 'a\nb\n', 'line added'],
	['an empty file', '', {line: 'b'}, 'b\n', 'line added'],
	['the exact line is there: unchanged', 'a\nb\nc\n', {line: 'b'}, 'a\nb\nc\n', ''],
	['the exact line is the last, without newline: replaced to end with one', 'a\nb', {line: 'b'}, 'a\nb\n', 'line replaced'],
	['insertbefore BOF', five, {line: 'top', insertbefore: 'BOF'}, `top\n${five}`, 'line added'],
	['insertafter BOF', 'a\n', {line: 'top', insertafter: 'BOF'}, 'top\na\n', 'line added'],
	['after the last line an expression matches', 'x1\nx2\ny\n', {line: 'new', insertafter: '^x'}, 'x1\nx2\nnew\ny\n', 'line added'],
	['after the first one with firstmatch', 'x1\nx2\ny\n', {line: 'new', insertafter: '^x', firstmatch: true}, 'x1\nnew\nx2\ny\n', 'line added'],
	['before the last line an expression matches', five, {line: 'new', insertbefore: '^This is line 5$'}, five.replace('This is line 5', 'new\nThis is line 5'), 'line added'],
	['an anchor matching nothing: at the end', 'a\n', {line: 'new', insertafter: '^zzz'}, 'a\nnew\n', 'line added'],
	['the line already follows its anchor (firstmatch stops before the exact line)', 'x\nnew\nx\n', {line: 'new', insertafter: '^x$', firstmatch: true}, 'x\nnew\nx\n', ''],
	['after an anchor that ends the file without a newline: appended as Ansible does', 'x', {line: 'new', insertafter: '^x$'}, 'xnew\n', 'line added'],
	['regexp replaces the last match', 'port=1\nport=2\n', {line: 'port=3', regexp: '^port='}, 'port=1\nport=3\n', 'line replaced'],
	['regexp with firstmatch replaces the first', 'port=1\nport=2\n', {line: 'port=3', regexp: '^port=', firstmatch: true}, 'port=3\nport=2\n', 'line replaced'],
	['regexp matching the line as wanted: unchanged', 'port=3\n', {line: 'port=3', regexp: '^port='}, 'port=3\n', ''],
	['regexp matching nothing: inserted as without it', 'a\n', {line: 'port=3', regexp: '^port=', insertbefore: 'BOF'}, 'port=3\na\n', 'line added'],
	['$ matches before the line\'s newline, as in Python', 'key = 1\n', {line: 'key = 2', regexp: '^key = \\d$'}, 'key = 2\n', 'line replaced'],
	['backrefs fill numbered groups', five, {line: '\\1 cat \\1', regexp: '^(REF) .* \\1$', backrefs: true}, five.replace('REF this is a line for backrefs REF', 'REF cat REF'), 'line replaced'],
	['backrefs fill named groups', five, {line: 'New \\g<which> here', regexp: '^This is (?P<which>line 4)$', backrefs: true}, five.replace('This is line 4', 'New line 4 here'), 'line replaced'],
	['backrefs matching nothing leave the file alone', 'a\n', {line: '\\1', regexp: '^(b)$', backrefs: true}, 'a\n', ''],
	['search_string is a plain substring', 'user=^x.*\nother\n', {line: 'user=app', searchString: '^x.*'}, 'user=app\nother\n', 'line replaced'],
];

for (const [title, before, options, after, msg] of lineCases) {
	test(`lineinfile present: ${title}`, t => {
		const edit = presentLine(splitLines(before), {firstmatch: false, backrefs: false, ...options});
		t.is(edit.lines.join(''), after);
		t.is(edit.msg, msg);
	});
}

const absentCases: Array<[string, string, {regexp?: string; searchString?: string; line?: string}, string, number]> = [
	['by regexp, every match', 'a1\nb\na2\n', {regexp: '^a'}, 'b\n', 2],
	['by search_string', 'x 10.0.0.3 y\nz\n', {searchString: '10.0.0.3'}, 'z\n', 1],
	['by the exact line, its ending aside', 'keep\ngo\r\n', {line: 'go'}, 'keep\n', 1],
	['nothing found', 'a\n', {regexp: '^b'}, 'a\n', 0],
];

for (const [title, before, search, after, found] of absentCases) {
	test(`lineinfile absent: ${title}`, t => {
		const edit = absentLine(splitLines(before), search);
		t.is(edit.lines.join(''), after);
		t.is(edit.found, found);
		t.is(edit.msg, found > 0 ? `${found} line(s) removed` : '');
	});
}

const markers = {markerBegin: '# BEGIN ANSIBLE MANAGED BLOCK', markerEnd: '# END ANSIBLE MANAGED BLOCK'};
const blockCases: Array<[string, string, Partial<BlockOptions> & {block: string}, string]> = [
	['at the end by default', 'a\n', {block: 'x\ny'}, `a\n${markers.markerBegin}\nx\ny\n${markers.markerEnd}\n`],
	['after a file without a final newline', 'a', {block: 'x'}, `a\n${markers.markerBegin}\nx\n${markers.markerEnd}\n`],
	['replaced between its markers, in place', `a\n${markers.markerBegin}\nold\n${markers.markerEnd}\nb\n`, {block: 'new'}, `a\n${markers.markerBegin}\nnew\n${markers.markerEnd}\nb\n`],
	['markers in reverse order', `a\n${markers.markerEnd}\nb\n${markers.markerBegin}\nc\n`, {block: 'new'}, `a\n${markers.markerBegin}\nnew\n${markers.markerEnd}\nc\n`],
	['an empty block removes the markers and what is between', `a\n${markers.markerBegin}\nold\n${markers.markerEnd}\nb\n`, {block: ''}, 'a\nb\n'],
	['after the last line an expression matches', 'l1\nl2\nl3\nl2 again\n', {block: 'x', insertafter: 'l2'}, `l1\nl2\nl3\nl2 again\n${markers.markerBegin}\nx\n${markers.markerEnd}\n`],
	['before it', 'l1\nl2\nl3\n', {block: 'x', insertbefore: '^l2'}, `l1\n${markers.markerBegin}\nx\n${markers.markerEnd}\nl2\nl3\n`],
	['BOF', 'a\n', {block: 'x', insertbefore: 'BOF'}, `${markers.markerBegin}\nx\n${markers.markerEnd}\na\n`],
	['a (?m) expression is searched across lines', 'A =\n  (B =\n  c\n', {block: 'x', insertafter: '(?m)A =\\n.*\\(B ='}, `A =\n  (B =\n${markers.markerBegin}\nx\n${markers.markerEnd}\n  c\n`],
	['dos line endings kept', `u\n${markers.markerBegin}\ndos\r\n${markers.markerEnd}\nu\n`, {block: 'dos\r\ndos\r\n'}, `u\n${markers.markerBegin}\ndos\r\ndos\r\n${markers.markerEnd}\nu\n`],
	['prepend_newline and append_newline', 'a\nb\n', {block: 'x', insertafter: '^a$', prependNewline: true, appendNewline: true}, `a\n\n${markers.markerBegin}\nx\n${markers.markerEnd}\n\nb\n`],
];

for (const [title, before, options, after] of blockCases) {
	test(`blockinfile: ${title}`, t => {
		t.is(placeBlock(before, {...markers, ...options}), after);
	});
}

const pangrams = 'The quick brown fox jumps over the lazy dog.\nWe promptly judged antique ivory buckles for the next prize.\nJinxed wizards pluck ivy from the big quilt.\n';
const replaceCases: Array<[string, string, ReplaceOptions, string, number]> = [
	['every match', 'a a a\n', {regexp: 'a', replace: 'b'}, 'b b b\n', 3],
	['^ and $ at every line', 'x\ny\n', {regexp: '^(.+)$', replace: '"\\1"'}, '"x"\n"y"\n', 2],
	['\\A and \\Z at the text\'s ends only', 'x\ny', {regexp: '\\A([\\S\\s]+)\\Z', replace: '"\\1"'}, '"x\ny"', 1],
	['named groups and the whole match', 'port=80\n', {regexp: '^(?P<key>port)=80', replace: '\\g<key>: \\g<0>0'}, 'port: port=800\n', 1],
	['\\1 followed by a digit is group 1', 'a\n', {regexp: '(a)', replace: '\\g<1>0'}, 'a0\n', 1],
	['only before the last match of before', 'a b quilt c d\nquilt e f\n', {regexp: ' ', replace: '', before: 'quilt'}, 'abquiltcd\nquilt e f\n', 4],
	['only after the first match of after', pangrams, {regexp: ' ', replace: '', after: 'promptly'}, pangrams.replace(/promptly[\s\S]*/, text => text.replaceAll(' ', '')), 15],
	['between after and before', 'a e\nS e e E e\n', {regexp: 'e', replace: '3', after: 'S', before: 'E'}, 'a e\nS 3 3 E e\n', 2],
	['a replacement that changes nothing counts none', 'x=1\n', {regexp: '(x)=(1)', replace: '\\1=\\2'}, 'x=1\n', 0],
];

for (const [title, before, options, after, count] of replaceCases) {
	test(`replace: ${title}`, t => {
		t.deepEqual(replaceAll(before, options), {text: after, count});
	});
}

test('replace: a section that is not there is reported with its pattern', t => {
	t.deepEqual(replaceAll(pangrams, {regexp: 'e', replace: '3', after: 'quilt', before: 'promptly'}), {unmatched: 'quilt(?P<subsection>.*?)promptly'});
});
