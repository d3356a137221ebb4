import type {AnyModule} from '../engine/module.js';
import assert from './assert.js';
import command from './command.js';
import copy from './copy.js';
import debug from './debug.js';
import download from './download/index.js';
import fail from './fail.js';
import fetch from './fetch.js';
import file from './file.js';
import find from './find/index.js';
import getUrl from './get_url.js';
import meta from './meta.js';
import raw from './raw.js';
import script from './script.js';
import setFact from './set_fact.js';
import setup from './setup/index.js';
import shell from './shell.js';
import slurp from './slurp.js';
import stat from './stat.js';
import sysctl from './sysctl.js';
import systemd from './systemd.js';
import tempfile from './tempfile.js';
import template from './template.js';
import unarchive from './unarchive.js';
import untar from './untar/index.js';
import yum from './yum.js';

/** Ansible's own names of a module it has under ansible.builtin (ansible.legacy is the same, as Ansible resolves it). */
function builtin(name: string): string[] {
	return [`ansible.builtin.${name}`, `ansible.legacy.${name}`];
}

/** Erases the module's own parameter types, as the registry holds every kind. */
function entry(module: {readonly name: string}, names: readonly string[]): readonly [AnyModule, readonly string[]] {
	return [module as AnyModule, names];
}

/**
 * Every module pb knows, with the fully qualified names Ansible gives the same module, so that
 * Ansible content runs unchanged. download and untar are pb's own: Ansible has no such name.
 * A module is added here and nowhere else.
 */
const named = [
	entry(assert, builtin('assert')),
	entry(command, builtin('command')),
	entry(copy, builtin('copy')),
	entry(debug, builtin('debug')),
	entry(download, []),
	entry(fail, builtin('fail')),
	entry(fetch, builtin('fetch')),
	entry(file, builtin('file')),
	entry(find, builtin('find')),
	entry(getUrl, builtin('get_url')),
	entry(meta, builtin('meta')),
	entry(raw, builtin('raw')),
	entry(script, builtin('script')),
	entry(setFact, builtin('set_fact')),
	entry(setup, builtin('setup')),
	entry(shell, builtin('shell')),
	entry(slurp, builtin('slurp')),
	entry(stat, builtin('stat')),
	entry(sysctl, ['ansible.posix.sysctl']),
	// ansible-core 2.14 names the module systemd_service, with systemd kept as its alias.
	entry(systemd, [...builtin('systemd'), ...builtin('systemd_service')]),
	entry(tempfile, builtin('tempfile')),
	entry(template, builtin('template')),
	entry(unarchive, builtin('unarchive')),
	entry(untar, []),
	entry(yum, builtin('yum')),
];

/** Every module by every name it answers to: its own, then its FQCNs. */
export const modules: ReadonlyMap<string, AnyModule> = new Map<string, AnyModule>(
	named.flatMap(([module, names]) => [module.name, ...names].map(name => [name, module] as const)),
);
