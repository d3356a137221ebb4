import type {AnyModule} from '../engine/module.js';
import command from './command.js';
import copy from './copy.js';
import file from './file.js';
import shell from './shell.js';
import stat from './stat.js';

/** Every module pb knows, by name. A module is added here and nowhere else. */
export const modules: ReadonlyMap<string, AnyModule> = new Map<string, AnyModule>([
	['command', command],
	['copy', copy],
	['file', file],
	['shell', shell],
	['stat', stat],
]);
