import test from 'ava';
import {compatLane} from './harness/lane.js';

// Lane 2 of 2: ava runs the two lane files side by side, each with a lab of its own.
compatLane(test, 1, 2);
