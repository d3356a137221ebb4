import {digestAlgorithms, parseChecksum} from '../engine/artifacts/checksum.js';
import {formatMode, wantedAttributes} from '../engine/host/attributes.js';
import type {FileState} from '../engine/host/file-state.js';
import {defineModule, type Params, type Plan} from '../engine/module.js';
import {applyDownload, controllerArtifactOf, downloadedFileParams, destRequest, digestOf, downloadProblem, hostDigest, planDownload, readDownload, type DownloadSpec, type DownloadState, type DownloadSteps} from './download/transfer.js';

/*
 * get_url: Ansible's name and parameters for download's implementation, fetched through the
 * controller's cache and pushed to the host. What register gives follows Ansible: sha1 sums of the
 * bytes fetched and of the file they replace, the md5sum, the HTTP status and message.
 */

const schema = {
	url: {type: 'str', required: true, description: 'http(s) URL of the file'},
	dest: {type: 'path', required: true, description: 'Path on the host; an existing directory receives the file under the URL\'s file name'},
	checksum: {type: 'str', default: '', description: '\'ALGORITHM:<hex>\' or \'ALGORITHM:<URL of a checksums file>\' (md5, sha1, sha224, sha256, sha384, sha512); a file matching it is not fetched again. sha256 also lets --check predict without fetching'},
	force: {type: 'bool', default: false, description: 'Without a checksum: true fetches every run and replaces dest when the bytes differ; false leaves an existing dest as it is'},
	backup: {type: 'bool', default: false, description: 'Keep a replaced file as dest.YYYY-MM-DD@HH:MM:SS~'},
	headers: {type: 'dict', description: 'HTTP request headers, name: value'},
	timeout: {type: 'int', default: 10, minimum: 1, description: 'Seconds one attempt may take, request to last byte (Ansible\'s bounds each network read instead: raise it for large files)'},
	url_username: {type: 'str', aliases: ['username'], description: 'User name for HTTP basic authentication'},
	url_password: {type: 'str', aliases: ['password'], secret: true, description: 'Password for HTTP basic authentication'},
	force_basic_auth: {type: 'bool', default: false, description: 'Accepted for Ansible; pb sends the credentials with the first request either way'},
	http_agent: {type: 'str', default: 'ansible-httpget', description: 'The User-Agent header sent'},
	validate_certs: {type: 'bool', default: true, description: 'false: an https server\'s certificate is not checked'},
	use_proxy: {type: 'bool', default: true, description: 'Accepted for Ansible; pb fetches directly, without the *_proxy environment variables'},
	...downloadedFileParams,
} as const;

type GetUrlParams = Params<typeof schema>;

/** Ansible's parameters in the terms download and get_url share. */
function specOf(params: GetUrlParams): DownloadSpec {
	const headers: Record<string, string> = {'User-Agent': params.http_agent};
	for (const [name, value] of Object.entries(params.headers ?? {})) {
		headers[name] = String(value);
	}

	if (params.url_username !== undefined) {
		headers['Authorization'] = `Basic ${Buffer.from(`${params.url_username}:${params.url_password ?? ''}`).toString('base64')}`;
	}

	return {
		url: params.url,
		dest: params.dest,
		checksum: params.checksum === '' ? undefined : parseChecksum(params.checksum, digestAlgorithms),
		mirrors: [],
		headers,
		validateCerts: params.validate_certs,
		timeoutMs: params.timeout * 1000,
		retry: {retries: 3, delayMs: 1000},
		via: 'controller',
		attributes: wantedAttributes(params),
		keepExisting: !params.force,
		backup: params.backup,
	};
}

interface GetUrlState {
	readonly download: DownloadState;
	/** sha1 and md5 of the fetched bytes, and sha1 of the file they would replace. */
	readonly sums: {readonly src: string; readonly md5: string; readonly dest: string | undefined} | undefined;
}

/** The file's attributes as Ansible adds them to what it returns about a path. */
function pathInfo(dest: FileState, plan: Plan<DownloadSteps>, size: number | undefined): Record<string, unknown> {
	const kept = dest.exists && dest.type === 'file' ? dest : undefined;
	const {attributes} = plan.steps;
	const mode = attributes.mode ?? kept?.mode;
	const owner = attributes.owner ?? kept?.owner;
	const group = attributes.group ?? kept?.group;
	return {
		state: 'file',
		...(mode === undefined ? {} : {mode: formatMode(mode)}),
		...(owner === undefined ? {} : {owner}),
		...(group === undefined ? {} : {group}),
		...(size === undefined ? {} : {size}),
	};
}

export default defineModule({
	name: 'get_url',
	summary: 'Download a file over http(s) to the host, by Ansible\'s name and parameters (through the controller\'s cache)',
	params: schema,
	example: `- name: Fetch crictl
  get_url:
    url: https://github.com/kubernetes-sigs/cri-tools/releases/download/v1.31.1/crictl-v1.31.1-linux-amd64.tar.gz
    dest: /opt/pb/crictl.tar.gz
    checksum: sha256:https://github.com/kubernetes-sigs/cri-tools/releases/download/v1.31.1/crictl-v1.31.1-linux-amd64.tar.gz.sha256
    mode: '0644'`,
	rules: {required_together: [['url_password', 'url_username']]},
	validate: params => downloadProblem({...params, checksum: params.checksum === '' ? undefined : params.checksum}, digestAlgorithms),
	controllerArtifact: params => controllerArtifactOf(specOf(params)),
	readsAhead: params => [destRequest(params)],
	async read(ctx, params): Promise<GetUrlState> {
		const download = await readDownload(ctx, specOf(params));
		const {dest, path, fetched} = download;
		if (fetched === undefined) {
			return {download, sums: undefined};
		}

		const [src, md5] = await Promise.all([digestOf(fetched.cachePath, 'sha1'), digestOf(fetched.cachePath, 'md5')]);
		const isFile = dest.exists && dest.type === 'file';
		const destSum = !isFile ? undefined : dest.sha256 === fetched.sha256 ? src : await hostDigest(ctx, path, 'sha1');
		return {download, sums: {src, md5, dest: destSum}};
	},
	plan({download, sums}, params): Plan<DownloadSteps> {
		const plan = planDownload(download, specOf(params));
		const {dest, path, fetched} = download;
		const common = {dest: path, url: params.url, elapsed: fetched?.elapsed ?? 0};
		if (plan.failed !== undefined) {
			return {...plan, result: common};
		}

		if (sums === undefined || fetched === undefined) {
			const msg = plan.changed ? 'file already exists but file attributes changed' : 'file already exists';
			return {...plan, ...(plan.changed ? {} : {msg}), result: {...common, checksum_dest: null, checksum_src: null, ...(dest.exists ? pathInfo(dest, plan, dest.size) : {}), msg}};
		}

		const msg = `OK (${fetched.size} bytes)`;
		return {
			...plan,
			// Unchanged, the plan's message is what register gives: Ansible's.
			...(plan.changed ? {} : {msg}),
			result: {...common, checksum_src: sums.src, checksum_dest: sums.dest ?? null, md5sum: sums.md5, status_code: 200, msg, ...pathInfo(dest, plan, fetched.size)},
		};
	},
	async apply(ctx, params, plan) {
		const applied = await applyDownload(ctx, specOf(params), plan);
		return {...applied, result: {...plan.result, ...applied.result}};
	},
});
