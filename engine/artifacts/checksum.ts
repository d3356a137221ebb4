import {posix} from 'node:path';

/** The digests a `checksum` parameter may name, as Ansible's get_url takes them, with their lengths in hex. */
const hexLengths = {md5: 32, sha1: 40, sha224: 56, sha256: 64, sha384: 96, sha512: 128} as const;

export type DigestAlgorithm = keyof typeof hexLengths;

export const digestAlgorithms = Object.keys(hexLengths) as DigestAlgorithm[];

/**
 * The `checksum` parameter in Ansible's forms: 'ALGORITHM:<hex>', or 'ALGORITHM:<URL>' of a
 * checksums file in `sha256sum` format from which the line for the downloaded file is taken.
 */
export type ChecksumSpec =
	| {readonly kind: 'digest'; readonly algorithm: DigestAlgorithm; readonly hex: string}
	| {readonly kind: 'list'; readonly algorithm: DigestAlgorithm; readonly url: string};

function isAlgorithm(name: string): name is DigestAlgorithm {
	return Object.hasOwn(hexLengths, name);
}

function hexOf(algorithm: DigestAlgorithm): RegExp {
	return new RegExp(`^[\\da-f]{${hexLengths[algorithm]}}$`);
}

/**
 * Reads a checksum parameter, taking the algorithms in `accepted` (download: sha256 only, the
 * cache's key); throws a message naming the bad part and the accepted forms.
 */
export function parseChecksum(value: string, accepted: readonly DigestAlgorithm[] = ['sha256']): ChecksumSpec {
	const separator = value.indexOf(':');
	const algorithm = separator === -1 ? '' : value.slice(0, separator).trim().toLowerCase();
	const rest = value.slice(separator + 1).trim();
	if (!isAlgorithm(algorithm) || !accepted.includes(algorithm)) {
		const named = algorithm === '' ? 'names no algorithm' : `uses ${algorithm}`;
		const forms = accepted.length === 1
			? `pb verifies downloads with ${accepted[0]!} only: write checksum: '${accepted[0]!}:<${hexLengths[accepted[0]!]} hex digits>' or '${accepted[0]!}:<URL of a ${accepted[0]!}sum file>'`
			: `write checksum: 'ALGORITHM:<hex digits>' or 'ALGORITHM:<URL of a checksums file>', ALGORITHM one of ${accepted.join(', ')}`;
		throw new Error(`checksum '${value}' ${named}; ${forms}`);
	}

	if (/^https?:\/\//i.test(rest)) {
		return {kind: 'list', algorithm, url: rest};
	}

	if (!hexOf(algorithm).test(rest.toLowerCase())) {
		throw new Error(`checksum '${value}': after '${algorithm}:' comes ${hexLengths[algorithm]} hex digits or an http(s) URL of a ${algorithm}sum file, got '${rest}' (${rest.length} characters)`);
	}

	return {kind: 'digest', algorithm, hex: rest.toLowerCase()};
}

/** A name as a checksums file writes it: binary-mode '*' and leading './' removed, as Ansible does. */
function listedName(name: string): string {
	return name.replace(/^[ *]/, '').replace(/^(?:\.\/)+/, '').trim();
}

/**
 * The digest a checksums file (`sha256sum` output, or another algorithm's) gives for `fileName`.
 * A file holding one bare hash is taken as that file's hash, as Ansible does. A line naming a
 * path matches by its base name.
 */
export function checksumFromList(text: string, fileName: string, listUrl: string, algorithm: DigestAlgorithm = 'sha256'): string {
	const lines = text.split('\n').map(line => line.trim()).filter(Boolean);
	const hex = hexOf(algorithm);
	if (lines.length === 1 && hex.test(lines[0]!.toLowerCase())) {
		return lines[0]!.toLowerCase();
	}

	for (const line of lines) {
		const match = /^([\da-fA-F]+)\s+(.+)$/.exec(line);
		if (match && hex.test(match[1]!.toLowerCase()) && (listedName(match[2]!) === fileName || posix.basename(listedName(match[2]!)) === fileName)) {
			return match[1]!.toLowerCase();
		}
	}

	throw new Error(`the checksums file ${listUrl} (${lines.length} lines) has no ${algorithm} line for ${fileName}; check that it lists this file, or give checksum: '${algorithm}:<hex>' instead`);
}
