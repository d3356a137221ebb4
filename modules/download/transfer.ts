import {createHash} from 'node:crypto';
import {createReadStream} from 'node:fs';
import {readFile, stat} from 'node:fs/promises';
import {posix} from 'node:path';
import {pipeline} from 'node:stream/promises';
import {artifactCache, writeDerived} from '../../engine/artifacts/cache.js';
import {checksumFromList, parseChecksum, type ChecksumSpec, type DigestAlgorithm} from '../../engine/artifacts/checksum.js';
import {hostDownload, hostFetchText} from '../../engine/artifacts/host-download.js';
import {sourceUrls, type RetryPolicy, type TransferError} from '../../engine/artifacts/sources.js';
import {attributeChanges, attributeLines, currentAttributes, setAttributes} from '../../engine/host/attributes.js';
import {HostFileError, type FileRequest, type FileState, type Attributes, type PredictedPath} from '../../engine/host/file-state.js';
import {readFileState} from '../../engine/host/read-files.js';
import {writeFileAtomic} from '../../engine/host/write-file.js';
import {fileWriteProblem} from '../../engine/host/file-write.js';
import type {ApplyResult, ControllerArtifact, HostContext, ParamSchema, Plan} from '../../engine/module.js';
import {quoteShell} from '../../engine/shell-words.js';

/*
 * A file fetched over http(s) to a path on the host: the read, plan and apply that download (pb's
 * own parameters) and get_url (Ansible's) share. Via the controller, the file is fetched once into
 * the controller's cache and pushed to every host; via the host, each host fetches it with curl or
 * wget. A checksum lets --check predict the file without fetching it.
 */

/** The parameters download and get_url share for the file written. */
export const downloadedFileParams = {
	mode: {type: 'raw', description: 'Permissions: \'0644\' (quoted), 0644 (a YAML octal) or \'644\'; unset keeps those of the file replaced'},
	owner: {type: 'str', description: 'User name or uid owning dest'},
	group: {type: 'str', description: 'Group name or gid of dest'},
} as const satisfies ParamSchema;

/** What to fetch and where to put it, in the front ends' common terms. */
export interface DownloadSpec {
	readonly url: string;
	readonly dest: string;
	readonly checksum: ChecksumSpec | undefined;
	/** Base URLs tried in order before url. */
	readonly mirrors: readonly string[];
	readonly headers: Readonly<Record<string, string>>;
	/** false: an https server's certificate is not checked (via controller). */
	readonly validateCerts: boolean;
	readonly timeoutMs: number;
	readonly retry: RetryPolicy;
	readonly via: 'controller' | 'host';
	readonly attributes: Attributes;
	/** Without a checksum, an existing dest is kept whatever it holds (get_url's force: false). */
	readonly keepExisting: boolean;
	/** Keep a replaced file as dest.YYYY-MM-DD@HH:MM:SS~. */
	readonly backup: boolean;
}

/** The artifact as the controller's cache holds it (via: controller). */
export interface Fetched {
	readonly cachePath: string;
	readonly sha256: string;
	readonly size: number;
	/** Seconds the fetch took (0 from the cache). */
	readonly elapsed: number;
}

export interface DownloadState {
	readonly dest: FileState;
	/** The file written: dest itself, or dest/<the URL's file name> when dest is a directory. */
	readonly path: string;
	/** The wanted bytes' sha256 when known before they are written: from the checksum, or verified against it. */
	readonly expected: string | undefined;
	/** Via controller, when dest did not already hold the expected bytes. */
	readonly fetched: Fetched | undefined;
}

export interface DownloadSteps {
	readonly path: string;
	/** Whether the file's bytes are (or, via host without a checksum, may be) written. */
	readonly writeContent: boolean;
	readonly cachePath: string | undefined;
	/** The bytes' expected sha256 (via host); undefined: any bytes, compared with dest's. */
	readonly sha256: string | undefined;
	/** The attributes to set: all wanted ones for a new file, only those that differ otherwise. */
	readonly attributes: Attributes;
}

/** The last part of the URL's path, decoded: the name a file gets in a dest directory. */
export function fileNameOf(url: string): string {
	return decodeURIComponent(posix.basename(new URL(url).pathname));
}

export function isHttpUrl(value: string): boolean {
	try {
		return ['http:', 'https:'].includes(new URL(value).protocol);
	} catch {
		return false;
	}
}

