import {createHash} from 'node:crypto';
import {readFile} from 'node:fs/promises';
import {posix} from 'node:path';
import {findSource, type SourceDirs} from '../engine/controller-source.js';
import {applyFileWrite, fileWriteParams, fileWriteProblem, planFileWrite, type FileWriteSteps} from '../engine/host/file-write.js';
import {defineModule, type Plan} from '../engine/module.js';
import {parseMode} from '../engine/host/attributes.js';
import {type FileRequest, type FileState} from '../engine/host/file-state.js';
import {readFileState} from '../engine/host/read-files.js';
import {isMapping, pythonJson} from '../engine/vars/filters.js';
import {pyStr} from '../engine/vars/jinja/python.js';

/** The file wanted at dest, from `content` or from `src` on the controller. */
interface Source {
	readonly content: Buffer;
	readonly sha256: string;
}

interface CopyState {
	readonly dest: FileState;
	readonly source: Source;
}

async function loadSource(dirs: SourceDirs, src: string): Promise<Source> {
	const content = await readFile(await findSource(dirs, 'files', src, 'copy'));
	return {content, sha256: createHash('sha256').update(content).digest('hex')};
}

/** Ansible's copy writes a list or dict given as content as JSON, anything else as its text. */
function contentText(content: unknown): string {
	if (Array.isArray(content) || isMapping(content)) {
		return pythonJson(content);
	}

	return pyStr(content);
}

function textSource(text: string): Source {
	return {content: Buffer.from(text), sha256: createHash('sha256').update(text).digest('hex')};
}

/** dest, or src's name in dest when that is a directory: what the read asks of the host. */
function destRequest(params: {readonly src?: string | undefined; readonly dest: string}): FileRequest {
	return {path: params.dest, options: params.src === undefined ? {} : {inDirectory: posix.basename(params.src)}};
}

export default defineModule({
	name: 'copy',
	summary: 'Copy a file from the controller, or given content, to the host (atomic, with backup and validate)',
	params: {
		src: {type: 'path', description: 'File on the controller; a relative path is looked up in a role\'s files/ (for a role\'s task), then in files/ beside the task\'s file, then beside it, then the same beside the playbook that imports that file'},
		content: {type: 'raw', description: 'The file\'s content, instead of src; a list or dict (a template that reads as one) is written as JSON, as Ansible writes it'},
		dest: {type: 'path', required: true, description: 'Path on the host; a directory (or a path ending in /) receives src under its own name'},
		...fileWriteParams,
		force: {type: 'bool', default: true, description: 'Replace dest when its content differs; false only creates dest when missing'},
	},
	example: `- name: Configure containerd
  copy:
    src: containerd/config.toml
    dest: /etc/containerd/config.toml
    mode: '0644'
    backup: true`,
	rules: {mutually_exclusive: [['src', 'content']], required_one_of: [['src', 'content']]},
	validate(params) {
		if (params.content !== undefined && params.dest.endsWith('/')) {
			return `dest ${params.dest} is a directory: with content, dest must name the file to write`;
		}

		return fileWriteProblem(params);
	},
	readsAhead: params => [destRequest(params)],
	async read(ctx, params): Promise<CopyState> {
		const source = params.src === undefined
			? textSource(contentText(params.content))
			: await loadSource(ctx, params.src);
		const request = destRequest(params);
		const dest = await readFileState(ctx, request.path, {...request.options, content: ctx.diff});
		return {dest, source};
	},
	plan({dest, source}, params): Plan<FileWriteSteps> {
		const path = !dest.exists && params.dest.endsWith('/') ? posix.join(params.dest, posix.basename(params.src ?? '')) : dest.path;
		return planFileWrite(dest, {
			module: 'copy',
			path,
			directory: params.dest.endsWith('/') ? params.dest : posix.dirname(path),
			...source,
			attributes: {mode: params.mode === undefined ? undefined : parseMode(params.mode), owner: params.owner, group: params.group},
			force: params.force,
			result: {dest: path, checksum: source.sha256, size: source.content.length},
		});
	},
	async apply(ctx, params, plan) {
		return applyFileWrite(ctx, plan, {backup: params.backup, validate: params.validate});
	},
});
