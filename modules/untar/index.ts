import {wantedAttributes} from '../../engine/host/attributes.js';
import {fileWriteProblem} from '../../engine/host/file-write.js';
import {defineModule, type Params} from '../../engine/module.js';
import {applyExtract, extractedFileParams, planExtract, readExtract, type ExtractSpec} from './extract.js';

const schema = {
	src: {type: 'path', required: true, description: 'The archive on the host, typically a download task\'s dest: a tar (plain, gzip, xz, bzip2 or zstd) or a zip (extracted with the host\'s unzip)'},
	dest: {type: 'path', required: true, description: 'Directory on the host to extract into'},
	create_dest: {type: 'bool', default: false, description: 'Create dest (and its parents) when missing; otherwise a missing dest fails'},
	strip_components: {type: 'int', default: 0, minimum: 0, description: 'Leading path parts removed from each member, as tar --strip-components (\'.\' counts as one)'},
	include: {type: 'list', elements: 'str', default: [], description: 'Only members whose path under dest (or a directory above it) matches: \'bin/\', \'bin/*\', \'**/crictl\''},
	creates: {type: 'path', description: 'When this path exists on the host, nothing is done'},
	...extractedFileParams,
	list_files: {type: 'bool', default: false, description: 'Register `files`: every selected member\'s path under dest'},
} as const;

/** pb's own parameters in the terms untar and unarchive share. */
function specOf(params: Params<typeof schema>): ExtractSpec {
	return {
		src: params.src,
		dest: params.dest,
		createDest: params.create_dest,
		fetcher: 'download',
		missingDestHint: 'create it first, or set create_dest: true',
		strip: params.strip_components,
		include: params.include,
		exclude: [],
		creates: params.creates,
		createsSkips: false,
		keepNewer: false,
		attributes: wantedAttributes(params),
	};
}

export default defineModule({
	name: 'untar',
	summary: 'Extract a tar archive (plain, gzip, xz, bzip2, zstd) or a zip on the host into a directory, writing only the members that differ',
	params: schema,
	example: `- name: Install containerd
  untar:
    src: /opt/pb/containerd-1.7.22-linux-amd64.tar.gz
    dest: /usr/local
    include: [bin/]`,
	validate(params) {
		const empty = params.include.find(pattern => pattern.replace(/^(?:\.\/)+/, '').replace(/\/+$/, '') === '');
		if (empty !== undefined) {
			return `include: '${empty}' names no member; leave include out to extract everything`;
		}

		return fileWriteProblem({mode: params.mode});
	},
	// No readsAhead: the archive is most often the dest of the download just before, which a batch
	// would hash a second time; read after that download, its sum is remembered.
	read: async (ctx, params) => readExtract(ctx, specOf(params), {kind: 'host', path: params.src}),
	plan(state, params) {
		const plan = planExtract(state, specOf(params));
		return params.list_files && state.kind === 'read' ? {...plan, result: {...plan.result, files: state.members.map(member => member.path)}} : plan;
	},
	apply: async (ctx, params, plan) => applyExtract(ctx, specOf(params), {kind: 'host', path: params.src}, plan),
});
