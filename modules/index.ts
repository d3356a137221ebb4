import type {AnyModule} from '../engine/module.js';
import addHost from './add_host.js';
import apt from './apt/index.js';
import aptRepository from './apt_repository.js';
import assert from './assert.js';
import authorizedKey from './authorized_key/index.js';
import blockinfile from './blockinfile.js';
import command from './command.js';
import copy from './copy.js';
import cron from './cron/index.js';
import debug from './debug.js';
import download from './download/index.js';
import fail from './fail.js';
import fetch from './fetch.js';
import file from './file.js';
import find from './find/index.js';
import getUrl from './get_url.js';
import git from './git/index.js';
import group from './group.js';
import groupBy from './group_by.js';
import hostname from './hostname.js';
import includeVars from './include_vars.js';
import lineinfile from './lineinfile.js';
import meta from './meta.js';
import modprobe from './modprobe/index.js';
import mount from './mount/index.js';
import packageModule from './package.js';
import packageFacts from './package_facts.js';
import pause from './pause.js';
import raw from './raw.js';
import reboot from './reboot.js';
import replace from './replace.js';
import script from './script.js';
import service from './service.js';
import serviceFacts from './service_facts.js';
import setFact from './set_fact.js';
import setup from './setup/index.js';
import shell from './shell.js';
import slurp from './slurp.js';
import stat from './stat.js';
import sysctl from './sysctl.js';
import systemd from './systemd/index.js';
import tempfile from './tempfile.js';
import template from './template.js';
import unarchive from './unarchive.js';
import untar from './untar/index.js';
import uri from './uri/index.js';
import user from './user/index.js';
import waitFor from './wait_for/index.js';
import waitForConnection from './wait_for_connection.js';
import yum, {dnf} from './yum/index.js';
import yumRepository from './yum_repository.js';

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
	entry(addHost, builtin('add_host')),
	entry(apt, builtin('apt')),
	entry(aptRepository, builtin('apt_repository')),
	entry(assert, builtin('assert')),
	entry(authorizedKey, ['ansible.posix.authorized_key']),
	entry(blockinfile, builtin('blockinfile')),
	entry(command, builtin('command')),
	entry(copy, builtin('copy')),
	entry(cron, builtin('cron')),
	entry(debug, builtin('debug')),
	entry(dnf, builtin('dnf')),
	entry(download, []),
	entry(fail, builtin('fail')),
	entry(fetch, builtin('fetch')),
	entry(file, builtin('file')),
	entry(find, builtin('find')),
	entry(getUrl, builtin('get_url')),
	entry(git, builtin('git')),
	entry(group, builtin('group')),
	entry(groupBy, builtin('group_by')),
	entry(hostname, builtin('hostname')),
	entry(includeVars, builtin('include_vars')),
	entry(lineinfile, builtin('lineinfile')),
	entry(meta, builtin('meta')),
	entry(modprobe, ['community.general.modprobe']),
	entry(mount, ['ansible.posix.mount']),
	entry(packageFacts, builtin('package_facts')),
	entry(packageModule, builtin('package')),
	entry(pause, builtin('pause')),
	entry(raw, builtin('raw')),
	entry(reboot, builtin('reboot')),
	entry(replace, builtin('replace')),
	entry(script, builtin('script')),
	entry(service, builtin('service')),
	entry(serviceFacts, builtin('service_facts')),
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
	entry(uri, builtin('uri')),
	entry(user, builtin('user')),
	entry(waitFor, builtin('wait_for')),
	entry(waitForConnection, builtin('wait_for_connection')),
	entry(yum, builtin('yum')),
	entry(yumRepository, builtin('yum_repository')),
];

/** Every module by every name it answers to: its own, then its FQCNs. */
export const modules: ReadonlyMap<string, AnyModule> = new Map<string, AnyModule>(
	named.flatMap(([module, names]) => [module.name, ...names].map(name => [name, module] as const)),
);
