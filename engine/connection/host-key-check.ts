import {appendFile, mkdir, readFile} from 'node:fs/promises';
import {dirname} from 'node:path';
import {knownHostsLinesFor} from './known-hosts-file.js';
import {fingerprint, formatKnownHostsLine, keyTypeOfBlob, knownHostsName, type KnownHostEntry} from './known-hosts.js';

/** What to check a host's key against, and whether an unknown key may be added (StrictHostKeyChecking=accept-new). */
export interface HostKeyPolicy {
	/** The inventory name, for messages. */
	readonly host: string;
	/** The name the key is recorded under, as ssh uses the address it connects to. */
	readonly address: string;
	readonly port: number;
	readonly knownHostsFile: string;
	readonly acceptNewHostKeys: boolean;
	/** false where the inventory or ansible.cfg turns host key checking off: any key is taken, none recorded. */
	readonly checking: boolean;
}

export type HostKeyVerdict = {readonly accepted: true} | {readonly accepted: false; readonly reason: string};

/** The known_hosts lines (other than @cert-authority) that name this host; none when the file does not exist. */
export async function knownKeysFor(policy: HostKeyPolicy): Promise<KnownHostEntry[]> {
	const lines = await knownHostsLinesFor(policy.knownHostsFile, knownHostsName(policy.address, policy.port));
	return lines.filter(entry => entry.marker !== 'cert-authority');
}

const algorithmsByKeyType: Readonly<Record<string, readonly string[]>> = {
	'ssh-ed25519': ['ssh-ed25519'],
	'ecdsa-sha2-nistp256': ['ecdsa-sha2-nistp256'],
	'ecdsa-sha2-nistp384': ['ecdsa-sha2-nistp384'],
	'ecdsa-sha2-nistp521': ['ecdsa-sha2-nistp521'],
	'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
};

/**
 * Host key algorithms for the types already known for the host, to be asked for first, as ssh does:
 * otherwise a host with several keys could offer one we have never seen and look unknown.
 */
export function preferredHostKeyAlgorithms(known: readonly KnownHostEntry[]): string[] {
	const types = new Set(known.filter(entry => entry.marker === undefined).map(entry => entry.keyType));
	return [...types].flatMap(type => algorithmsByKeyType[type] ?? []);
}

/** Checks the key the host sent; adds it to the file when unknown and the policy accepts new keys. */
export async function verifyHostKey(policy: HostKeyPolicy, known: readonly KnownHostEntry[], blob: Buffer): Promise<HostKeyVerdict> {
	if (!policy.checking) {
		return {accepted: true};
	}

	const keyType = keyTypeOfBlob(blob);
	const keyBase64 = blob.toString('base64');
	const sent = `${keyType} ${fingerprint(keyBase64)}`;
	const name = knownHostsName(policy.address, policy.port);
	const target = `${policy.host} (${policy.address}:${policy.port})`;
	const sameKey = (entry: KnownHostEntry) => entry.keyType === keyType && entry.keyBase64 === keyBase64;

	const revoked = known.find(entry => entry.marker === 'revoked' && sameKey(entry));
	if (revoked) {
		return {accepted: false, reason: `Host key of ${target} is revoked: ${sent} is marked @revoked at ${revoked.file}:${revoked.line}. Refusing to connect.`};
	}

	const trusted = known.filter(entry => entry.marker === undefined);
	if (trusted.some(entry => sameKey(entry))) {
		return {accepted: true};
	}

	const old = trusted.find(entry => entry.keyType === keyType);
	if (old) {
		return {
			accepted: false,
			reason: `Host key of ${target} has CHANGED: the host sent ${sent}, but ${old.file}:${old.line} holds ${fingerprint(old.keyBase64)} for it. `
				+ 'Someone may be intercepting the connection, or the host was reinstalled. '
				+ `If you know the new key is right, remove the old one with \`ssh-keygen -R '${name}' -f ${old.file}\` and connect again to accept the new one. `
				+ 'A changed key is never accepted automatically, not even with --accept-new-host-keys.',
		};
	}

	if (policy.acceptNewHostKeys) {
		await appendKnownHost(policy.knownHostsFile, formatKnownHostsLine(name, keyType, keyBase64));
		return {accepted: true};
	}

	const otherTypes = trusted.length > 0 ? ` (it knows other key types for it: ${[...new Set(trusted.map(entry => entry.keyType))].join(', ')})` : '';
	return {
		accepted: false,
		reason: `Host key of ${target} is unknown: ${sent} is not in ${policy.knownHostsFile}${otherTypes}. `
			+ `If that fingerprint is the host's, accept it by rerunning with --accept-new-host-keys (adds it to ${policy.knownHostsFile}), `
			+ `or by running \`ssh-keyscan -p ${policy.port} ${policy.address} >> ${policy.knownHostsFile}\`.`,
	};
}

async function appendKnownHost(file: string, line: string): Promise<void> {
	await mkdir(dirname(file), {recursive: true, mode: 0o700});
	let existing = '';
	try {
		existing = await readFile(file, 'utf8');
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
			throw error;
		}
	}

	const separator = existing === '' || existing.endsWith('\n') ? '' : '\n';
	await appendFile(file, `${separator}${line}\n`, {mode: 0o600});
}
