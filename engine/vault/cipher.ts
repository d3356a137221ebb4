import {createCipheriv, createDecipheriv, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual} from 'node:crypto';
import type {SealedVault} from './format.js';

/*
 * ansible-vault's AES256: PBKDF2-HMAC-SHA256 of the password and salt, 10000 rounds, gives 80
 * bytes: the AES-256 key, the HMAC-SHA256 key, and the CTR counter's first block. The text is
 * PKCS#7-padded (CTR needs none, ansible-vault pads anyway) and the HMAC covers the ciphertext.
 */

function deriveKeys(password: Buffer, salt: Buffer): {aesKey: Buffer; hmacKey: Buffer; counter: Buffer} {
	const material = pbkdf2Sync(password, salt, 10_000, 80, 'sha256');
	return {aesKey: material.subarray(0, 32), hmacKey: material.subarray(32, 64), counter: material.subarray(64, 80)};
}

const block = 16;

function pad(text: Buffer): Buffer {
	const count = block - (text.length % block);
	return Buffer.concat([text, Buffer.alloc(count, count)]);
}

function unpad(text: Buffer): Buffer | undefined {
	const count = text.at(-1) ?? 0;
	if (count < 1 || count > block || count > text.length || text.subarray(-count).some(byte => byte !== count)) {
		return undefined;
	}

	return text.subarray(0, -count);
}

export function encryptAes256(plaintext: Buffer, password: Buffer, label: string | undefined, salt: Buffer = randomBytes(32)): SealedVault {
	const {aesKey, hmacKey, counter} = deriveKeys(password, salt);
	const cipher = createCipheriv('aes-256-ctr', aesKey, counter);
	const ciphertext = Buffer.concat([cipher.update(pad(plaintext)), cipher.final()]);
	return {label, salt, hmac: createHmac('sha256', hmacKey).update(ciphertext).digest(), ciphertext};
}

/** The plaintext, or undefined when the password is not the one it was sealed with. */
export function decryptAes256(sealed: SealedVault, password: Buffer): Buffer | undefined {
	const {aesKey, hmacKey, counter} = deriveKeys(password, sealed.salt);
	const hmac = createHmac('sha256', hmacKey).update(sealed.ciphertext).digest();
	if (hmac.length !== sealed.hmac.length || !timingSafeEqual(hmac, sealed.hmac)) {
		return undefined;
	}

	const decipher = createDecipheriv('aes-256-ctr', aesKey, counter);
	return unpad(Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]));
}
