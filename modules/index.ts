import type {AnyModule} from '../engine/module.js';

/** Every module pb knows, by name. A module is added here and nowhere else. */
export const modules: ReadonlyMap<string, AnyModule> = new Map<string, AnyModule>([]);
