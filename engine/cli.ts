#!/usr/bin/env node
import {existsSync, readFileSync} from 'node:fs';
import {dirname, resolve} from 'node:path';
import {Command, CommanderError} from 'commander';
import {formatError, PbError} from './errors.js';
import type {ConnectionDefaults} from './inventory/connection-settings.js';
import {loadInventory} from './inventory/inventory.js';
import {graphInventory, listInventory} from './inventory/listing.js';
import {checkTargets} from './inventory/targets.js';
import {dumpYaml, loadYamlFile, readYaml} from './load/yaml.js';
import {parseKeyValues} from './playbook/free-form.js';
import {didYouMean} from './did-you-mean.js';
import {listPlaybook} from './playbook/listing.js';
import {anyStartsHere, startableNames} from './playbook/start-at.js';
import type {Play} from './playbook/types.js';
import {loadPlaybook} from './playbook/parse-play.js';
import {validatePlaybook} from './playbook/validate.js';
import type {EventSink} from './report/events.js';
import {humanReporter} from './report/human.js';
import {jsonReporter} from './report/json.js';
import {moduleDoc, moduleList} from './report/module-doc.js';
import {runPlaybooks, type RunSettings} from './run/run-playbook.js';
import {artifactCache} from './artifacts/cache.js';
import {exportArtifacts, importArtifacts, pullArtifacts} from './commands/artifacts.js';
import {askLine, askSecret} from './commands/prompt.js';
import {versionText} from './commands/version.js';
import {vaultCommands, vaultPasswordOptions, type VaultFlags} from './commands/vault.js';
import {vaultKeyring} from './vault/keyring.js';
import {readVaultSecrets, type VaultPasswordFlags} from './vault/secrets.js';
import {setColor} from './report/color.js';
import {dumpSettings, loadSettings, type Settings} from './config/settings.js';
import {setYamlCodec} from './vars/template.js';
import {modules} from '../modules/index.js';

/* The command line: argv -> options -> load, validate, run -> exit code. The only process.exit. */

const exitCodes = {ok: 0, other: 1, hostFailed: 2, unreachableOrParse: 4, badOptions: 5} as const;

function optionsError(message: string, hint?: string): PbError {
	return new PbError(message, {kind: 'options', hint});
}

/** -e key=value, -e '{"json": 1}', -e @vars.yml; later ones win. */
function extraVars(values: readonly string[]): Record<string, unknown> {
	const vars: Record<string, unknown> = {};
	for (const value of values) {
		if (value.startsWith('@')) {
			const doc = loadYamlFile(value.slice(1));
			if (doc.value === null || typeof doc.value !== 'object' || Array.isArray(doc.value)) {
				throw optionsError(`-e ${value}: the file must hold a mapping of variables`);
			}

			Object.assign(vars, doc.value);
		} else if (value.trim().startsWith('{')) {
			try {
				Object.assign(vars, JSON.parse(value) as Record<string, unknown>);
			} catch (error) {
				throw optionsError(`-e ${value}: not valid JSON (${(error as Error).message})`);
			}
		} else {
			const pairs = parseKeyValues(value);
			if (!pairs || Object.keys(pairs).length === 0) {
				throw optionsError(`-e ${JSON.stringify(value)}: expected key=value, a JSON object, or @file.yml`);
			}

			Object.assign(vars, pairs);
		}
	}

	return vars;
}

function collect(value: string, previous: string[]): string[] {
	return [...previous, value];
}

/** Options given as [flags, description]; one whose description says `(repeatable)` collects its values. */
function addOptions(command: Command, options: ReadonlyArray<readonly [string, string]>): void {
	for (const [flags, description] of options) {
		if (description.endsWith('(repeatable)')) {
			command.option(flags, description, collect, []);
		} else {
			command.option(flags, description);
		}
	}
}

interface RunFlags extends VaultPasswordFlags {
	inventory: string[];
	check?: boolean;
	diff?: boolean;
	limit?: string;
	tags: string[];
	skipTags: string[];
	extraVars: string[];
	forks?: string;
	verbose: number;
	json?: boolean;
	syntaxCheck?: boolean;
	listTasks?: boolean;
	listTags?: boolean;
	startAtTask?: string;
	step?: boolean;
	listHosts?: boolean;
	acceptNewHostKeys?: boolean;
	timeout?: string;
	offline?: boolean;
	connection?: string;
	user?: string;
	privateKey?: string;
	askPass?: boolean;
	become?: boolean;
	becomeUser?: string;
	askBecomePass?: boolean;
}

