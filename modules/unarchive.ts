import {createReadStream} from 'node:fs';
import {pipeline} from 'node:stream/promises';
import {ansibleHandlers} from '../engine/artifacts/archive-format.js';
import {artifactCache, sha256Of} from '../engine/artifacts/cache.js';
import {fileNameOf} from './download/transfer.js';
import {findSource} from '../engine/controller-source.js';
import {formatMode, wantedAttributes} from '../engine/host/attributes.js';
import {fileWriteProblem} from '../engine/host/file-write.js';
import {defineModule, type HostContext, type Params, type Plan} from '../engine/module.js';
import {applyExtract, extractedFileParams, planExtract, readExtract, type ArchiveSource, type ExtractSpec, type ExtractState, type ExtractSteps} from './untar/extract.js';

/*
 * unarchive: Ansible's name and parameters for untar's implementation. The archive is a file on
 * the controller (pushed to the host only when members must be written), a file on the host
 * (remote_src), or a URL fetched once into the controller's cache.
 */

const schema = {
	src: {type: 'str', required: true, description: 'The archive: a file on the controller (looked up in files/ as copy\'s src), on the host with remote_src: true, or an http(s) URL. A tar (plain, gzip, xz, bzip2, zstd) or a zip (the host needs unzip)'},
	dest: {type: 'path', required: true, description: 'Existing directory on the host to extract into'},
	remote_src: {type: 'bool', default: false, description: 'src is a path on the host, not on the controller'},
	copy: {type: 'bool', description: 'Deprecated opposite of remote_src, as in Ansible'},
	creates: {type: 'path', description: 'When this path exists on the host, the task is skipped'},
	extra_opts: {type: 'list', elements: 'str', default: [], description: 'tar options pb understands: --strip-components=N (or --strip-components N), --exclude=PATTERN, and --no-same-owner, which is always so'},
	include: {type: 'list', elements: 'str', default: [], description: 'Only these members (names as listed by tar -t; a directory takes what it holds; globs allowed)'},
	exclude: {type: 'list', elements: 'str', default: [], description: 'Members left out, as tar --exclude matches them (any name part, * crossing /)'},
	list_files: {type: 'bool', default: false, description: 'Register `files`: the selected members\' names as the archive lists them'},
	keep_newer: {type: 'bool', default: false, description: 'Keep files on the host newer than the archive\'s copy'},
	validate_certs: {type: 'bool', default: true, description: 'false: an https src\'s certificate is not checked'},
	...extractedFileParams,
} as const;

type UnarchiveParams = Params<typeof schema>;

/** What extra_opts say: leading parts to strip, more exclusions; or what pb cannot do with them. */
function readExtraOpts(options: readonly string[]): {strip: number; exclude: string[]} | {problem: string} {
	let strip = 0;
	const exclude: string[] = [];
	for (let index = 0; index < options.length; index++) {
		const option = options[index]!;
		const [name, inline] = option.split(/=(.*)/s) as [string, string | undefined];
		const value = inline ?? (name === '--strip-components' || name === '--exclude' ? options[++index] : undefined);
		if ((name === '--strip-components' || name === '--strip') && value !== undefined && /^\d+$/.test(value)) {
			strip = Number(value);
		} else if (name === '--exclude' && value !== undefined) {
			exclude.push(value);
		} else if (name !== '--no-same-owner') {
			return {problem: `extra_opts: pb does not pass options to tar and understands only --strip-components=N, --exclude=PATTERN and --no-same-owner, got '${option}'; use include, exclude or mode instead`};
		}
	}

	return {strip, exclude};
}

function isUrl(src: string): boolean {
	return src.includes('://');
}

function remoteSrc(params: UnarchiveParams): boolean {
	return params.copy === undefined ? params.remote_src : !params.copy;
}

