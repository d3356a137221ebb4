/*
 * The text ansible-vault writes: a header `$ANSIBLE_VAULT;1.1;AES256` (1.2 adds `;LABEL`, the
 * vault id), then, in lines of 80, the hex of three lines: the salt's hex, the HMAC's hex and the
 * ciphertext's hex.
 */

const vaultHeader = '$ANSIBLE_VAULT';

/** What a vault holds once its envelope is opened; the label is the 1.2 header's vault id. */
export interface SealedVault {
	readonly label: string | undefined;
	readonly salt: Buffer;
	readonly hmac: Buffer;
	readonly ciphertext: Buffer;
}

export class VaultFormatError extends Error {
	override readonly name = 'VaultFormatError';
}

export function isVaultText(text: string): boolean {
	return text.startsWith(`${vaultHeader};`);
}

function fromHex(hex: string, part: string): Buffer {
	if (!/^(?:[\da-fA-F]{2})*$/.test(hex)) {
		throw new VaultFormatError(`its ${part} is not hexadecimal`);
	}

	return Buffer.from(hex, 'hex');
}

export function parseVaultText(text: string): SealedVault {
	const [header = '', ...body] = text.trim().split(/\r?\n/);
	const [, version, cipher, label] = header.trim().split(';').map(part => part.trim());
	if (version !== '1.1' && version !== '1.2') {
		throw new VaultFormatError(`format ${version ?? '(none)'} is not one ansible-vault writes (1.1, 1.2)`);
	}

	if (cipher !== 'AES256') {
		throw new VaultFormatError(`cipher ${cipher ?? '(none)'} is not AES256, the one ansible-vault uses`);
	}

	const [salt, hmac, ciphertext, ...rest] = fromHex(body.map(line => line.trim()).join(''), 'body').toString('latin1').split('\n');
	if (salt === undefined || hmac === undefined || ciphertext === undefined || rest.length > 0) {
		throw new VaultFormatError('its body does not hold a salt, an HMAC and a ciphertext');
	}

	return {label: label || undefined, salt: fromHex(salt, 'salt'), hmac: fromHex(hmac, 'HMAC'), ciphertext: fromHex(ciphertext, 'ciphertext')};
}

/** As ansible-vault formats it: 1.2 with a label other than `default`, else 1.1; a final line break. */
export function formatVaultText(sealed: SealedVault): string {
	const labelled = sealed.label !== undefined && sealed.label !== 'default';
	const header = labelled ? `${vaultHeader};1.2;AES256;${sealed.label!}` : `${vaultHeader};1.1;AES256`;
	const body = Buffer.from([sealed.salt, sealed.hmac, sealed.ciphertext].map(part => part.toString('hex')).join('\n')).toString('hex');
	const lines = body.match(/.{1,80}/g) ?? [];
	return `${[header, ...lines].join('\n')}\n`;
}