/** What is wrong with the url, headers, checksum (in one of `algorithms`) or mode of a download, or undefined. */
export function downloadProblem(params: {readonly url: string; readonly headers?: Readonly<Record<string, unknown>> | undefined; readonly checksum?: string | undefined; readonly mode?: unknown}, algorithms: readonly DigestAlgorithm[]): string | undefined {
	if (!isHttpUrl(params.url)) {
		return `url must be an http:// or https:// URL, got '${params.url}'`;
	}

	const badHeader = Object.entries(params.headers ?? {}).find(([, value]) => typeof value !== 'string' && typeof value !== 'number');
	if (badHeader) {
		return `headers: the value of ${badHeader[0]} must be a string, got ${JSON.stringify(badHeader[1])}`;
	}

	try {
		if (params.checksum !== undefined) {
			parseChecksum(params.checksum, algorithms);
		}
	} catch (error) {
		return (error as Error).message;
	}

	return fileWriteProblem({mode: params.mode});
}

/** What the read asks of dest: a directory is looked into for the URL's file name. */
export function destRequest(spec: Pick<DownloadSpec, 'url' | 'dest'>): FileRequest {
	const name = fileNameOf(spec.url);
	return {path: spec.dest, options: name === '' ? {} : {inDirectory: name}};
}

/** A file's digest on the controller. */
export async function digestOf(path: string, algorithm: DigestAlgorithm): Promise<string> {
	const hash = createHash(algorithm);
	await pipeline(createReadStream(path), hash);
	return hash.digest('hex');
}

/** A file's digest on the host, with coreutils' `<algorithm>sum`; undefined when it cannot be read. */
export async function hostDigest(ctx: HostContext, path: string, algorithm: DigestAlgorithm): Promise<string | undefined> {
	const result = await ctx.run(`${algorithm}sum < ${quoteShell(path)}`, {inline: true});
	return result.code === 0 ? result.stdout.split(' ')[0] : undefined;
}

function transfer(spec: DownloadSpec) {
	return {headers: spec.headers, timeoutMs: spec.timeoutMs, retry: spec.retry, validateCerts: spec.validateCerts};
}

/** The checksums file a checksum URL names, as a request; undefined for a plain digest or none. */
function checksumListRequest(spec: DownloadSpec, name: string) {
	return spec.checksum?.kind === 'list' ? {name: `the checksums file for ${name}`, sources: sourceUrls(spec.checksum.url, spec.mirrors), ...transfer(spec)} : undefined;
}

/** The digest the checksum names, fetching its checksums file where the file itself would be fetched. */
async function expectedDigest(ctx: HostContext | undefined, spec: DownloadSpec, name: string): Promise<{algorithm: DigestAlgorithm; hex: string} | undefined> {
	const {checksum} = spec;
	if (checksum === undefined) {
		return undefined;
	}

	if (checksum.kind === 'digest') {
		return checksum;
	}

	const request = checksumListRequest(spec, name)!;
	const {text, url} = spec.via === 'host' && ctx ? await hostFetchText(ctx, request.name, request.sources, request) : await artifactCache().fetchText(request);
	return {algorithm: checksum.algorithm, hex: checksumFromList(text, name, url, checksum.algorithm)};
}

/** Failed attempts are only worth a warning when a later source worked (otherwise the error lists them). */
function warnOfFailures(ctx: HostContext, failures: readonly TransferError[]): void {
	for (const failure of failures) {
		ctx.warn(`${failure.url}: ${failure.message}; used the next source`);
	}
}

/** What the task would fetch into the controller's cache, for `pb artifacts pull` and `pb run --offline`. */
export function controllerArtifactOf(spec: DownloadSpec): ControllerArtifact | undefined {
	if (spec.via === 'host') {
		return undefined;
	}

	const name = fileNameOf(spec.url);
	const request = {name, sources: sourceUrls(spec.url, spec.mirrors), ...transfer(spec)};
	const sha256Of = async () => {
		const digest = await expectedDigest(undefined, spec, name);
		return digest?.algorithm === 'sha256' ? digest.hex : undefined;
	};

	return {
		name,
		async fetch(onProgress) {
			return artifactCache().fetch({...request, sha256: await sha256Of(), onProgress});
		},
		async cached() {
			const list = checksumListRequest(spec, name);
			if (spec.checksum?.algorithm !== 'sha256' || (list && !await artifactCache().hasText(list.sources))) {
				return false;
			}

			const sha256 = await sha256Of();
			return sha256 !== undefined && await artifactCache().lookup(sha256) !== undefined;
		},
	};
}

/** Where the cache notes the sha256 of bytes a digest of another algorithm was checked against. */
function digestNote(digest: {algorithm: DigestAlgorithm; hex: string}): string {
	return artifactCache().derivedPathOf(digest.hex, digest.algorithm);
}

/**
 * Fetches into the controller's cache; a digest other than sha256 is checked once the bytes are
 * in, and the sha256 of the bytes it names is noted, so later runs find them in the cache too.
 */
