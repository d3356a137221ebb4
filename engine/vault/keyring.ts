import {PbError, type SourcePosition} from '../errors.js';
import {decryptAes256, encryptAes256} from './cipher.js';
import {formatVaultText, parseVaultText, VaultFormatError} from './format.js';
import type {VaultSecret} from './secrets.js';

/*
 * The vault passwords of this run and every text they opened. What is opened stays in memory:
 * reporters learn of each opened value (`watch`) and mask it in all they print.
 */

export class VaultKeyring {
	private secrets: readonly VaultSecret[] = [];
	private readonly revealed = new Set<string>();
	private readonly watchers = new Set<(text: string) => void>();

	use(secrets: readonly VaultSecret[]): void {
		this.secrets = secrets;
		for (const {password} of secrets) {
			this.reveal(password.toString());
		}
	}

	get labels(): string[] {
		return this.secrets.map(secret => secret.label);
	}

	/** The secret to encrypt with: the one labelled so, or the only one there is. */
	secretFor(label: string | undefined): VaultSecret {
		const matching = label === undefined ? this.secrets : this.secrets.filter(secret => secret.label === label);
		const [first] = matching;
		if (first === undefined) {
			throw new PbError(label === undefined ? 'no vault password was given to encrypt with' : `no vault password was given for the vault id ${label}`, {
				kind: 'options',
				hint: 'Pass --vault-password-file FILE, --vault-id LABEL@SOURCE or --ask-vault-pass.',
			});
		}

		if (label === undefined && new Set(matching.map(secret => secret.label)).size > 1) {
			throw new PbError(`the vault ids ${this.labels.join(', ')} can all encrypt`, {kind: 'options', hint: 'Choose one with --encrypt-vault-id LABEL.'});
		}

		return first;
	}

	encrypt(plaintext: string, secret: VaultSecret): string {
		return formatVaultText(encryptAes256(Buffer.from(plaintext), secret.password, secret.label));
	}

	/**
	 * The text a vault holds, tried first with the passwords labelled as its header says, then
	 * with the others, as Ansible tries them. `where` is the file, or the inline value's place.
	 */
	decrypt(vaultText: string, where: string | SourcePosition): string {
		const file = typeof where === 'string' ? where : undefined;
		const at = typeof where === 'string' ? undefined : where;
		let sealed;
		try {
			sealed = parseVaultText(vaultText);
		} catch (error) {
			if (error instanceof VaultFormatError) {
				throw new PbError(`${file ?? 'this value'} is not a vault ansible-vault wrote: ${error.message}`, {
					kind: 'runtime',
					where: at,
					hint: 'It was damaged, or not written by ansible-vault: restore it, or encrypt the text again (`pb vault encrypt`, `pb vault encrypt_string`).',
					cause: error,
				});
			}

			throw error;
		}

		const what = file ?? 'the vault-encrypted value';
		if (this.secrets.length === 0) {
			throw new PbError(`cannot decrypt ${what}: no vault password was given`, {
				kind: 'runtime',
				where: at,
				hint: `Pass the vault password with --vault-password-file FILE, --vault-id ${sealed.label ?? 'LABEL'}@FILE or --ask-vault-pass.`,
			});
		}

		const ordered = [...this.secrets.filter(secret => secret.label === sealed.label), ...this.secrets.filter(secret => secret.label !== sealed.label)];
		for (const secret of ordered) {
			const plaintext = decryptAes256(sealed, secret.password);
			if (plaintext !== undefined) {
				return plaintext.toString('utf8');
			}
		}

		throw new PbError(`cannot decrypt ${what}: no vault password given opens it (tried vault ids ${this.labels.join(', ')})`, {
			kind: 'runtime',
			where: at,
			hint: `It was encrypted with another password${sealed.label === undefined ? '' : ` (its vault id is ${sealed.label})`}: check --vault-password-file, --vault-id and --ask-vault-pass.`,
		});
	}

	/** A value that came out of a vault: every reporter masks it from now on. */
	reveal(text: string): void {
		if (text.length > 0 && !this.revealed.has(text)) {
			this.revealed.add(text);
			for (const watcher of this.watchers) {
				watcher(text);
			}
		}
	}

	/** Calls `onReveal` with every value opened so far and every one opened later. */
	watch(onReveal: (text: string) => void): void {
		for (const text of this.revealed) {
			onReveal(text);
		}

		this.watchers.add(onReveal);
	}
}

/** The process's keyring: the command line fills it, whatever loads a YAML file uses it. */
export const vaultKeyring = new VaultKeyring();
