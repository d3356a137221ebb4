import test from 'ava';
import {PbError} from '../../engine/errors.js';
import {inSlice, parseSlice, splitHosts} from '../../engine/inventory/slices.js';

const hosts = (count: number) => Array.from({length: count}, (_, index) => `h${index + 1}`);

/** The hosts of each slice, slice 1 first. */
function blocks(names: readonly string[], count: number): string[][] {
	const slices = splitHosts(names, count);
	return Array.from({length: count}, (_, index) => names.filter(name => slices.get(name) === index + 1));
}

test('12 hosts in 4 slices: three each, contiguous, in inventory order', t => {
	t.deepEqual(blocks(hosts(12), 4), [['h1', 'h2', 'h3'], ['h4', 'h5', 'h6'], ['h7', 'h8', 'h9'], ['h10', 'h11', 'h12']]);
});

test('an uneven split: sizes differ by one at most, by floor(K*H/N)', t => {
	t.deepEqual(blocks(hosts(10), 4).map(block => block.length), [2, 3, 2, 3]);
	t.deepEqual(blocks(hosts(10), 4).flat(), hosts(10), 'every host once, in order');
	t.deepEqual(blocks(hosts(7), 3), [['h1', 'h2'], ['h3', 'h4'], ['h5', 'h6', 'h7']]);
});

test('the split is stable: the same hosts give the same slices, whatever their names', t => {
	const names = ['zeta', 'alpha', 'mid', 'beta', 'omega'];
	t.deepEqual(splitHosts(names, 2), splitHosts([...names], 2));
	t.deepEqual(blocks(names, 2), [['zeta', 'alpha'], ['mid', 'beta', 'omega']], 'inventory order, not sorted');
});

test('more slices than hosts: some slices get no host, every host one slice', t => {
	t.deepEqual(blocks(hosts(3), 5), [[], ['h1'], [], ['h2'], ['h3']]);
	t.deepEqual(blocks([], 2), [[], []]);
	t.deepEqual(blocks(hosts(2), 1), [['h1', 'h2']]);
});

test('K/N parses; a malformed one is an options error (exit 5) quoting it', t => {
	t.deepEqual(parseSlice('2/4'), {index: 2, count: 4});
	t.deepEqual(parseSlice('1/1'), {index: 1, count: 1});
	for (const bad of ['0/4', '5/4', '1/0', '0/0', '-1/4', '1.5/4', '2/4.0', 'a/b', '2', '2/', '/4', '2/4/8', '']) {
		const error = t.throws(() => parseSlice(bad), {instanceOf: PbError}, bad);
		t.is(error?.kind, 'options');
		t.true(error?.message.includes(JSON.stringify(bad)), error?.message);
	}
});

test('a play keeps only its hosts in the slice; unsliced, all of them', t => {
	t.deepEqual(inSlice(['h1', 'h2', 'h3'], new Set(['h3', 'h1', 'h9'])), ['h1', 'h3']);
	t.deepEqual(inSlice(['h1', 'h2'], undefined), ['h1', 'h2']);
});
