import {resolve} from 'node:path';
import type {Connection} from '../connection/connection.js';
import {openConnection} from '../connection/open.js';
import {PbError} from '../errors.js';
import {connectionSettings, type ConnectionSettings} from '../inventory/connection-settings.js';
import {userInfo} from 'node:os';
import {localhostNames, type Inventory} from '../inventory/inventory.js';
import {loadYamlFile} from '../load/yaml.js';
import type {ModuleTask, Play, Playbook} from '../playbook/types.js';
import type {EventSink, Recap} from '../report/events.js';
import {Redactor} from '../report/redact.js';
import {renderValue} from '../vars/template.js';
import {HostRun} from './host-run.js';
import {RunContext, type RunOptions} from './run-context.js';
import type {Scope} from './scope.js';
import {inventoryView} from './variables.js';
import {flushHandlers, runTasks} from './walk.js';

export interface RunSettings extends RunOptions {
	readonly limit: string | undefined;
	readonly acceptNewHostKeys: boolean;
	readonly connectTimeoutMs: number;
}

export interface RunSummary {
	readonly recap: Readonly<Record<string, Recap>>;
}

/** Opens a host's one connection on first use; every later task reuses it. */
function connector(name: string, how: ConnectionSettings, vars: Record<string, unknown>, settings: RunSettings, opened: Connection[]): () => Promise<Connection> {
	let connection: Promise<Connection> | undefined;
	return async () => {
		connection ??= (async () => {
			const knownHosts = vars.ansible_ssh_known_hosts_file;
			const open = await openConnection(how.connection === 'local'
				? {connection: 'local', host: name}
				: {
					connection: 'ssh',
					host: name,
					address: how.address,
					port: how.port,
					user: how.user,
					privateKeyFile: how.privateKeyFile,
					password: how.password,
					knownHostsFile: knownHosts === undefined ? undefined : String(knownHosts),
					acceptNewHostKeys: settings.acceptNewHostKeys,
					connectTimeoutMs: settings.connectTimeoutMs,
				});
			opened.push(open);
			return open;
		})();
		return connection;
	};
}

function hostRuns(inventory: Inventory, settings: RunSettings, opened: Connection[], redactor: Redactor): Map<string, HostRun> {
	const hosts = new Map<string, HostRun>();
	const names = [...inventory.hosts.keys()];
	for (const name of localhostNames) {
		if (!inventory.hosts.has(name)) {
			names.push(name);
		}
	}

	for (const name of names) {
		const listed = inventory.hosts.has(name);
		// The implicit localhost runs without SSH, as in Ansible.
		const vars = listed ? inventory.hostVars(name) : {...inventory.hostVars(name), ansible_connection: 'local'};
		// Connection variables may be templates (ansible_host: "{{ addr }}", a vaulted password).
		const view = inventoryView(name, vars, settings.extraVars);
		redactor.addFrom(view);
		const how = connectionSettings(name, view);
		const loginUser = how.connection === 'local' ? userInfo().username : how.user;
		hosts.set(name, new HostRun(name, vars, loginUser, connector(name, how, view, settings, opened)));
	}

	return hosts;
}

/** serial: batch sizes as numbers or percentages; the last one repeats. */
function batches(hosts: HostRun[], serial: Play['serial']): HostRun[][] {
	if (serial.length === 0) {
		return [hosts];
	}

	const result: HostRun[][] = [];
	let at = 0;
	let index = 0;
	while (at < hosts.length) {
		const size = serial[Math.min(index, serial.length - 1)]!;
		const count = typeof size === 'number' ? size : Math.max(1, Math.floor(hosts.length * Number.parseInt(size, 10) / 100));
		result.push(hosts.slice(at, at + count));
		at += count;
		index++;
	}

	return result;
}

/** Play vars, then vars_files (those named by templates are read now, with the play's vars). */
function playVars(play: Play, extraVars: Readonly<Record<string, unknown>>): Record<string, unknown> {
	const vars: Record<string, unknown> = {...play.vars};
	for (const file of play.varsFiles) {
		if (file.vars) {
			Object.assign(vars, file.vars);
			continue;
		}

		const path = resolve(play.dir, String(renderValue(file.path, {...vars, ...extraVars}, file.where)));
		let doc;
		try {
			doc = loadYamlFile(path);
		} catch (error) {
			throw new PbError(`vars_files: cannot read ${path}`, {kind: 'runtime', where: file.where, hint: 'Relative paths start from the playbook\'s folder.', cause: error});
		}

		if (doc.value !== null && typeof doc.value === 'object' && !Array.isArray(doc.value)) {
			Object.assign(vars, doc.value);
		} else if (doc.value !== null) {
			throw new PbError(`vars file ${path} must hold a mapping of variables`, {kind: 'runtime', where: file.where});
		}
	}

	return vars;
}

