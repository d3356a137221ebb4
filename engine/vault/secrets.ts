import {spawnSync} from 'node:child_process';
import {accessSync, constants, readFileSync, statSync} from 'node:fs';
import {basename, extname, resolve} from 'node:path';
import {askSecret} from '../commands/prompt.js';
import {PbError} from '../errors.js';

/*
 * Vault passwords, from where ansible-playbook takes them: --vault-id LABEL@SOURCE (a file, a
 * script, or `prompt`), --vault-password-file (label `default`), ANSIBLE_VAULT_PASSWORD_FILE or
 * else ansible.cfg's vault_password_file (added after the flags' files, as Ansible adds it),
 * --ask-vault-pass.
 */

export interface VaultSecret {
	readonly label: string;
	readonly password: Buffer;
}

export interface VaultPasswordFlags {
	readonly vaultId?: readonly string[];
	readonly vaultPasswordFile?: readonly string[];
	readonly askVaultPass?: boolean;
}

const hint = 'Pass the vault password with --vault-password-file FILE, --vault-id LABEL@FILE or --ask-vault-pass.';

function failure(message: string): PbError {
	return new PbError(message, {kind: 'runtime', hint});
}

function checked(password: Buffer, source: string): Buffer {
	if (password.length === 0) {
		throw failure(`the vault password from ${source} is empty`);
	}

	return password;
}

function isExecutable(file: string): boolean {
	try {
		accessSync(file, constants.X_OK);
		return true;
	} catch {
		return false;
	}
}

/** A script whose name ends in -client (before any extension) is asked for one vault id's password. */
function isClientScript(file: string): boolean {
	return basename(file, extname(file)).endsWith('-client');
}

function runPasswordScript(file: string, label: string): Buffer {
	const client = isClientScript(file);
	// stderr goes to the terminal for a plain script, so it can prompt there; a client's is quoted on failure.
	const result = spawnSync(file, client ? ['--vault-id', label] : [], {stdio: ['inherit', 'pipe', client ? 'pipe' : 'inherit']});
	if (result.error) {
		throw failure(`cannot run the vault password script ${file}: ${result.error.message} (if it is not a script, remove its executable bit)`);
	}

	const stderr = result.stderr?.toString().trim() ?? '';
	if (client && result.status === 2) {
		throw failure(`the vault password client script ${file} found no secret for vault id ${label}${stderr ? `: ${stderr}` : ''}`);
	}

	if (result.status !== 0) {
		throw failure(`the vault password script ${file} exited with ${result.status ?? result.signal ?? '?'}${stderr ? `: ${stderr}` : ''}`);
	}

	return checked(Buffer.from(result.stdout.toString().replace(/^[\r\n]+|[\r\n]+$/g, '')), `script ${file}`);
}

/** A file's whole text, trimmed; an executable file is run and its output taken, as Ansible does. */
export function readPasswordSource(file: string, label: string): Buffer {
	const path = resolve(file);
	if (!(statSync(path, {throwIfNoEntry: false})?.isFile() ?? false)) {
		throw failure(`the vault password file ${path} was not found`);
	}

	if (isExecutable(path)) {
		return runPasswordScript(path, label);
	}

	return checked(Buffer.from(readFileSync(path, 'utf8').trim()), `file ${path}`);
}

/** What to pass instead of typing a vault password, where there is no terminal to type it on. */
export const noTerminalHint = 'Pass the vault password with --vault-password-file FILE or --vault-id LABEL@FILE.';

/** A vault password typed on the terminal; `label` names the vault id it is for. */
export async function askVaultPassword(label: string | undefined): Promise<Buffer> {
	const question = label === undefined ? 'Vault password: ' : `Vault password (${label}): `;
	return checked(Buffer.from(await askSecret(question, noTerminalHint)), 'the prompt');
}

/** `label@source`, or a bare source for the label `default`. */
export function parseVaultId(id: string): {label: string; source: string} {
	const at = id.indexOf('@');
	return at === -1 ? {label: 'default', source: id} : {label: id.slice(0, at) || 'default', source: id.slice(at + 1)};
}

/**
 * Every vault password the flags name, in the order Ansible tries them; `configured` is the file
 * ANSIBLE_VAULT_PASSWORD_FILE or ansible.cfg's vault_password_file names.
 */
export async function readVaultSecrets(flags: VaultPasswordFlags, configured: string | undefined): Promise<VaultSecret[]> {
	const secrets: VaultSecret[] = [];
	for (const {label, source} of (flags.vaultId ?? []).map(id => parseVaultId(id))) {
		secrets.push({label, password: source === 'prompt' ? await askVaultPassword(label) : readPasswordSource(source, label)});
	}

	for (const file of [...flags.vaultPasswordFile ?? [], ...configured === undefined ? [] : [configured]]) {
		secrets.push({label: 'default', password: readPasswordSource(file, 'default')});
	}

	if (flags.askVaultPass) {
		secrets.push({label: 'default', password: await askVaultPassword(undefined)});
	}

	return secrets;
}