function positiveInt(value: string, flag: string): number {
	const number = Number(value);
	if (!Number.isInteger(number) || number < 1) {
		throw optionsError(`${flag} takes a whole number from 1 up, got ${JSON.stringify(value)}`);
	}

	return number;
}

const splitTags = (values: readonly string[]) => values.flatMap(value => value.split(',')).map(tag => tag.trim()).filter(Boolean);

/** -c, -u, --private-key, -b, --become-user, and the passwords -k and -K ask for, as ansible-playbook asks. */
async function connectionDefaults(flags: RunFlags, config: Settings): Promise<ConnectionDefaults> {
	if (flags.connection !== undefined && flags.connection !== 'ssh' && flags.connection !== 'local') {
		throw optionsError(`-c ${flags.connection}: pb connects with ssh or local only`);
	}

	if (config.get('DEFAULT_BECOME_METHOD') !== 'sudo') {
		throw optionsError(`become_method (ansible.cfg or ANSIBLE_BECOME_METHOD) is '${String(config.get('DEFAULT_BECOME_METHOD'))}': pb becomes with sudo only`);
	}

	const password = flags.askPass || config.get('DEFAULT_ASK_PASS') === true ? await askSecret('SSH password: ', 'Set ansible_password for the hosts (in a vault-encrypted file), or use a key (--private-key).') : undefined;
	const asked = flags.askBecomePass || config.get('DEFAULT_BECOME_ASK_PASS') === true
		? await askSecret(password === undefined ? 'BECOME password: ' : 'BECOME password[defaults to SSH password]: ', 'Set ansible_become_password for the hosts (in a vault-encrypted file).')
		: undefined;
	return {
		connection: flags.connection,
		user: flags.user ?? config.get('DEFAULT_REMOTE_USER') as string | undefined,
		privateKeyFile: flags.privateKey ?? config.get('DEFAULT_PRIVATE_KEY_FILE') as string | undefined,
		password,
		become: flags.become ?? (config.get('DEFAULT_BECOME') === true || undefined),
		becomeUser: flags.becomeUser ?? config.get('DEFAULT_BECOME_USER') as string,
		becomePassword: asked === '' ? password : asked,
		hostKeyChecking: config.get('HOST_KEY_CHECKING') as boolean,
	};
}

/**
 * -i, else ansible.cfg's inventory (or ANSIBLE_INVENTORY), else Ansible's /etc/ansible/hosts
 * where it exists.
 */
function inventorySources(flags: Pick<RunFlags, 'inventory'>, config: Settings): string[] {
	if (flags.inventory.length > 0) {
		return flags.inventory;
	}

	const configured = config.get('DEFAULT_HOST_LIST') as string[];
	const given = config.all.find(setting => setting.name === 'DEFAULT_HOST_LIST')?.origin !== 'default';
	return given ? configured : configured.filter(path => existsSync(path));
}

/** Reads and checks everything a run needs, before any host is contacted. */
async function loadJob(files: readonly string[], flags: RunFlags, config: Settings) {
	// The vault passwords come first: any file read from here on may be encrypted, -e @file too.
	vaultKeyring.use(await readVaultSecrets(flags, config.get('DEFAULT_VAULT_PASSWORD_FILE') as string | undefined));
	const vars = extraVars(flags.extraVars);
	if (flags.step && !process.stdin.isTTY) {
		throw optionsError('--step asks before each task on a terminal, and pb\'s input is not one', 'Run it from a terminal, or without --step.');
	}

	// Bad options are found before any file is read: they are exit code 5, not 4.
	const settings = {...settingsOf(flags, vars, config), connectionDefaults: await connectionDefaults(flags, config)};
	const sources = inventorySources(flags, config);
	const inventory = await loadInventory(sources, files.map(file => dirname(resolve(file))));
	const playbooks = files.map(file => loadPlaybook(file, modules));
	for (const playbook of playbooks) {
		validatePlaybook(playbook, inventory, vars);
	}

	if (flags.startAtTask !== undefined && !anyStartsHere(playbooks, flags.startAtTask)) {
		throw optionsError(`--start-at-task '${flags.startAtTask}' matches no task of ${files.join(', ')}${didYouMean(flags.startAtTask, startableNames(playbooks))}`, '--list-tasks lists them. As in Ansible, tasks of include_tasks and include_role cannot be started at; those of import_tasks and roles can.');
	}

	return {settings, sources, inventory, playbooks};
}

