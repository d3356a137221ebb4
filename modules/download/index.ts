import {parseChecksum} from '../../engine/artifacts/checksum.js';
import {wantedAttributes} from '../../engine/host/attributes.js';
import {defineModule, type Params} from '../../engine/module.js';
import {applyDownload, controllerArtifactOf, downloadedFileParams, destRequest, downloadProblem, isHttpUrl, planDownload, readDownload, type DownloadSpec} from './transfer.js';

const schema = {
	url: {type: 'str', required: true, description: 'http(s) URL of the file'},
	dest: {type: 'path', required: true, description: 'Path on the host; an existing directory (or a path ending in /) receives the file under the URL\'s file name'},
	checksum: {type: 'str', description: '\'sha256:<hex>\', or \'sha256:<URL>\' of a sha256sum-format file listing this file; without it the file is fetched every run and compared'},
	mirrors: {type: 'list', elements: 'str', default: [], description: 'Base URLs tried in order before url, each + the URL\'s path'},
	headers: {type: 'dict', description: 'HTTP request headers, name: value'},
	...downloadedFileParams,
	timeout: {type: 'int', default: 600, minimum: 1, description: 'Seconds one attempt at one source may take, request to last byte'},
	retries: {type: 'int', default: 3, minimum: 0, description: 'Further attempts at a source after a timeout, a cut transfer, a lost connection or an HTTP 5xx'},
	retry_delay: {type: 'int', default: 1, minimum: 0, description: 'Seconds before the first retry; each next one waits twice as long'},
	via: {type: 'str', choices: ['controller', 'host'], default: 'controller', description: 'controller: fetched once into the controller\'s cache and pushed to each host; host: each host fetches it with curl or wget'},
} as const;

type DownloadParams = Params<typeof schema>;

/** pb's own parameters in the terms download and get_url share. */
function specOf(params: DownloadParams): DownloadSpec {
	return {
		url: params.url,
		dest: params.dest,
		checksum: params.checksum === undefined ? undefined : parseChecksum(params.checksum),
		mirrors: params.mirrors,
		headers: Object.fromEntries(Object.entries(params.headers ?? {}).map(([name, value]) => [name, String(value)])),
		timeoutMs: params.timeout * 1000,
		retry: {retries: params.retries, delayMs: params.retry_delay * 1000},
		via: params.via,
		attributes: wantedAttributes(params),
		keepExisting: false,
		backup: false,
		validateCerts: true,
	};
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
		const badMirror = params.mirrors.find(mirror => !isHttpUrl(mirror));
		if (badMirror !== undefined) {
			return `mirrors: each must be an http:// or https:// base URL, got '${badMirror}'`;
		}

		return downloadProblem(params, ['sha256']);
	},
	controllerArtifact: params => controllerArtifactOf(specOf(params)),
	readsAhead: params => [destRequest(params)],
	read: async (ctx, params) => readDownload(ctx, specOf(params)),
	plan(state, params) {
		const plan = planDownload(state, specOf(params));
		return {...plan, result: {...plan.result, via: params.via}};
	},
	apply: async (ctx, params, plan) => applyDownload(ctx, specOf(params), plan),
});
