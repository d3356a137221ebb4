import test from 'ava';
import {splitWords} from '../engine/shell-words.js';
import command from '../modules/command.js';

const texts = (line: string, comments = false) => splitWords(line, {comments}).map(word => word.text);

test('splitWords reads a line as Python\'s shlex.split does, expanding nothing', t => {
	t.deepEqual(texts('echo  "a b" \'c $d\' e\\ f "g\\"h" $HOME *'), ['echo', 'a b', 'c $d', 'e f', 'g"h', '$HOME', '*']);
	t.deepEqual(texts('printf "" x\'\'y'), ['printf', '', 'xy']);
	// Inside "…" only \" and \\ are escapes, as shlex has it (a POSIX shell would also take \$).
	t.deepEqual(texts('echo "\\$HOME \\n"'), ['echo', '\\$HOME \\n']);
});

test('splitWords: # starts a comment only where asked (inventory lines), and offsets point at each word', t => {
	t.deepEqual(texts('echo a#b # c'), ['echo', 'a#b', '#', 'c']);
	t.deepEqual(texts('web1 a=1 # c', true), ['web1', 'a=1']);
	t.deepEqual(splitWords('  x "y z"').map(word => word.offset), [2, 4]);
});

test('an unclosed quote in a command line is refused before any host, naming the line', t => {
	t.is(command.validate?.({cmd: 'echo "open', stdin_add_newline: true, strip_empty_ends: true} as never), 'the command has an unclosed " quote: echo "open');
});