/** --step's question, as ansible-playbook asks it; no answer is no. */
async function stepQuestion(task: string): Promise<'yes' | 'no' | 'continue'> {
	const answer = (await askLine(`Perform task: TASK: ${task} (N)o/(y)es/(c)ontinue: `, 'Run without --step, or from a terminal.')).trim().toLowerCase();
	return ['y', 'yes'].includes(answer) ? 'yes' : ['c', 'continue'].includes(answer) ? 'continue' : 'no';
}

const gatherings = ['implicit', 'explicit', 'smart'] as const;

function settingsOf(flags: RunFlags, vars: Record<string, unknown>, config: Settings): Omit<RunSettings, 'connectionDefaults'> {
	const gathering = config.get('DEFAULT_GATHERING') as typeof gatherings[number];
	if (!gatherings.includes(gathering)) {
		throw optionsError(`gathering (ansible.cfg or ANSIBLE_GATHERING) is '${gathering}': it takes implicit, explicit or smart`);
	}

	return {
		check: flags.check ?? false,
		diff: flags.diff ?? false,
		forks: positiveInt(flags.forks ?? String(config.get('DEFAULT_FORKS')), '--forks'),
		tags: splitTags(flags.tags),
		skipTags: splitTags(flags.skipTags),
		extraVars: vars,
		verbosity: flags.verbose,
		registry: modules,
		limit: flags.limit,
		acceptNewHostKeys: flags.acceptNewHostKeys ?? false,
		connectTimeoutMs: positiveInt(flags.timeout ?? String(config.get('DEFAULT_TIMEOUT')), '--timeout') * 1000,
		offline: flags.offline ?? false,
		gathering,
		startAtTask: flags.startAtTask,
		step: flags.step ? stepQuestion : undefined,
	};
}

/*
 * stdout through a pipe or into a file gets one write per turn of the event loop: a run over
 * hundreds of hosts prints a line per host and task, and each write there is a system call. A
 * terminal gets each line at once, in step with the progress bars. stderr lines wait for what
 * stdout has pending, so the two keep their order.
 */
const pending: string[] = [];
function flushOut(): void {
	if (pending.length > 0) {
		process.stdout.write(`${pending.join('\n')}\n`);
		pending.length = 0;
	}
}

process.on('exit', flushOut);

const out = (text: string) => {
	if (process.stdout.isTTY) {
		process.stdout.write(`${text}\n`);
	} else if (pending.push(text) === 1) {
		setImmediate(flushOut);
	}
};

const err = (text: string) => {
	flushOut();
	process.stderr.write(`${text}\n`);
};

function reporter(flags: Pick<RunFlags, 'json' | 'verbose'>): EventSink {
	return flags.json ? jsonReporter(out) : humanReporter({verbosity: flags.verbose, tty: process.stdout.isTTY === true, write: out, warn: err});
}

async function run(files: string[], flags: RunFlags, config: Settings): Promise<number> {
	const {settings, sources, inventory, playbooks} = await loadJob(files, flags, config);
	const emit = reporter(flags);
	for (const warning of inventory.warnings) {
		emit({kind: 'warning', msg: warning});
	}

	checkTargets(inventory, sources, flags.limit, msg => emit({kind: 'warning', msg}));
	if (flags.syntaxCheck) {
		for (const playbook of playbooks) {
			out(`playbook: ${playbook.file}`);
		}

		return exitCodes.ok;
	}

	if (flags.listTasks || flags.listTags || flags.listHosts) {
		const hosts = flags.listHosts ? (play: Play) => inventory.selectHosts(play.hosts, flags.limit).hosts : undefined;
		for (const [index, playbook] of playbooks.entries()) {
			out(listPlaybook(playbook, files[index]!, {tasks: flags.listTasks ?? false, tags: flags.listTags ?? false, hosts, only: settings.tags, skip: settings.skipTags}));
		}

		return exitCodes.ok;
	}

	artifactCache().offline = settings.offline;
	const {recap} = await runPlaybooks(playbooks, inventory, settings, emit);
	const counts = Object.values(recap);
	if (counts.some(host => host.unreachable > 0)) {
		return exitCodes.unreachableOrParse;
	}

	return counts.some(host => host.failed > 0) ? exitCodes.hostFailed : exitCodes.ok;
}