function gatherFactsTask(run: RunContext, play: Play): ModuleTask {
	return {
		kind: 'module', name: 'Gathering Facts', where: play.where, when: [], tags: ['always'], vars: {}, become: undefined,
		becomeUser: undefined, environment: undefined, checkMode: false, noLog: false, ignoreErrors: false, delegateTo: undefined,
		runOnce: false, dir: play.dir, module: run.options.registry.get('setup')!, args: {}, argWhere: {}, register: undefined,
		notify: [], loop: undefined, loopVar: 'item', loopLabel: undefined, changedWhen: undefined, failedWhen: undefined,
		until: undefined, retries: 0, delay: 0, listen: [], loopIndexVar: undefined, loopPause: 0,
	};
}

/** pre_tasks, tasks and post_tasks, each followed by the handlers they notified. */
async function runSections(run: RunContext, scope: Scope, hosts: HostRun[]): Promise<void> {
	const {play} = scope;
	const sections = [play.preTasks, play.tasks, play.postTasks];
	if (play.gatherFacts && hosts.some(host => Object.keys(host.facts).length === 0)) {
		sections.unshift([gatherFactsTask(run, play)]);
	}

	for (const tasks of sections) {
		const active = hosts.filter(host => host.active);
		for (const host of await runTasks(run, tasks, scope, active)) {
			host.failed = true;
		}

		await flushHandlers(run, scope, hosts);
	}
}

/** Returns the play's hosts, for the recap. */
async function runPlay(run: RunContext, play: Play, inventory: Inventory, settings: RunSettings): Promise<HostRun[]> {
	const pattern = String(renderValue(play.hosts, {...settings.extraVars}, play.where));
	const selection = inventory.selectHosts(pattern, settings.limit);
	for (const warning of selection.warnings) {
		run.emit({kind: 'warning', msg: warning});
	}

	const hosts = selection.hosts.map(name => run.hosts.get(name)!).filter(host => !host.failed && !host.unreachable);
	run.emit({kind: 'play-start', name: play.name, hosts: hosts.map(host => host.name)});
	for (const host of hosts) {
		host.ended = false;
	}

	const vars = playVars(play, settings.extraVars);
	const state = {aborted: false};
	for (const batch of batches(hosts, play.serial)) {
		const scope: Scope = {play, playVars: vars, playHosts: batch, chain: [], state};
		if (play.strategy === 'free') {
			await Promise.all(batch.map(async host => runSections(run, scope, [host])));
		} else {
			await runSections(run, scope, batch);
		}

		// As in Ansible, a batch in which every host failed, or an aborted one, ends the play.
		if (state.aborted || batch.every(host => host.failed || host.unreachable)) {
			break;
		}
	}

	return hosts;
}

/** Runs the playbooks in order over the inventory; events go to `emit`, nothing is printed here. */
export async function runPlaybooks(playbooks: readonly Playbook[], inventory: Inventory, settings: RunSettings, output: EventSink): Promise<RunSummary> {
	const startedAt = Date.now();
	const opened: Connection[] = [];
	const redactor = new Redactor();
	redactor.addFrom(settings.extraVars);
	const hosts = hostRuns(inventory, settings, opened, redactor);
	const groups: Record<string, readonly string[]> = {};
	for (const name of inventory.groups.keys()) {
		groups[name] = inventory.groupHosts(name);
	}

	const run = new RunContext(settings, redactor, output, hosts, groups);
	const {emit} = run;
	const used = new Set<HostRun>();
	try {
		for (const playbook of playbooks) {
			emit({kind: 'playbook-start', file: playbook.file, check: settings.check});
			for (const play of playbook.plays) {
				for (const host of await runPlay(run, play, inventory, settings)) {
					used.add(host);
				}
			}
		}
	} finally {
		await Promise.all(opened.map(async connection => connection.close().catch(() => undefined)));
	}

	const recap: Record<string, Recap> = {};
	for (const host of used) {
		recap[host.name] = host.recap;
	}

	emit({kind: 'recap', hosts: recap, durationMs: Date.now() - startedAt});
	return {recap};
}
