import {spawnSync} from 'node:child_process';
import {mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {basename, dirname, join} from 'node:path';
import {PbError} from '../errors.js';
import {splitWords} from '../shell-words.js';
import {isVaultText, parseVaultText} from '../vault/format.js';
import {vaultKeyring} from '../vault/keyring.js';
import {askVaultPassword, noTerminalHint, parseVaultId, readPasswordSource, readVaultSecrets, type VaultPasswordFlags, type VaultSecret} from '../vault/secrets.js';
import {askSecret} from './prompt.js';

/*
 * `pb vault`: ansible-vault's commands, writing what ansible-vault reads. A file is rewritten
 * atomically (a temp file beside it, renamed over it) and keeps its mode; a new one is 0600.
 */

export interface VaultFlags extends VaultPasswordFlags {
	readonly encryptVaultId?: string;
	readonly newVaultId?: string;
	readonly newVaultPasswordFile?: string;
	readonly output?: string;
	readonly name?: string[];
}

export interface VaultCommand {
	readonly name: string;
	readonly description: string;
	/** commander's argument syntax: `<file>`, `[files...]`. */
	readonly argument: string;
	readonly options: ReadonlyArray<readonly [flags: string, description: string]>;
	/** Reads what the command needs (its arguments, stdin), writes its output with `write`. */
	readonly action: (args: readonly string[], flags: VaultFlags, io: VaultIo) => Promise<void>;
}

export interface VaultIo {
	readonly write: (text: string) => void;
	readonly readStdin: () => string;
	/** The password file ANSIBLE_VAULT_PASSWORD_FILE or ansible.cfg names. */
	readonly configuredPasswordFile: string | undefined;
}

async function askNewPassword(label: string | undefined): Promise<VaultSecret> {
	const first = await askSecret('New Vault password: ', noTerminalHint);
	const again = await askSecret('Confirm New Vault password: ', noTerminalHint);
	if (first !== again) {
		throw new PbError('the passwords do not match', {kind: 'options', hint: 'Type the same password twice.'});
	}

	if (first === '') {
		throw new PbError('the vault password is empty', {kind: 'options', hint: 'Type a password.'});
	}

	return {label: label ?? 'default', password: Buffer.from(first)};
}

/** The passwords the flags name; with none, asked on the terminal, as ansible-vault asks. */
async function unlock(flags: VaultFlags, io: VaultIo, forEncrypting: boolean): Promise<void> {
	const secrets = await readVaultSecrets(flags, io.configuredPasswordFile);
	if (secrets.length === 0) {
		secrets.push(forEncrypting ? await askNewPassword(flags.encryptVaultId) : {label: 'default', password: await askVaultPassword(undefined)});
	}

	vaultKeyring.use(secrets);
}

function readText(file: string): string {
	try {
		return readFileSync(file, 'utf8');
	} catch (error) {
		throw new PbError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, {kind: 'runtime', cause: error});
	}
}

/** Replaces a file's content at once, keeping its mode (0600 when it is new). */
function writeText(file: string, text: string): void {
	const mode = statSync(file, {throwIfNoEntry: false})?.mode ?? 0o600;
	const temporary = join(dirname(file), `.${basename(file)}.pb-vault-${process.pid}`);
	writeFileSync(temporary, text, {mode: mode & 0o7777});
	renameSync(temporary, file);
}

function encryptedTo(file: string, plaintext: string, flags: VaultFlags): string {
	if (isVaultText(plaintext)) {
		throw new PbError(`${file} is already encrypted`, {kind: 'runtime', hint: '`pb vault rekey` changes its password.'});
	}

	return vaultKeyring.encrypt(plaintext, vaultKeyring.secretFor(flags.encryptVaultId));
}

function decryptedFrom(file: string, text: string): string {
	if (!isVaultText(text)) {
		throw new PbError(`${file} is not encrypted with ansible-vault`, {kind: 'runtime'});
	}

	return vaultKeyring.decrypt(text, file);
}

/** Writes to --output (`-` is stdout), or else in place; stdin's text goes to stdout. */
function writeResult(file: string | undefined, text: string, flags: VaultFlags, io: VaultIo): void {
	const target = flags.output ?? file ?? '-';
	if (target === '-') {
		io.write(text);
	} else {
		writeText(target, text);
	}
}

function eachInput(files: readonly string[], io: VaultIo): Array<{file: string | undefined; text: string}> {
	return files.length === 0 ? [{file: undefined, text: io.readStdin()}] : files.map(file => ({file, text: readText(file)}));
}

/** The label of the vault a file holds, so that a rewrite keeps it. */
function labelOf(text: string): string | undefined {
	return parseVaultText(text).label;
}

/** Opens `text` in $EDITOR in a private folder, removed afterwards; returns what was saved. */
function editInPrivate(text: string, name: string): string {
	const folder = mkdtempSync(join(tmpdir(), 'pb-vault-'));
	try {
		const file = join(folder, basename(name));
		writeFileSync(file, text, {mode: 0o600});
		const [editor = 'vi', ...editorArgs] = splitWords(process.env['EDITOR'] ?? 'vi').map(word => word.text);
		const result = spawnSync(editor, [...editorArgs, file], {stdio: 'inherit'});
		if (result.error || result.status !== 0) {
			throw new PbError(`the editor ${editor} ${result.error ? `could not start: ${result.error.message}` : `exited with ${result.status ?? result.signal ?? '?'}`}; ${name} is unchanged`, {kind: 'runtime', hint: 'Set EDITOR to an editor that works here.'});
		}

		return readFileSync(file, 'utf8');
	} finally {
		rmSync(folder, {recursive: true, force: true});
	}
}

