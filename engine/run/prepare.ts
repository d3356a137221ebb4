import {resolve} from 'node:path';
import PQueue from 'p-queue';
import {userInfo} from 'node:os';
import type {Connection} from '../connection/connection.js';
import {openConnection} from '../connection/open.js';
import {connectionSettings, type ConnectionSettings} from '../inventory/connection-settings.js';
import type {Inventory} from '../inventory/inventory.js';
import type {ModuleTask, Play} from '../playbook/types.js';
import type {EventSink} from '../report/events.js';
import {Redactor} from '../report/redact.js';
import {vaultKeyring} from '../vault/keyring.js';
import {type Connector, HostRun} from './host-run.js';
import {type HostMaker, RunContext, type RunOptions} from './run-context.js';
import {inventoryView} from './variables.js';

/* What a run needs before its first task: every host with its connection to open, the groups, the secrets to mask. */

export interface RunSettings extends RunOptions {
	readonly acceptNewHostKeys: boolean;
	readonly connectTimeoutMs: number;
	/** Nothing is downloaded: what the controller's cache lacks fails the run before any host is changed. */
	readonly offline: boolean;
}

/**
 * SSH handshakes in progress at once. Each costs the controller a key exchange and a signature:
 * 200 started together on two CPUs took longer than the connect timeout for some hosts, which were
 * then counted unreachable. A handshake's timeout starts when its turn comes.
 */
const handshakesAtOnce = 20;

/**
 * Opens a host's one connection on first use; every later task reuses it. A reconnect (the host
 * rebooted, or is waited for) leaves the old connection to close on its own and opens another.
 */
function connector(name: string, how: ConnectionSettings, vars: Record<string, unknown>, settings: RunSettings, opened: Connection[], handshakes: PQueue): Connector {
	let connection: Promise<Connection> | undefined;
	const open = async (connectTimeoutMs: number | undefined) => handshakes.add(async () => {
		const knownHosts = vars.ansible_ssh_known_hosts_file;
		const opening = await openConnection(how.connection === 'local'
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
				hostKeyChecking: how.hostKeyChecking,
				keepalive: how.keepalive,
				connectTimeoutMs: connectTimeoutMs ?? (how.connectTimeoutSeconds === undefined ? settings.connectTimeoutMs : how.connectTimeoutSeconds * 1000),
			});
		opened.push(opening);
		return opening;
	});
	return {
		async connect() {
			connection ??= open(undefined);
			return connection;
		},
		async reconnect(connectTimeoutMs) {
			// Not awaited: a connection to a host that went away may take its keepalive timeout to close.
			void connection?.then(async old => old.close().catch(() => undefined), () => undefined);
			connection = open(connectTimeoutMs);
			return connection;
		},
	};
}

/** Makes each host of the run, those add_host adds included. */
function hostMaker(settings: RunSettings, opened: Connection[], redactor: Redactor, output: EventSink): HostMaker {
	const handshakes = new PQueue({concurrency: handshakesAtOnce});
	return (name, inventory) => {
		const listed = inventory.hosts.has(name);
		// The implicit localhost runs without SSH, as in Ansible.
		const vars = listed ? inventory.hostVars(name) : {...inventory.hostVars(name), ansible_connection: 'local'};
		// Connection variables may be templates (ansible_host: "{{ addr }}", a vaulted password).
		const view = inventoryView(name, vars, settings.extraVars);
		redactor.addFrom(view);
		const how = connectionSettings(name, view, settings.connectionDefaults);
		const loginUser = how.connection === 'local' ? userInfo().username : how.user;
		// A host add_host made is in no inventory file.
		const source = inventory.hosts.get(name)?.source;
		const warn = (msg: string) => output({kind: 'warning', host: name, msg});
		return new HostRun(name, vars, loginUser, connector(name, how, view, settings, opened, handshakes), warn, source ? resolve(source) : undefined);
	};
}

/** Play vars, then the vars_files named without templates (those with are read per host: vars-files.ts). */
export function playVars(play: Play): Record<string, unknown> {
	return Object.assign({...play.vars}, ...play.varsFiles.map(file => file.vars ?? {})) as Record<string, unknown>;
}

export function gatherFactsTask(run: RunContext, play: Play): ModuleTask {
	return {
		kind: 'module', implicit: true, name: 'Gathering Facts', where: play.where, when: [], tags: ['always'], vars: {}, become: undefined,
		becomeUser: undefined, environment: undefined, checkMode: false, noLog: false, ignoreErrors: false, delegateTo: undefined,
		runOnce: false, dir: play.dir, keyWhere: {}, module: run.options.registry.get('setup')!,
		args: play.gatherSubset === undefined ? {} : {gather_subset: play.gatherSubset}, argWhere: {}, register: undefined,
		notify: [], loop: undefined, loopWith: undefined, loopVar: 'item', loopLabel: undefined, changedWhen: undefined, failedWhen: undefined,
		until: undefined, retries: 0, delay: 0, listen: [], loopIndexVar: undefined, loopPause: 0,
		loopExtended: false, loopExtendedAllitems: true,
	};
}

/** A run ready to start, and the way to close the connections it opens. */
export function prepareRun(inventory: Inventory, settings: RunSettings, output: EventSink): {run: RunContext; close: () => Promise<void>} {
	const opened: Connection[] = [];
	const redactor = new Redactor();
	redactor.addFrom(settings.extraVars);
	redactor.add(settings.connectionDefaults.password);
	redactor.add(settings.connectionDefaults.becomePassword);
	vaultKeyring.watch(text => redactor.add(text));
	return {
		run: new RunContext(settings, redactor, output, inventory, hostMaker(settings, opened, redactor, output)),
		async close() {
			await Promise.all(opened.map(async connection => connection.close().catch(() => undefined)));
		},
	};
}
