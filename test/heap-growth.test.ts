import test from 'ava';
import {heapGrowthGiven} from '../engine/heap-growth.js';

test('a heap growth given to node, in either spelling, is left to rule', t => {
	t.true(heapGrowthGiven(['--heap-growing-percent=80']));
	t.true(heapGrowthGiven(['--max-old-space-size=4096', '--heap_growing_percent=50']));
});

test('without one, pb sets its own', t => {
	t.false(heapGrowthGiven(['--enable-source-maps', '--max-old-space-size=4096']));
	t.false(heapGrowthGiven([]));
});