/** The flags that give vault passwords, for `pb run` as for `pb vault`. */
export const vaultPasswordOptions = [
	['--vault-id <label@source>', 'a vault id and where its password is: a file, a script, or prompt (repeatable)'],
	['--vault-password-file <file>', 'the vault password: a file, or a script that prints it (repeatable)'],
	['-J, --ask-vault-pass', 'ask for the vault password'],
] as const;
const encryptOptions = [...vaultPasswordOptions, ['--encrypt-vault-id <label>', 'the vault id to encrypt with, when several are given']] as const;

/** encrypt_string's output: a YAML value (or `name: value`) ansible-vault and pb read back. */
function inlineVault(vaultText: string, name: string | undefined): string {
	const lines = vaultText.trimEnd().split('\n').map(line => `          ${line}`);
	return `${name === undefined ? '' : `${name}: `}!vault |\n${lines.join('\n')}\n`;
}

export const vaultCommands: readonly VaultCommand[] = [
	{
		name: 'encrypt', description: 'Encrypt files in place (stdin to stdout without files)', argument: '[files...]',
		options: [...encryptOptions, ['--output <file>', 'write here instead (- for stdout)']],
		async action(files, flags, io) {
			await unlock(flags, io, true);
			for (const {file, text} of eachInput(files, io)) {
				writeResult(file, encryptedTo(file ?? 'stdin', text, flags), flags, io);
			}
		},
	},
	{
		name: 'decrypt', description: 'Decrypt files in place (stdin to stdout without files)', argument: '[files...]',
		options: [...vaultPasswordOptions, ['--output <file>', 'write here instead (- for stdout)']],
		async action(files, flags, io) {
			await unlock(flags, io, false);
			for (const {file, text} of eachInput(files, io)) {
				writeResult(file, decryptedFrom(file ?? 'stdin', text), flags, io);
			}
		},
	},
	{
		name: 'view', description: 'Print encrypted files\' content', argument: '<files...>', options: vaultPasswordOptions,
		async action(files, flags, io) {
			await unlock(flags, io, false);
			for (const file of files) {
				io.write(decryptedFrom(file, readText(file)));
			}
		},
	},
	{
		name: 'edit', description: 'Edit an encrypted file in $EDITOR', argument: '<file>', options: encryptOptions,
		async action([file = ''], flags, io) {
			await unlock(flags, io, false);
			const before = readText(file);
			const plaintext = decryptedFrom(file, before);
			const after = editInPrivate(plaintext, file);
			if (after === plaintext) {
				return;
			}

			// The file keeps the vault id it had, as ansible-vault keeps it.
			const label = flags.encryptVaultId ?? labelOf(before);
			const secret = label !== undefined && vaultKeyring.labels.includes(label) ? vaultKeyring.secretFor(label) : vaultKeyring.secretFor(flags.encryptVaultId);
			writeText(file, vaultKeyring.encrypt(after, secret));
		},
	},
	{
		name: 'create', description: 'Create an encrypted file, written in $EDITOR', argument: '<file>', options: encryptOptions,
		async action([file = ''], flags, io) {
			if (statSync(file, {throwIfNoEntry: false})) {
				throw new PbError(`${file} exists already`, {kind: 'runtime', hint: '`pb vault edit` changes it.'});
			}

			await unlock(flags, io, true);
			const text = editInPrivate('', file);
			if (text !== '') {
				writeText(file, encryptedTo(file, text, flags));
			}
		},
	},
	{
		name: 'encrypt_string', description: 'Encrypt strings as inline `!vault |` YAML values (stdin without strings)', argument: '[strings...]',
		options: [...encryptOptions, ['-n, --name <name>', 'the variable name of each string, in order (repeatable)']],
		async action(strings, flags, io) {
			await unlock(flags, io, true);
			const plaintexts = strings.length === 0 ? [io.readStdin()] : strings;
			const names = flags.name ?? [];
			io.write(plaintexts.map((text, index) => inlineVault(encryptedTo('the string', text, flags), names[index])).join('\n'));
		},
	},
	{
		name: 'rekey', description: 'Encrypt files again with a new password', argument: '<files...>',
		options: [...vaultPasswordOptions, ['--new-vault-id <label@source>', 'the new vault id and its password\'s source'], ['--new-vault-password-file <file>', 'the new vault password\'s file or script']],
		async action(files, flags, io) {
			await unlock(flags, io, false);
			// --new-vault-id is LABEL@SOURCE, or a label whose password --new-vault-password-file gives.
			const {label, source} = flags.newVaultId?.includes('@') ? parseVaultId(flags.newVaultId) : {label: flags.newVaultId ?? 'default', source: flags.newVaultPasswordFile};
			const secret = source === undefined || source === 'prompt' ? await askNewPassword(label) : {label, password: readPasswordSource(source, label)};
			const opened = files.map(file => ({file, text: decryptedFrom(file, readText(file))}));
			for (const {file, text} of opened) {
				writeText(file, vaultKeyring.encrypt(text, secret));
			}
		},
	},
];
