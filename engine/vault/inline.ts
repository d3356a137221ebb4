import type {SourcePosition} from '../errors.js';
import type {VaultKeyring} from './keyring.js';

/** An inline `!vault |` value as YAML reads it, before it is decrypted. */
export class VaultedText {
	constructor(readonly vaultText: string) {}
}

type Locate = (parent: object, key: string | number) => SourcePosition | undefined;

/**
 * Replaces every inline vault in a YAML value by the text it holds, in place (so the places the
 * loader recorded for each mapping and list still hold), and returns the value.
 */
export function openInlineVaults(value: unknown, keyring: VaultKeyring, locate: Locate, at?: SourcePosition): unknown {
	if (value instanceof VaultedText) {
		const text = keyring.decrypt(value.vaultText, at ?? 'the vault-encrypted value');
		keyring.reveal(text);
		return text;
	}

	if (Array.isArray(value)) {
		for (const [index, item] of value.entries()) {
			value[index] = openInlineVaults(item, keyring, locate, locate(value, index));
		}
	} else if (value !== null && typeof value === 'object') {
		const mapping = value as Record<string, unknown>;
		for (const [key, item] of Object.entries(mapping)) {
			mapping[key] = openInlineVaults(item, keyring, locate, locate(value, key));
		}
	}

	return value;
}

/** Every string in a value read from a vaulted file, so each is masked like an inline vault. */
export function revealStrings(value: unknown, keyring: VaultKeyring): void {
	if (typeof value === 'string') {
		keyring.reveal(value);
	} else if (value !== null && typeof value === 'object') {
		for (const item of Object.values(value)) {
			revealStrings(item, keyring);
		}
	}
}