function specOf(params: UnarchiveParams): ExtractSpec {
	const extra = readExtraOpts(params.extra_opts);
	const {strip, exclude} = 'problem' in extra ? {strip: 0, exclude: []} : extra;
	return {
		src: params.src,
		dest: params.dest,
		createDest: false,
		fetcher: 'get_url',
		missingDestHint: 'unarchive extracts into an existing directory: create it first (file: state=directory)',
		strip,
		include: params.include,
		exclude: [...params.exclude, ...exclude],
		creates: params.creates,
		createsSkips: true,
		keepNewer: params.keep_newer,
		attributes: wantedAttributes(params),
	};
}

/** A controller file or a URL's bytes, in the controller's cache (where members are read from and pushed). */
async function controllerArchive(ctx: HostContext, params: UnarchiveParams): Promise<ArchiveSource> {
	const cache = artifactCache();
	if (isUrl(params.src)) {
		const fetched = await cache.fetch({
			name: fileNameOf(params.src), sources: [params.src], timeoutMs: 600_000, retry: {retries: 3, delayMs: 1000}, validateCerts: params.validate_certs,
			onProgress: (done, total) => ctx.progress(`unarchive ${fileNameOf(params.src)}`, done, total),
		});
		return {kind: 'controller', path: params.src, cachePath: fetched.path, sha256: fetched.sha256};
	}

	const path = await findSource(ctx, 'files', params.src, 'unarchive');
	const sha256 = await sha256Of(path);
	const cached = await cache.readOnce(sha256, path, async sink => pipeline(createReadStream(path), sink));
	return {kind: 'controller', path, cachePath: cached.path, sha256};
}

interface UnarchiveState {
	readonly archive: ArchiveSource;
	readonly extract: ExtractState;
}

interface UnarchiveSteps {
	readonly archive: ArchiveSource;
	readonly extract: ExtractSteps;
}

/** A stored name as `tar -t --show-transformed-names` lists it once leading parts are stripped ('' for a stripped top folder, as tar lists it). */
function listedName(name: string, strip: number): string {
	const trimmed = name.replace(/^\/+/, '');
	if (strip === 0) {
		return trimmed;
	}

	const parts = trimmed.split('/');
	return parts.slice(strip).join('/');
}

export default defineModule({
	name: 'unarchive',
	summary: 'Extract an archive from the controller, the host or a URL into a directory on the host, by Ansible\'s name (only the members that differ are written)',
	params: schema,
	example: `- name: Install crictl
  unarchive:
    src: crictl-v1.31.1-linux-amd64.tar.gz
    dest: /usr/local/bin
    include: [crictl]
    mode: '0755'`,
	rules: {mutually_exclusive: [['include', 'exclude'], ['copy', 'remote_src']]},
	validate(params) {
		const extra = readExtraOpts(params.extra_opts);
		if ('problem' in extra) {
			return extra.problem;
		}

		if (isUrl(params.src) && !/^https?:\/\//i.test(params.src)) {
			return `src ${params.src}: pb fetches http:// and https:// URLs only`;
		}

		return fileWriteProblem({mode: params.mode});
	},
	async read(ctx, params): Promise<UnarchiveState> {
		const archive: ArchiveSource = remoteSrc(params) && !isUrl(params.src) ? {kind: 'host', path: params.src} : await controllerArchive(ctx, params);
		return {archive, extract: await readExtract(ctx, specOf(params), archive)};
	},
	plan({archive, extract}, params): Plan<UnarchiveSteps> {
		const spec = specOf(params);
		const plan = planExtract(extract, spec);
		if (extract.kind !== 'read') {
			return {...plan, steps: {archive, extract: plan.steps}};
		}

		const {dest, format, names} = extract;
		const destInfo = dest.exists ? {state: 'directory', mode: formatMode(dest.mode), owner: dest.owner, group: dest.group, uid: dest.uid, gid: dest.gid, size: dest.size} : {};
		const result = {
			dest: params.dest, src: params.src, handler: ansibleHandlers[format], ...destInfo,
			...(params.list_files ? {files: names.map(name => listedName(name, spec.strip))} : {}),
		};
		return {...plan, steps: {archive, extract: plan.steps}, result: {...plan.result, ...result}};
	},
	async apply(ctx, params, plan) {
		return applyExtract(ctx, specOf(params), plan.steps.archive, {...plan, steps: plan.steps.extract});
	},
});