async function pull(files: string[], flags: RunFlags & {arch: string[]}, config: Settings): Promise<number> {
	const {settings, inventory, playbooks} = await loadJob(files, flags, config);
	const report = await pullArtifacts(playbooks, inventory, settings, splitTags(flags.arch), reporter(flags), out);
	for (const line of report.undecided) {
		err(`[WARNING]: not pulled, its parameters are known only during a run: ${line}`);
	}

	out(`${report.fetched.length} artifact(s) in the controller's cache at ${artifactCache().directory}`);
	return exitCodes.ok;
}

/** commander's error as one line, with its nearest option or command, or where to find them. */
function oneLineError(text: string): string {
	const line = text.trim().replaceAll(/\s*\n\s*/g, ' ').replace(/\(Did you mean /, '(did you mean ');
	return `pb: ${line}${/did you mean|missing/.test(line) ? '' : ' (--help lists them)'}`;
}

function program(config: Settings): Command {
	const pb = new Command('pb').description('Runs Ansible-style YAML playbooks over SSH, in parallel, with a --check that is right.')
		.version(versionText(), '--version', 'pb\'s version, Node\'s, and the ansible.cfg in use')
		.exitOverride()
		// One line, with commander's nearest option or command when there is one: not the whole help.
		.configureOutput({outputError: (text, write) => write(`${oneLineError(text)}\n`)});
	pb.command('run')
		.description('Run playbooks against an inventory')
		.argument('<playbook...>', 'playbook files, run in order')
		.option('-i, --inventory <path>', 'inventory file, directory or host list (repeatable)', collect, [])
		.option('-C, --check', 'change nothing; report what would change')
		.option('-D, --diff', 'show the differences files and settings would go through')
		.option('-l, --limit <pattern>', 'run only on hosts matching this pattern')
		.option('-t, --tags <tags>', 'run only tasks with these tags (comma separated, repeatable)', collect, [])
		.option('--skip-tags <tags>', 'skip tasks with these tags', collect, [])
		.option('-e, --extra-vars <vars>', 'key=value, JSON, or @file.yml; highest precedence (repeatable)', collect, [])
		.option('-f, --forks <n>', 'how many hosts at once (ansible.cfg forks; 50)')
		.option('-v, --verbose', 'more detail (-vv, -vvv: more still)', (_value: string, previous: number) => previous + 1, 0)
		.option('--json', 'one JSON event per line instead of text')
		.option('--syntax-check', 'check the playbooks and stop')
		.option('--list-tasks', 'list the tasks that would run')
		.option('--list-tags', 'list the tags of the tasks that would run')
		.option('--step', 'ask before each task whether to run it: (N)o/(y)es/(c)ontinue')
		.option('--start-at-task <name>', 'start at the first task of this name (or `role : name`, or an fnmatch pattern)')
		.option('--list-hosts', 'list the hosts each play would run on')
		.option('--accept-new-host-keys', 'add unknown SSH host keys to known_hosts (a changed key still fails)')
		.option('-T, --timeout <seconds>', 'SSH connect timeout (ansible.cfg timeout; 10)')
		.option('--offline', 'download nothing: artifacts come from the controller\'s cache (`pb artifacts`), checked before any host is changed')
		.option('-c, --connection <type>', 'how to reach hosts whose inventory does not say (ansible_connection): ssh or local')
		.option('-u, --user <name>', 'the user to log in as where the inventory names none (ansible_user)')
		.option('--private-key, --key-file <file>', 'the SSH key where the inventory names none (ansible_ssh_private_key_file)')
		.option('-k, --ask-pass', 'ask for the SSH password')
		.option('-b, --become', 'run tasks with become (sudo) unless a play or task says otherwise')
		.option('--become-user <name>', 'the user to become (default root)')
		.option('-K, --ask-become-pass', 'ask for the become (sudo) password')
		.action(async (files: string[], flags: RunFlags) => {
			process.exitCode = await run(files, flags, config);
		});
	addOptions(pb.commands.at(-1)!, vaultPasswordOptions);
	const artifacts = pb.command('artifacts').description('The controller\'s artifact cache, for offline and air-gapped runs');
	artifacts.command('pull')
		.description('Fetch every artifact the playbooks would download into the controller\'s cache, verified')
		.argument('<playbook...>', 'playbook files')
		.option('-i, --inventory <path>', 'inventory file, directory or host list (repeatable)', collect, [])
		.option('-e, --extra-vars <vars>', 'key=value, JSON, or @file.yml (repeatable)', collect, [])
		.option('-l, --limit <pattern>', 'only for hosts matching this pattern')
		.option('--arch <archs>', 'for these architectures (amd64,arm64) without contacting the hosts; default: each host\'s own', collect, [])
		.option('-T, --timeout <seconds>', 'SSH connect timeout (ansible.cfg timeout; 10)')
		.option('-f, --forks <n>', 'how many hosts at once (ansible.cfg forks; 50)')
		.option('--accept-new-host-keys', 'add unknown SSH host keys to known_hosts')
		.action(async (files: string[], flags: RunFlags & {arch: string[]}) => {
			process.exitCode = await pull(files, {...flags, tags: [], skipTags: [], verbose: 0}, config);
		});
	addOptions(artifacts.commands.at(-1)!, vaultPasswordOptions);
	artifacts.command('export')
		.description('Write the controller\'s cache to a tar file, to carry to an air-gapped controller')
		.argument('<file>', 'the tar file to write')
		.action(async (file: string) => {
			out(`${await exportArtifacts(file)} artifact(s) written to ${file}`);
		});
	artifacts.command('import')
		.description('Add an exported cache to this controller\'s, each artifact checked against its sha256')
		.argument('<file>', 'a tar file from `pb artifacts export`')
		.action(async (file: string) => {
			out(`${await importArtifacts(file)} artifact(s) imported into ${artifactCache().directory}`);
		});
	pb.command('inventory')
		.description('Show an inventory as pb reads it')
		.option('-i, --inventory <path>', 'inventory file, directory or host list (repeatable)', collect, [])
		.option('--list', 'JSON: groups, hosts and their variables (as ansible-inventory --list)')
		.option('--graph', 'the group tree')
		.action(async (flags: {inventory: string[]; list?: boolean; graph?: boolean}) => {
			if (!flags.list && !flags.graph) {
				throw optionsError('pb inventory needs --list or --graph');
			}

			const inventory = await loadInventory(inventorySources(flags, config));
			process.stdout.write(`${flags.graph ? graphInventory(inventory) : listInventory(inventory)}\n`);
		});
	pb.command('config').description('The ansible.cfg settings and ANSIBLE_* variables pb reads')
		.command('dump').description('Each setting, its value and where it came from, as ansible-config dump; keys pb ignores, and why')
		.option('--only-changed', 'only the settings that are not at their default')
		.action((flags: {onlyChanged?: boolean}) => {
			out(dumpSettings(flags.onlyChanged ? {...config, all: config.all.filter(setting => setting.origin !== 'default')} : config));
		});
	const vault = pb.command('vault').description('Encrypt and decrypt files and strings as ansible-vault does');
	for (const command of vaultCommands) {
		const sub = vault.command(command.name).description(command.description).argument(command.argument);
		addOptions(sub, command.options);
		sub.action(async (args: string[] | string | undefined, flags: VaultFlags) => {
			const words = args === undefined ? [] : [args].flat();
			await command.action(words, flags, {
				write: text => process.stdout.write(text),
				readStdin: () => readFileSync(0, 'utf8'),
				configuredPasswordFile: config.get('DEFAULT_VAULT_PASSWORD_FILE') as string | undefined,
			});
		});
	}

	pb.command('modules').description('List the modules').action(() => {
		process.stdout.write(`${moduleList(modules)}\n`);
	});
	pb.command('doc').description('Show a module\'s parameters and an example').argument('<module>').action((name: string) => {
		const module = modules.get(name);
		if (!module) {
			throw optionsError(`no module named '${name}'; \`pb modules\` lists them`);
		}

		process.stdout.write(`${moduleDoc(module, modules)}\n`);
	});
	return pb;
}

async function main(): Promise<void> {
	setYamlCodec({dump: dumpYaml, load: readYaml});
	try {
		const config = loadSettings();
		setColor({nocolor: config.get('ANSIBLE_NOCOLOR') === true, forceColor: config.get('ANSIBLE_FORCE_COLOR') === true});
		await program(config).parseAsync(process.argv);
	} catch (error) {
		if (error instanceof CommanderError) {
			process.exitCode = error.exitCode === 0 ? exitCodes.ok : exitCodes.badOptions;
			return;
		}

		err(`ERROR! ${formatError(error)}`);
		const kind = error instanceof PbError ? error.kind : 'runtime';
		process.exitCode = kind === 'parse' ? exitCodes.unreachableOrParse : kind === 'options' ? exitCodes.badOptions : exitCodes.other;
	}
}

await main();
