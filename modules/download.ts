import {stat} from 'node:fs/promises';
import {posix} from 'node:path';
import {artifactCache} from '../engine/artifacts/cache.js';
import {checksumFromList, parseChecksum} from '../engine/artifacts/checksum.js';
import {hostDownload, hostFetchText} from '../engine/artifacts/host-download.js';
import {sourceUrls, type RetryPolicy, type TransferError} from '../engine/artifacts/sources.js';
import {attributeChanges, attributeLines, currentAttributes, parseMode, setAttributes} from '../engine/host/attributes.js';
import {HostFileError, type FileRequest, type FileState, type Attributes, type PredictedPath} from '../engine/host/file-state.js';
import {readFileState} from '../engine/host/read-files.js';
import {writeFileAtomic} from '../engine/host/write-file.js';
import {fileWriteProblem} from '../engine/host/file-write.js';
import {defineModule, type HostContext, type Params, type Plan} from '../engine/module.js';

/** The artifact as the controller's cache holds it (via: controller). */
interface Fetched {
	readonly cachePath: string;
	readonly sha256: string;
	readonly size: number;
}

interface DownloadState {
	readonly dest: FileState;
	/** The file written: dest itself, or dest/<the URL's file name> when dest is a directory. */
	readonly path: string;
	/** From `checksum`; undefined without one. */
	readonly expected: string | undefined;
	/** Via controller, when dest did not already hold the expected bytes. */
	readonly fetched: Fetched | undefined;
}

interface DownloadSteps {
	readonly path: string;
	/** Whether the file's bytes are (or, via host without a checksum, may be) written. */
	readonly writeContent: boolean;
	readonly cachePath: string | undefined;
	/** The bytes' expected sha256 (via host); undefined: any bytes, compared with dest's. */
	readonly sha256: string | undefined;
	/** The attributes to set: all wanted ones for a new file, only those that differ otherwise. */
	readonly attributes: Attributes;
}

function fileNameOf(url: string): string {
	return decodeURIComponent(posix.basename(new URL(url).pathname));
}

/** What the read asks of dest: a directory is looked into for the URL's file name. */
function destRequest(params: Params<typeof schema>): FileRequest {
	const name = fileNameOf(params.url);
	return {path: params.dest, options: name === '' ? {} : {inDirectory: name}};
}

function isHttpUrl(value: string): boolean {
	try {
		return ['http:', 'https:'].includes(new URL(value).protocol);
	} catch {
		return false;
	}
}

const schema = {
	url: {type: 'str', required: true, description: 'http(s) URL of the file'},
	dest: {type: 'path', required: true, description: 'Path on the host; an existing directory (or a path ending in /) receives the file under the URL\'s file name'},
	checksum: {type: 'str', description: '\'sha256:<hex>\', or \'sha256:<URL>\' of a sha256sum-format file listing this file; without it the file is fetched every run and compared'},
	mirrors: {type: 'list', elements: 'str', default: [], description: 'Base URLs tried in order before url, each + the URL\'s path'},
	headers: {type: 'dict', description: 'HTTP request headers, name: value'},
	mode: {type: 'raw', description: 'Permissions: \'0755\' (quoted), 0755 (a YAML octal) or \'755\'; unset keeps those of the file replaced'},
	owner: {type: 'str', description: 'User name or uid owning dest'},
	group: {type: 'str', description: 'Group name or gid of dest'},
	timeout: {type: 'int', default: 600, minimum: 1, description: 'Seconds one attempt at one source may take, request to last byte'},
	retries: {type: 'int', default: 3, minimum: 0, description: 'Further attempts at a source after a timeout, a cut transfer, a lost connection or an HTTP 5xx'},
	retry_delay: {type: 'int', default: 1, minimum: 0, description: 'Seconds before the first retry; each next one waits twice as long'},
	via: {type: 'str', choices: ['controller', 'host'], default: 'controller', description: 'controller: fetched once into the controller\'s cache and pushed to each host; host: each host fetches it with curl or wget'},
} as const;

type DownloadParams = Params<typeof schema>;

function transferOptions(params: DownloadParams): {headers: Record<string, string>; timeoutMs: number; retry: RetryPolicy} {
	const headers = Object.fromEntries(Object.entries(params.headers ?? {}).map(([name, value]) => [name, String(value)]));
	return {headers, timeoutMs: params.timeout * 1000, retry: {retries: params.retries, delayMs: params.retry_delay * 1000}};
}

function wantedAttributes(params: DownloadParams): Attributes {
	return {mode: params.mode === undefined ? undefined : parseMode(params.mode), owner: params.owner, group: params.group};
}

