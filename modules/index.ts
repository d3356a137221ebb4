import type {AnyModule} from '../engine/module.js';
import assert from './assert.js';
import command from './command.js';
import copy from './copy.js';
import debug from './debug.js';
import download from './download.js';
import fail from './fail.js';
import file from './file.js';
import meta from './meta.js';
import setFact from './set_fact.js';
import setup from './setup/index.js';
import shell from './shell.js';
import stat from './stat.js';
import sysctl from './sysctl.js';
import systemd from './systemd.js';
import template from './template.js';
import untar from './untar.js';
import yum from './yum.js';

/** Every module pb knows, by name. A module is added here and nowhere else. */
export const modules: ReadonlyMap<string, AnyModule> = new Map<string, AnyModule>(
	[assert, command, copy, debug, download, fail, file, meta, setFact, setup, shell, stat, sysctl, systemd, template, untar, yum].map(module => [module.name, module as AnyModule]),
);
