import {defineModule, type Plan} from '../engine/module.js';
import {formatMode} from '../engine/host/attributes.js';
import {type FileRequest, type FileState} from '../engine/host/file-state.js';
import {readFileState} from '../engine/host/read-files.js';

/** The registered `stat` as Ansible names its fields (checksum is sha256 here, not sha1). */
function statResult(file: FileState): Record<string, unknown> {
	if (!file.exists) {
		return {exists: false, path: file.path};
	}

	return {
		exists: true,
		path: file.path,
		isdir: file.type === 'directory',
		isreg: file.type === 'file',
		islnk: file.type === 'link',
		mode: formatMode(file.mode),
		uid: file.uid,
		gid: file.gid,
		pw_name: file.owner,
		gr_name: file.group,
		size: file.size,
		mtime: file.mtime,
		...(file.sha256 === undefined ? {} : {checksum: file.sha256}),
		...(file.linkTarget === undefined ? {} : {lnk_target: file.linkTarget}),
	};
}

/** The path, followed or not, hashed or not: what the read asks of the host. */
function statRequest(params: {readonly path: string; readonly get_checksum: boolean; readonly follow: boolean}): FileRequest {
	return {path: params.path, options: {checksum: params.get_checksum, follow: params.follow}};
}

export default defineModule({
	name: 'stat',
	summary: 'Read what is at a path on the host (never changes anything)',
	params: {
		path: {type: 'path', required: true, aliases: ['dest', 'name'], description: 'The path on the host'},
		get_checksum: {type: 'bool', default: true, description: 'Compute the sha256 of a regular file (reads all of it)'},
		follow: {type: 'bool', default: false, description: 'Describe what a symbolic link points to rather than the link'},
	},
	example: `- name: Is containerd configured?
  stat:
    path: /etc/containerd/config.toml
  register: containerd_config`,
	readsAhead: params => [statRequest(params)],
	async read(ctx, params) {
		const {path, options} = statRequest(params);
		return readFileState(ctx, path, options);
	},
	plan(file): Plan<undefined> {
		const msg = file.exists ? `${file.path} is a ${file.type}` : `${file.path} does not exist`;
		return {changed: false, msg, steps: undefined, result: {stat: statResult(file)}};
	},
	async apply() {
		// The plan is never changed, so the engine never calls this.
		return {};
	},
});
