#!/usr/bin/env node
import {readFileSync} from 'node:fs';
import {Command, CommanderError} from 'commander';
import {artifactCache} from './artifacts/cache.js';
import {exportArtifacts, importArtifacts} from './commands/artifacts.js';
import {err, out} from './commands/output.js';
import {mergeReports} from './commands/report.js';
import {exitCodes, pull, run} from './commands/run.js';
import {inventorySources, optionsError, type RunFlags} from './commands/run-options.js';
import {vaultCommands, vaultPasswordOptions, type VaultFlags} from './commands/vault.js';
import {versionText} from './commands/version.js';
import {dumpSettings, loadSettings, type Settings} from './config/settings.js';
import {formatError, PbError} from './errors.js';
import {limitHeapGrowth} from './heap-growth.js';
import {loadInventory} from './inventory/inventory.js';
import {graphInventory, listInventory} from './inventory/listing.js';
import {dumpYaml, readYaml} from './load/yaml.js';
import {setColor} from './report/color.js';
import {moduleDoc, moduleList} from './report/module-doc.js';
import {setYamlCodec} from './vars/template.js';
import {modules} from '../modules/index.js';

/* The command line: argv -> options -> the command (commands/) -> exit code. */

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
		.option('--slice <K/N>', 'run only slice K of N (1 <= K <= N): the hosts after --limit, in inventory order, cut into N even contiguous blocks; merge the slices\' --json with `pb report merge`')
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
		.option('--verify-content', 'hash every large file in full, trusting none of the sums pb keeps on the hosts (the quick check)')
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
	pb.command('report').description('Reports of runs')
		.command('merge').description('One recap and exit code from the --json streams of `pb run --slice K/N`, one file per slice; a host in two slices or in none is an error')
		.argument('<file...>', 'the --json output of each slice')
		.option('--json', 'the merged recap as a JSON event')
		.action((files: string[], flags: {json?: boolean}) => {
			process.exitCode = mergeReports(files, flags);
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
	limitHeapGrowth();
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
