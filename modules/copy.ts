import {createHash} from 'node:crypto';
import {readFile, stat} from 'node:fs/promises';
import {isAbsolute, join, posix} from 'node:path';
import {defineModule, type Diff, type Plan} from '../engine/module.js';
import {
	attributeChanges, attributeLines, contentLimit, currentAttributes, type Attributes, type FileState,
	HostFileError, parseMode, setAttributes, writeFileAtomic, readFileState,
} from '../engine/host-files.js';

/** The file wanted at dest, from `content` or from `src` on the controller. */
interface Source {
	readonly content: Buffer;
	readonly sha256: string;
}

interface CopyState {
	readonly dest: FileState;
	readonly source: Source;
}

interface CopySteps {
	readonly path: string;
	/** The whole file when its content differs; otherwise only `attributes` change. */
	readonly content?: Buffer;
	readonly attributes: Attributes;
}

/** The file's mode, owner and group once `changes` are made. */
function attributesAfter(current: {readonly mode: number; readonly owner: string; readonly group: string}, changes: Attributes): Attributes {
	return {mode: changes.mode ?? current.mode, owner: changes.owner ?? current.owner, group: changes.group ?? current.group};
}

/** Relative `src` is looked up in the playbook's files/ first, then beside it, as Ansible does. */
async function loadSource(playbookDir: string, src: string): Promise<Source> {
	const candidates = isAbsolute(src) ? [src] : [join(playbookDir, 'files', src), join(playbookDir, src)];
	for (const candidate of candidates) {
		const info = await stat(candidate).catch(() => undefined);
		if (info?.isDirectory()) {
			throw new Error(`src ${candidate} is a directory; copy copies one file: name a file in src`);
		}

		if (info) {
			const content = await readFile(candidate);
			return {content, sha256: createHash('sha256').update(content).digest('hex')};
		}
	}

	throw new Error(`src ${src} not found on the controller; looked for ${candidates.join(' and ')}`);
}

/** A file's text for a diff, or a one-line stand-in when it is binary or too big to show. */
function diffText(content: Buffer | undefined, size: number): string {
	if (content === undefined) {
		return `(${size} bytes, not shown)\n`;
	}

	try {
		const text = new TextDecoder('utf-8', {fatal: true}).decode(content);
		if (!text.includes('\0')) {
			return text;
		}
	} catch {}

	return `(binary, ${content.length} bytes)\n`;
}

function contentDiff(dest: FileState, path: string, source: Source): Diff {
	const after = source.content.length > contentLimit ? `(${source.content.length} bytes, not shown)\n` : diffText(source.content, source.content.length);
	if (!dest.exists) {
		return {header: path, before: '', after};
	}

	return {header: path, before: dest.type === 'file' ? diffText(dest.content, dest.size) : `(${dest.type})\n`, after};
}

/** Before/after of the attributes that change; a new file has no before. */
function attributeDiff(path: string, dest: FileState, changes: Attributes): Diff {
	const before = dest.exists && dest.type === 'file'
		? attributeLines(currentAttributes(dest, changes))
		: '';
	return {header: `${path} (attributes)`, before, after: attributeLines(changes)};
}

