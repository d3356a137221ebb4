import {posix} from 'node:path';

/**
 * The `checksum` parameter in Ansible's forms: 'sha256:<hex>', or 'sha256:<URL>' of a checksums
 * file in `sha256sum` format from which the line for the downloaded file is taken.
 */
export type ChecksumSpec =
	| {readonly kind: 'sha256'; readonly sha256: string}
	| {readonly kind: 'list'; readonly url: string};

const hex64 = /^[\da-f]{64}$/;

/** Reads a checksum parameter; throws a message naming the bad part and the accepted forms. */
export function parseChecksum(value: string): ChecksumSpec {
	const separator = value.indexOf(':');
	const algorithm = separator === -1 ? '' : value.slice(0, separator).trim().toLowerCase();
	const rest = value.slice(separator + 1).trim();
	if (algorithm !== 'sha256') {
		const named = algorithm === '' ? 'names no algorithm' : `uses ${algorithm}`;
		throw new Error(`checksum '${value}' ${named}; pb verifies downloads with sha256 only: write checksum: 'sha256:<64 hex digits>' or 'sha256:<URL of a sha256sum file>'`);
	}

	if (/^https?:\/\//i.test(rest)) {
		return {kind: 'list', url: rest};
	}

	if (!hex64.test(rest.toLowerCase())) {
		throw new Error(`checksum '${value}': after 'sha256:' comes 64 hex digits or an http(s) URL of a sha256sum file, got '${rest}' (${rest.length} characters)`);
	}

	return {kind: 'sha256', sha256: rest.toLowerCase()};
}

/** A name as a checksums file writes it: binary-mode '*' and leading './' removed, as Ansible does. */
function listedName(name: string): string {
	return name.replace(/^[ *]/, '').replace(/^(?:\.\/)+/, '').trim();
}

/**
 * The sha256 a checksums file (`sha256sum` output) gives for `fileName`. A file holding one bare
 * hash is taken as that file's hash, as Ansible does. A line naming a path matches by its base name.
 */
export function checksumFromList(text: string, fileName: string, listUrl: string): string {
	const lines = text.split('\n').map(line => line.trim()).filter(Boolean);
	if (lines.length === 1 && hex64.test(lines[0]!.toLowerCase())) {
		return lines[0]!.toLowerCase();
	}

	for (const line of lines) {
		const match = /^([\da-fA-F]{64})\s+(.+)$/.exec(line);
		if (match && (listedName(match[2]!) === fileName || posix.basename(listedName(match[2]!)) === fileName)) {
			return match[1]!.toLowerCase();
		}
	}

	throw new Error(`the checksums file ${listUrl} (${lines.length} lines) has no sha256 line for ${fileName}; check that it lists this file, or give checksum: 'sha256:<hex>' instead`);
}
