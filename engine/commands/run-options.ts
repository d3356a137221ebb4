import {existsSync} from 'node:fs';
import {dirname, resolve} from 'node:path';
import type {Settings} from '../config/settings.js';
import {didYouMean} from '../did-you-mean.js';
import {PbError} from '../errors.js';
import type {ConnectionDefaults} from '../inventory/connection-settings.js';
import {loadInventory} from '../inventory/inventory.js';
import {loadYamlFile} from '../load/yaml.js';
import {parseKeyValues} from '../playbook/free-form.js';
import {loadPlaybook} from '../playbook/parse-play.js';
import {anyStartsHere, startableNames} from '../playbook/start-at.js';
import type {Playbook} from '../playbook/types.js';
import {validatePlaybook} from '../playbook/validate.js';
import type {VarsPrompt} from '../playbook/vars-prompt.js';
import type {RunSettings} from '../run/run-playbook.js';
import {vaultKeyring} from '../vault/keyring.js';
import {readVaultSecrets, type VaultPasswordFlags} from '../vault/secrets.js';
import {modules} from '../../modules/index.js';
import {askLine, askSecret} from './prompt.js';

/*
 * pb run's options, with ansible.cfg's settings below them, turned into a job: the inventory, the
 * playbooks read and checked, and the run's settings, all before any host is contacted.
 */

export function optionsError(message: string, hint?: string): PbError {
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

/** pb run's options as commander gives them. */
export interface RunFlags extends VaultPasswordFlags {
	inventory: string[];
	check?: boolean;
	diff?: boolean;
	limit?: string;
	/** --slice K/N. */
	slice?: string;
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
	verifyContent?: boolean;
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

export const splitTags = (values: readonly string[]) => values.flatMap(value => value.split(',')).map(tag => tag.trim()).filter(Boolean);

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
		sshArgs: config.get('ANSIBLE_SSH_ARGS') as string | undefined,
	};
}

/**
 * -i, else ansible.cfg's inventory (or ANSIBLE_INVENTORY), else Ansible's /etc/ansible/hosts
 * where it exists.
 */
export function inventorySources(flags: Pick<RunFlags, 'inventory'>, config: Settings): string[] {
	if (flags.inventory.length > 0) {
		return flags.inventory;
	}

	const configured = config.get('DEFAULT_HOST_LIST') as string[];
	const given = config.all.find(setting => setting.name === 'DEFAULT_HOST_LIST')?.origin !== 'default';
	return given ? configured : configured.filter(path => existsSync(path));
}

/** Reads and checks everything a run needs, before any host is contacted. */
export async function loadJob(files: readonly string[], flags: RunFlags, config: Settings) {
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

	checkPrompts(playbooks, vars);
	if (flags.startAtTask !== undefined && !anyStartsHere(playbooks, flags.startAtTask)) {
		throw optionsError(`--start-at-task '${flags.startAtTask}' matches no task of ${files.join(', ')}${didYouMean(flags.startAtTask, startableNames(playbooks))}`, '--list-tasks lists them. As in Ansible, tasks of include_tasks and include_role cannot be started at; those of import_tasks and roles can.');
	}

	return {settings, sources, inventory, playbooks};
}

/**
 * vars_prompt's question, as ansible-playbook asks it: `prompt [default]: `, private answers not
 * echoed, a confirmed one asked again until both agree. Without a terminal the default is taken
 * (loadJob has refused prompts without one).
 */
async function askVarsPrompt(prompt: VarsPrompt): Promise<string> {
	if (!process.stdin.isTTY && prompt.default !== undefined) {
		return prompt.default;
	}

	const question = `${prompt.prompt}${prompt.default === undefined ? '' : ` [${prompt.default}]`}: `;
	const ask = async (text: string) => (prompt.private ? askSecret : askLine)(text, `Pass it with -e ${prompt.name}=...`);
	for (;;) {
		const answer = await ask(question);
		if (!prompt.confirm || await ask(`confirm ${question}`) === answer) {
			return answer === '' && prompt.default !== undefined ? prompt.default : answer;
		}

		process.stderr.write('***** VALUES ENTERED DO NOT MATCH ****\n');
	}
}

/** Without a terminal, vars_prompt's variables -e does not give and no default covers stop the run before any host. */
function checkPrompts(playbooks: readonly Playbook[], vars: Readonly<Record<string, unknown>>): void {
	const unanswered = playbooks.flatMap(playbook => playbook.plays.flatMap(play => play.varsPrompt))
		.filter(prompt => !(prompt.name in vars) && prompt.default === undefined);
	if (unanswered.length > 0 && !process.stdin.isTTY) {
		const names = [...new Set(unanswered.map(prompt => prompt.name))];
		throw optionsError(`vars_prompt asks for ${names.join(', ')} on a terminal, and pb's input is not one`, `Pass ${names.length === 1 ? 'it' : 'them'} with -e: ${names.map(name => `-e ${name}=...`).join(' ')}`);
	}
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
		verifyContent: flags.verifyContent ?? false,
		gathering,
		startAtTask: flags.startAtTask,
		step: flags.step ? stepQuestion : undefined,
		ask: askVarsPrompt,
	};
}