export default defineModule({
	name: 'copy',
	summary: 'Copy a file from the controller, or given content, to the host (atomic, with backup and validate)',
	params: {
		src: {type: 'path', description: 'File on the controller; a relative path is looked up in the playbook\'s files/ then beside the playbook'},
		content: {type: 'str', description: 'The file\'s content, instead of src'},
		dest: {type: 'path', required: true, description: 'Path on the host; a directory (or a path ending in /) receives src under its own name'},
		mode: {type: 'raw', description: 'Permissions: \'0644\' (quoted), 0644 (a YAML octal) or \'644\'; unset keeps those of the file replaced'},
		owner: {type: 'str', description: 'User name or uid owning dest; unset keeps the replaced file\'s owner'},
		group: {type: 'str', description: 'Group name or gid of dest; unset keeps the replaced file\'s group'},
		backup: {type: 'bool', default: false, description: 'Keep the replaced file as dest.YYYY-MM-DD@HH:MM:SS~'},
		validate: {type: 'str', description: 'Command that checks the new file before it replaces dest; %s is the new file\'s path'},
		force: {type: 'bool', default: true, description: 'Replace dest when its content differs; false only creates dest when missing'},
	},
	example: `- name: Configure containerd
  copy:
    src: containerd/config.toml
    dest: /etc/containerd/config.toml
    mode: '0644'
    backup: true`,
	validate(params) {
		if ((params.src === undefined) === (params.content === undefined)) {
			return 'needs exactly one of src and content';
		}

		if (params.content !== undefined && params.dest.endsWith('/')) {
			return `dest ${params.dest} is a directory: with content, dest must name the file to write`;
		}

		if (params.validate !== undefined && !params.validate.includes('%s')) {
			return `validate (${params.validate}) must contain %s, where the new file's path goes`;
		}

		try {
			if (params.mode !== undefined) {
				parseMode(params.mode);
			}
		} catch (error) {
			return (error as Error).message;
		}

		return undefined;
	},
	async read(ctx, params): Promise<CopyState> {
		const source = params.src === undefined
			? {content: Buffer.from(params.content ?? ''), sha256: createHash('sha256').update(params.content ?? '').digest('hex')}
			: await loadSource(ctx.playbookDir, params.src);
		const inDirectory = params.src === undefined ? undefined : posix.basename(params.src);
		const dest = await readFileState(ctx, params.dest, {content: ctx.diff, ...(inDirectory === undefined ? {} : {inDirectory})});
		return {dest, source};
	},
	plan({dest, source}, params): Plan<CopySteps> {
		const path = !dest.exists && params.dest.endsWith('/') ? posix.join(params.dest, posix.basename(params.src ?? '')) : dest.path;
		const result = {dest: path, checksum: source.sha256, size: source.content.length};
		const wanted = {mode: params.mode === undefined ? undefined : parseMode(params.mode), owner: params.owner, group: params.group};
		if (!dest.exists && !dest.parentIsDir) {
			const directory = params.dest.endsWith('/') ? params.dest : posix.dirname(path);
			return {changed: false, msg: '', steps: {path, attributes: {}}, result, failed: `directory ${directory} does not exist on the host; create it first (file: state=directory)`};
		}

		if (dest.exists && dest.type !== 'file' && dest.type !== 'link') {
			return {changed: false, msg: '', steps: {path, attributes: {}}, result, failed: `dest ${path} is a ${dest.type}; copy only replaces files (and links)`};
		}

		if (dest.exists && !params.force) {
			return {changed: false, msg: `${path} exists; force: false leaves it as it is`, steps: {path, attributes: {}}, result};
		}

		if (dest.exists && dest.type === 'file' && dest.sha256 === source.sha256) {
			const changes = attributeChanges(dest, wanted);
			if (Object.keys(changes).length === 0) {
				return {changed: false, msg: `${path} is up to date`, steps: {path, attributes: {}}, result};
			}

			return {
				changed: true,
				msg: `${path}: ${attributeLines(changes).trim().replaceAll('\n', ', ')}`,
				diff: [attributeDiff(path, dest, changes)],
				steps: {path, attributes: changes},
				result,
				predicts: [{path, type: 'file', ...attributesAfter(dest, changes), sha256: dest.sha256, content: dest.content}],
			};
		}

		const diff: Diff[] = [contentDiff(dest, path, source)];
		const changes = dest.exists && dest.type === 'file' ? attributeChanges(dest, wanted) : wanted;
		if (attributeLines(changes)) {
			diff.push(attributeDiff(path, dest, changes));
		}

		const what = dest.exists ? (dest.type === 'link' ? 'link replaced by a file' : 'content changed') : `new file, ${source.content.length} bytes`;
		return {
			changed: true,
			msg: `${path}: ${what}`,
			diff,
			steps: {path, content: source.content, attributes: wanted},
			result,
			predicts: [{path, type: 'file', ...(dest.exists && dest.type === 'file' ? attributesAfter(dest, changes) : wanted), sha256: source.sha256, content: source.content}],
		};
	},
	async apply(ctx, params, plan) {
		const {path, content, attributes} = plan.steps;
		try {
			if (content === undefined) {
				await setAttributes(ctx, path, attributes);
				return {};
			}

			const written = await writeFileAtomic(ctx, path, content, {...attributes, backup: params.backup, validate: params.validate});
			return written.backupFile === undefined ? {} : {result: {...plan.result, backup_file: written.backupFile}};
		} catch (error) {
			if (error instanceof HostFileError) {
				return {failed: error.message};
			}

			throw error;
		}
	},
});