async function fetchIntoCache(ctx: HostContext, spec: DownloadSpec, name: string, digest: {algorithm: DigestAlgorithm; hex: string} | undefined): Promise<Fetched> {
	const cache = artifactCache();
	if (digest !== undefined && digest.algorithm !== 'sha256') {
		const noted = await readFile(digestNote(digest), 'utf8').catch(() => undefined);
		const cached = noted === undefined ? undefined : await cache.lookup(noted);
		if (cached) {
			return {cachePath: cached.path, sha256: cached.sha256, size: cached.size, elapsed: 0};
		}
	}

	const failures: TransferError[] = [];
	const started = Date.now();
	const artifact = await cache.fetch({
		name, sources: sourceUrls(spec.url, spec.mirrors), sha256: digest?.algorithm === 'sha256' ? digest.hex : undefined, ...transfer(spec),
		onProgress: (done, total) => ctx.progress(`download ${name}`, done, total),
		onFailure: failure => failures.push(failure),
	});
	warnOfFailures(ctx, failures);
	if (digest !== undefined && digest.algorithm !== 'sha256') {
		const got = await digestOf(artifact.path, digest.algorithm);
		if (got !== digest.hex) {
			throw new Error(`cannot download ${name}: ${digest.algorithm} mismatch: expected ${digest.hex}, got ${got} (${artifact.size} bytes, from ${spec.url}); nothing was written to the host`);
		}

		await writeDerived(digestNote(digest), artifact.sha256);
	}

	return {cachePath: artifact.path, sha256: artifact.sha256, size: artifact.size, elapsed: Math.round((Date.now() - started) / 1000)};
}

/** dest as it is, the bytes wanted (fetched into the controller's cache when dest lacks them). */
export async function readDownload(ctx: HostContext, spec: DownloadSpec): Promise<DownloadState> {
	const name = fileNameOf(spec.url);
	const digest = await expectedDigest(ctx, spec, name);
	const request = destRequest(spec);
	const dest = await readFileState(ctx, request.path, request.options);
	const path = !dest.exists && spec.dest.endsWith('/') ? posix.join(spec.dest, name) : dest.path;
	const isFile = dest.exists && dest.type === 'file';
	// A digest other than sha256 is checked on the host: when dest has it, its own sha256 is the one wanted.
	const verified = digest !== undefined && digest.algorithm !== 'sha256' && isFile && await hostDigest(ctx, path, digest.algorithm) === digest.hex;
	const expected = digest?.algorithm === 'sha256' ? digest.hex : verified && isFile ? dest.sha256 : undefined;
	if (digest === undefined && !spec.keepExisting) {
		ctx.warn(`${path}: no checksum, so ${spec.url} is fetched on every run and its bytes are not verified; add checksum: 'sha256:…'`);
	}

	const matches = expected !== undefined && isFile && dest.sha256 === expected;
	// As Ansible: a dest directory's file is fetched and compared, whatever force says.
	const kept = digest === undefined && spec.keepExisting && dest.exists && dest.path === spec.dest;
	const cannotWrite = dest.exists ? dest.type !== 'file' && dest.type !== 'link' : !dest.parentIsDir;
	if (spec.via === 'host' || matches || kept || cannotWrite) {
		return {dest, path, expected, fetched: undefined};
	}

	// Check mode fetches too: the cache is the controller's, and a later untar reads the archive from it.
	let fetched: Fetched;
	try {
		fetched = await fetchIntoCache(ctx, spec, name, digest);
	} catch (error) {
		// The checksum alone predicts the change; without the file, only a later untar's list is unknown.
		if (!ctx.check || expected === undefined) {
			throw error;
		}

		ctx.warn(`${path}: predicted from its checksum; the controller could not fetch it (${(error as Error).message}), so what an untar of it writes is not listed. \`pb artifacts pull\` fills the cache ahead`);
		return {dest, path, expected, fetched: undefined};
	}

	return {dest, path, expected: digest === undefined ? undefined : fetched.sha256, fetched};
}

/** A file's bytes and attributes as --diff shows them: its hash rather than its content. */
function describe(sha256: string | undefined, size: number | undefined, attributes: Attributes): string {
	return [
		sha256 === undefined ? '' : `sha256: ${sha256}\n`,
		size === undefined ? '' : `size: ${size} bytes\n`,
		attributeLines(attributes),
	].join('');
}

function before(dest: FileState, changes: Attributes): string {
	if (!dest.exists) {
		return '';
	}

	return dest.type === 'link' ? `link to ${dest.linkTarget ?? '?'}\n` : describe(dest.sha256, dest.size, currentAttributes(dest, changes));
}

function predicted(path: string, dest: FileState, changes: Attributes, sha256: string): PredictedPath {
	const kept = dest.exists && dest.type === 'file' ? dest : undefined;
	return {path, type: 'file', sha256, mode: changes.mode ?? kept?.mode, owner: changes.owner ?? kept?.owner, group: changes.group ?? kept?.group};
}

