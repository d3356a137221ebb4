import test from 'ava';
import {limitsToRaise, wantedNeighbourLimits} from '../../bench/light/neighbour-table.js';

test('only the limits below the wanted ones are raised, and their values now are kept to put back', t => {
	t.deepEqual(limitsToRaise({gc_thresh1: 128, gc_thresh2: 512, gc_thresh3: 1024}, wantedNeighbourLimits), {gc_thresh3: 1024, gc_thresh2: 512, gc_thresh1: 128});
	t.deepEqual(limitsToRaise({gc_thresh1: 128, gc_thresh2: 8000, gc_thresh3: 16_000}, wantedNeighbourLimits), {gc_thresh1: 128});
	t.deepEqual(limitsToRaise({gc_thresh1: 2048, gc_thresh2: 4096, gc_thresh3: 8192}, wantedNeighbourLimits), {});
});

test('the largest limit is raised first, so the three never cross on the way up', t => {
	t.deepEqual(Object.keys(limitsToRaise({gc_thresh1: 1, gc_thresh2: 1, gc_thresh3: 1}, wantedNeighbourLimits)), ['gc_thresh3', 'gc_thresh2', 'gc_thresh1']);
});
