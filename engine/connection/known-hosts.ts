import {createHash, createHmac, timingSafeEqual} from 'node:crypto';

/** One key line of an OpenSSH known_hosts file. */
export interface KnownHostEntry {
	readonly file: string;
	/** 1-based, as editors and `ssh-keygen -R` users count. */
	readonly line: number;
	readonly marker: 'revoked' | 'cert-authority' | undefined;
	/** The host patterns field: `name,[name]:port,!negated,*.wild` or one `|1|salt|hash`. */
	readonly hosts: string;
	readonly keyType: string;
	readonly keyBase64: string;
}

/** Reads the key lines of a known_hosts file; comments, blank and unreadable lines are skipped, as ssh does. */
export function parseKnownHosts(text: string, file: string): KnownHostEntry[] {
	const entries: KnownHostEntry[] = [];
	for (const [index, raw] of text.split('\n').entries()) {
		const fields = raw.trim().split(/\s+/);
		if (fields[0] === undefined || fields[0] === '' || fields[0].startsWith('#')) {
			continue;
		}

		let marker: KnownHostEntry['marker'];
		if (fields[0].startsWith('@')) {
			const name = fields.shift();
			if (name !== '@revoked' && name !== '@cert-authority') {
				continue;
			}

			marker = name === '@revoked' ? 'revoked' : 'cert-authority';
		}

		const [hosts, keyType, keyBase64] = fields;
		// SSH1 lines (`host bits exponent modulus`) have a number where the key type goes.
		if (hosts === undefined || keyType === undefined || keyBase64 === undefined || !/^[a-z][\w@.-]*$/i.test(keyType) || !/^[A-Za-z\d+/]+=*$/.test(keyBase64)) {
			continue;
		}

		entries.push({file, line: index + 1, marker, hosts, keyType, keyBase64});
	}

	return entries;
}

/** The name ssh looks a host up by: `address` on port 22, `[address]:port` otherwise. */
export function knownHostsName(address: string, port: number): string {
	return port === 22 ? address : `[${address}]:${port}`;
}

/** Whether an entry's hosts field names `lookupName` (from knownHostsName). */
export function hostsFieldMatches(hosts: string, lookupName: string): boolean {
	const name = lookupName.toLowerCase();
	if (hosts.startsWith('|1|')) {
		return hashedNameMatches(hosts, name);
	}

	let matched = false;
	for (const pattern of hosts.toLowerCase().split(',')) {
		const negated = pattern.startsWith('!');
		if (wildcardMatches(negated ? pattern.slice(1) : pattern, name)) {
			if (negated) {
				// A negated pattern that matches rules the whole line out, whatever else matches.
				return false;
			}

			matched = true;
		}
	}

	return matched;
}

/** `|1|base64(salt)|base64(HMAC-SHA1(salt, name))`, as written by HashKnownHosts / ssh-keygen -H. */
function hashedNameMatches(hosts: string, name: string): boolean {
	const [, , salt, hash] = hosts.split('|');
	if (salt === undefined || hash === undefined) {
		return false;
	}

	const expected = Buffer.from(hash, 'base64');
	const actual = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest();
	return expected.length === actual.length && timingSafeEqual(expected, actual);
}

function wildcardMatches(pattern: string, name: string): boolean {
	const source = [...pattern].map(char => char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('');
	return new RegExp(`^${source}$`).test(name);
}

/** The key type named inside an SSH public key blob (its first length-prefixed string). */
export function keyTypeOfBlob(blob: Buffer): string {
	const length = blob.readUInt32BE(0);
	return blob.subarray(4, 4 + length).toString('ascii');
}

/** `SHA256:...` as ssh prints fingerprints. */
export function fingerprint(keyBase64: string): string {
	return `SHA256:${createHash('sha256').update(Buffer.from(keyBase64, 'base64')).digest('base64').replace(/=+$/, '')}`;
}

export function formatKnownHostsLine(lookupName: string, keyType: string, keyBase64: string): string {
	return `${lookupName} ${keyType} ${keyBase64}`;
}
