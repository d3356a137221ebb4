import {containerdScenario} from './containerd.js';
import type {Scenario} from './scenario.js';
import {smallTasksScenario} from './small-tasks.js';

/** Every scenario `--scenarios` can name, in the order they run. */
export const scenarios: readonly Scenario[] = [containerdScenario, smallTasksScenario];

/** The scenario the scale runs repeat on light hosts. */
export const scaleScenario = smallTasksScenario;