/** Only attributes change on a file that already holds the wanted bytes (or is kept as it is). */
function planAttributes(dest: Extract<FileState, {exists: true}>, path: string, changes: Attributes, unchanged: string, none: DownloadSteps, result: Record<string, unknown>): Plan<DownloadSteps> {
	if (attributeLines(changes) === '') {
		return {changed: false, msg: unchanged, steps: none, result};
	}

	return {
		changed: true,
		msg: `${path}: ${attributeLines(changes).trim().replaceAll('\n', ', ')}`,
		diff: [{header: path, before: attributeLines(currentAttributes(dest, changes)), after: attributeLines(changes)}],
		steps: {...none, attributes: changes},
		result,
		predicts: dest.sha256 === undefined ? [] : [predicted(path, dest, changes, dest.sha256)],
	};
}

/** Pure: what writing the wanted bytes and attributes at dest would change. */
export function planDownload({dest, path, expected, fetched}: DownloadState, spec: DownloadSpec): Plan<DownloadSteps> {
	const sha256 = expected ?? fetched?.sha256;
	const result = {dest: path, url: spec.url, ...(sha256 === undefined ? {} : {sha256}), ...(fetched ? {size: fetched.size} : {})};
	const none: DownloadSteps = {path, writeContent: false, cachePath: undefined, sha256, attributes: {}};
	if (!dest.exists && !dest.parentIsDir) {
		return {changed: false, msg: '', steps: none, result, failed: `directory ${posix.dirname(path)} does not exist on the host; create it first (file: state=directory)`};
	}

	if (dest.exists && dest.type !== 'file' && dest.type !== 'link') {
		return {changed: false, msg: '', steps: none, result, failed: `dest ${path} is a ${dest.type}; name the file to write (the URL has no file name to put in it)`};
	}

	const isFile = dest.exists && dest.type === 'file';
	const changes = isFile ? attributeChanges(dest, spec.attributes) : spec.attributes;
	if (isFile && spec.checksum === undefined && spec.keepExisting && path === spec.dest) {
		return planAttributes(dest, path, changes, `${path} exists; force: false keeps it as it is`, none, result);
	}

	if (sha256 === undefined) {
		return {
			changed: true,
			msg: `${path}: fetched by the host from ${spec.url}, replaced only if its bytes differ`,
			unpredictable: `without a checksum, whether ${path} changes is known only once the host has fetched ${spec.url}; add checksum: 'sha256:…' to predict it`,
			steps: {...none, writeContent: true, attributes: changes},
			result,
		};
	}

	if (isFile && dest.sha256 === sha256) {
		return planAttributes(dest, path, changes, `${path} already holds sha256 ${sha256}`, none, result);
	}

	const size = fetched?.size;
	return {
		changed: true,
		msg: `${path}: ${dest.exists ? 'replaced' : 'new file'}${size === undefined ? '' : `, ${size} bytes`}, sha256 ${sha256}`,
		diff: [{header: path, before: before(dest, changes), after: describe(sha256, size, changes)}],
		steps: {...none, writeContent: true, cachePath: fetched?.cachePath, attributes: changes},
		result,
		predicts: [predicted(path, dest, changes, sha256)],
	};
}

/** Carries out a planDownload plan: the cached file pushed, the host's own fetch, or attributes only. */
export async function applyDownload(ctx: HostContext, spec: DownloadSpec, plan: Plan<DownloadSteps>): Promise<ApplyResult> {
	const {path, writeContent, cachePath, sha256, attributes} = plan.steps;
	try {
		if (!writeContent) {
			await setAttributes(ctx, path, attributes);
			return {};
		}

		if (cachePath !== undefined) {
			const written = await writeFileAtomic(ctx, path, {path: cachePath, size: (await stat(cachePath)).size}, {...attributes, backup: spec.backup, sha256});
			return written.backupFile === undefined ? {} : {result: {...plan.result, backup_file: written.backupFile}};
		}

		const failures: TransferError[] = [];
		const got = await hostDownload(ctx, fileNameOf(spec.url), sourceUrls(spec.url, spec.mirrors), path, {
			...transfer(spec), sha256, attributes, onFailure: failure => failures.push(failure),
		});
		warnOfFailures(ctx, failures);
		const result = {...plan.result, sha256: got.sha256, size: got.size, served_by: got.url};
		if (!got.same) {
			return {result};
		}

		// Fetched without a checksum and found equal: only attributes may still differ.
		if (attributeLines(attributes) === '') {
			return {changed: false, msg: `${path} already holds the bytes at ${spec.url}`, result};
		}

		await setAttributes(ctx, path, attributes);
		return {msg: `${path}: ${attributeLines(attributes).trim().replaceAll('\n', ', ')}`, result};
	} catch (error) {
		if (error instanceof HostFileError) {
			return {failed: error.message};
		}

		throw error;
	}
}