/** The checksums file a `sha256:URL` checksum names, as a request; undefined for a plain sha256 or none. */
function checksumListRequest(params: DownloadParams, name: string) {
	const spec = params.checksum === undefined ? undefined : parseChecksum(params.checksum);
	return spec?.kind === 'list' ? {name: `the checksums file for ${name}`, sources: sourceUrls(spec.url, params.mirrors), ...transferOptions(params)} : undefined;
}

/** The sha256 the checksum parameter names, fetching its checksums file where the file itself would be fetched. */
async function expectedSha256(ctx: HostContext | undefined, params: DownloadParams, name: string): Promise<string | undefined> {
	if (params.checksum === undefined) {
		return undefined;
	}

	const spec = parseChecksum(params.checksum);
	if (spec.kind === 'sha256') {
		return spec.sha256;
	}

	const request = checksumListRequest(params, name)!;
	const {text, url} = params.via === 'host' && ctx ? await hostFetchText(ctx, request.name, request.sources, request) : await artifactCache().fetchText(request);
	return checksumFromList(text, name, url);
}

/** Failed attempts are only worth a warning when a later source worked (otherwise the error lists them). */
function warnOfFailures(ctx: HostContext, failures: readonly TransferError[]): void {
	for (const failure of failures) {
		ctx.warn(`${failure.url}: ${failure.message}; used the next source`);
	}
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

export default defineModule({
	name: 'download',
	summary: 'Download a file over http(s), verified by sha256: once into the controller\'s cache and pushed to hosts, or fetched by each host',
	params: schema,
	example: `- name: Fetch containerd
  download:
    url: https://github.com/containerd/containerd/releases/download/v1.7.22/containerd-1.7.22-linux-amd64.tar.gz
    checksum: sha256:https://github.com/containerd/containerd/releases/download/v1.7.22/containerd-1.7.22-linux-amd64.tar.gz.sha256sum
    mirrors: [http://mirror.example:8080/github]
    dest: /opt/pb/containerd-1.7.22-linux-amd64.tar.gz`,
	validate(params) {
		if (!isHttpUrl(params.url)) {
			return `url must be an http:// or https:// URL, got '${params.url}'`;
		}

		const badMirror = params.mirrors.find(mirror => !isHttpUrl(mirror));
		if (badMirror !== undefined) {
			return `mirrors: each must be an http:// or https:// base URL, got '${badMirror}'`;
		}

		const badHeader = Object.entries(params.headers ?? {}).find(([, value]) => typeof value !== 'string' && typeof value !== 'number');
		if (badHeader) {
			return `headers: the value of ${badHeader[0]} must be a string, got ${JSON.stringify(badHeader[1])}`;
		}

		try {
			if (params.checksum !== undefined) {
				parseChecksum(params.checksum);
			}
		} catch (error) {
			return (error as Error).message;
		}

		return fileWriteProblem({mode: params.mode});
	},
	controllerArtifact(params) {
		if (params.via === 'host') {
			return undefined;
		}

		const name = fileNameOf(params.url);
		const request = {name, sources: sourceUrls(params.url, params.mirrors), ...transferOptions(params)};
		return {
			name,
			async fetch(onProgress) {
				await artifactCache().fetch({...request, sha256: await expectedSha256(undefined, params, name), onProgress});
			},
			async cached() {
				const list = checksumListRequest(params, name);
				if (params.checksum === undefined || (list && !await artifactCache().hasText(list.sources))) {
					return false;
				}

				const sha256 = await expectedSha256(undefined, params, name);
				return sha256 !== undefined && await artifactCache().lookup(sha256) !== undefined;
			},
		};
	},
	readsAhead: params => [destRequest(params)],
	async read(ctx, params): Promise<DownloadState> {
		const name = fileNameOf(params.url);
		const expected = await expectedSha256(ctx, params, name);
		const request = destRequest(params);
		const dest = await readFileState(ctx, request.path, request.options);
		const path = !dest.exists && params.dest.endsWith('/') ? posix.join(params.dest, name) : dest.path;
		if (expected === undefined) {
			ctx.warn(`${path}: no checksum, so ${params.url} is fetched on every run and its bytes are not verified; add checksum: 'sha256:…'`);
		}

		const matches = expected !== undefined && dest.exists && dest.type === 'file' && dest.sha256 === expected;
		const cannotWrite = dest.exists ? dest.type !== 'file' && dest.type !== 'link' : !dest.parentIsDir;
		if (params.via === 'host' || matches || cannotWrite) {
			return {dest, path, expected, fetched: undefined};
		}

		// Check mode fetches too: the cache is the controller's, and a later untar reads the archive from it.
		const failures: TransferError[] = [];
		const fetching = artifactCache().fetch({
			name, sources: sourceUrls(params.url, params.mirrors), sha256: expected, ...transferOptions(params),
			onProgress: (done, total) => ctx.progress(`download ${name}`, done, total),
			onFailure: failure => failures.push(failure),
		});
		let artifact;
		try {
			artifact = await fetching;
		} catch (error) {
			// The checksum alone predicts the change; without the file, only a later untar's list is unknown.
			if (!ctx.check || expected === undefined) {
				throw error;
			}

			ctx.warn(`${path}: predicted from its checksum; the controller could not fetch it (${(error as Error).message}), so what an untar of it writes is not listed. \`pb artifacts pull\` fills the cache ahead`);
			return {dest, path, expected, fetched: undefined};
		}

		warnOfFailures(ctx, failures);
		return {dest, path, expected, fetched: {cachePath: artifact.path, sha256: artifact.sha256, size: artifact.size}};
	},
	plan({dest, path, expected, fetched}, params): Plan<DownloadSteps> {
		const sha256 = expected ?? fetched?.sha256;
		const wanted = wantedAttributes(params);
		const result = {dest: path, url: params.url, via: params.via, ...(sha256 === undefined ? {} : {sha256}), ...(fetched ? {size: fetched.size} : {})};
		const none: DownloadSteps = {path, writeContent: false, cachePath: undefined, sha256, attributes: {}};
		if (!dest.exists && !dest.parentIsDir) {
			return {changed: false, msg: '', steps: none, result, failed: `directory ${posix.dirname(path)} does not exist on the host; create it first (file: state=directory)`};
		}

		if (dest.exists && dest.type !== 'file' && dest.type !== 'link') {
			return {changed: false, msg: '', steps: none, result, failed: `dest ${path} is a ${dest.type}; name the file to write (the URL has no file name to put in it)`};
		}

		const isFile = dest.exists && dest.type === 'file';
		const changes = isFile ? attributeChanges(dest, wanted) : wanted;
		if (sha256 === undefined) {
			return {
				changed: true,
				msg: `${path}: fetched by the host from ${params.url}, replaced only if its bytes differ`,
				unpredictable: `without a checksum, whether ${path} changes is known only once the host has fetched ${params.url}; add checksum: 'sha256:…' to predict it`,
				steps: {...none, writeContent: true, attributes: changes},
				result,
			};
		}

		if (isFile && dest.sha256 === sha256) {
			if (attributeLines(changes) === '') {
				return {changed: false, msg: `${path} already holds sha256 ${sha256}`, steps: none, result};
			}

			return {
				changed: true,
				msg: `${path}: ${attributeLines(changes).trim().replaceAll('\n', ', ')}`,
				diff: [{header: path, before: attributeLines(currentAttributes(dest, changes)), after: attributeLines(changes)}],
				steps: {...none, attributes: changes},
				result,
				predicts: [predicted(path, dest, changes, sha256)],
			};
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
	},
	async apply(ctx, params, plan) {
		const {path, writeContent, cachePath, sha256, attributes} = plan.steps;
		try {
			if (!writeContent) {
				await setAttributes(ctx, path, attributes);
				return {};
			}

			if (cachePath !== undefined) {
				await writeFileAtomic(ctx, path, {path: cachePath, size: (await stat(cachePath)).size}, attributes);
				return {};
			}

			const failures: TransferError[] = [];
			const name = fileNameOf(params.url);
			const got = await hostDownload(ctx, name, sourceUrls(params.url, params.mirrors), path, {
				...transferOptions(params), sha256, attributes, onFailure: failure => failures.push(failure),
			});
			warnOfFailures(ctx, failures);
			const result = {...plan.result, sha256: got.sha256, size: got.size, served_by: got.url};
			if (!got.same) {
				return {result};
			}

			// Fetched without a checksum and found equal: only attributes may still differ.
			if (attributeLines(attributes) === '') {
				return {changed: false, msg: `${path} already holds the bytes at ${params.url}`, result};
			}

			await setAttributes(ctx, path, attributes);
			return {msg: `${path}: ${attributeLines(attributes).trim().replaceAll('\n', ', ')}`, result};
		} catch (error) {
			if (error instanceof HostFileError) {
				return {failed: error.message};
			}

			throw error;
		}
	},
});
