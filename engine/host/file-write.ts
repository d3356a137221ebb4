import type {ApplyResult, Diff, ParamSchema, Plan} from '../module.js';
import {attributeChanges, attributeLines, currentAttributes, parseMode, setAttributes} from './attributes.js';
import {contentLimit, type FileState, HostFileError, type HostRunner, type Attributes} from './file-state.js';
import {writeFileAtomic} from './write-file.js';

/*
 * Planning and applying a whole-file write, shared by the modules that put a file made on the
 * controller onto the host (copy, template), so both compare, diff, predict and write alike.
 */

/** The parameters of a whole-file write, the same in every module that makes one. */
export const fileWriteParams = {
	mode: {type: 'raw', description: 'Permissions: \'0644\' (quoted), 0644 (a YAML octal) or \'644\'; unset keeps those of the file replaced'},
	owner: {type: 'str', description: 'User name or uid owning dest; unset keeps the replaced file\'s owner'},
	group: {type: 'str', description: 'Group name or gid of dest; unset keeps the replaced file\'s group'},
	backup: {type: 'bool', default: false, description: 'Keep the replaced file as dest.YYYY-MM-DD@HH:MM:SS~'},
	validate: {type: 'str', description: 'Command that checks the new file before it replaces dest; %s is the new file\'s path'},
} as const satisfies ParamSchema;

/** What is wrong with a whole-file write's `mode` or `validate`, or undefined. */
export function fileWriteProblem(params: {readonly mode?: unknown; readonly validate?: string | undefined}): string | undefined {
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
}

/** What a module wants written at a path. */
export interface FileWrite {
	/** The module's name, for failures. */
	readonly module: string;
	readonly path: string;
	/** The directory to name when it is missing (dest as written when it names a directory). */
	readonly directory: string;
	readonly content: Buffer;
	readonly sha256: string;
	readonly attributes: Attributes;
	/** false: an existing file is left as it is, whatever it holds. */
	readonly force: boolean;
	readonly result: Readonly<Record<string, unknown>>;
}

export interface FileWriteSteps {
	readonly path: string;
	/** The whole file when its content differs; otherwise only `attributes` change. */
	readonly content?: Buffer;
	readonly sha256?: string;
	readonly attributes: Attributes;
}

/** The file's mode, owner and group once `changes` are made. */
function attributesAfter(current: {readonly mode: number; readonly owner: string; readonly group: string}, changes: Attributes): Attributes {
	return {mode: changes.mode ?? current.mode, owner: changes.owner ?? current.owner, group: changes.group ?? current.group};
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

function contentDiff(dest: FileState, path: string, content: Buffer): Diff {
	const after = content.length > contentLimit ? `(${content.length} bytes, not shown)\n` : diffText(content, content.length);
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

/** Pure: what writing `write` over `dest` (as read from the host) would change. */
export function planFileWrite(dest: FileState, write: FileWrite): Plan<FileWriteSteps> {
	const {path, result} = write;
	const unchanged = {path, attributes: {}};
	if (!dest.exists && !dest.parentIsDir) {
		return {changed: false, msg: '', steps: unchanged, result, failed: `directory ${write.directory} does not exist on the host; create it first (file: state=directory)`};
	}

	if (dest.exists && dest.type !== 'file' && dest.type !== 'link') {
		return {changed: false, msg: '', steps: unchanged, result, failed: `dest ${path} is a ${dest.type}; ${write.module} only replaces files (and links)`};
	}

	if (dest.exists && !write.force) {
		return {changed: false, msg: `${path} exists; force: false leaves it as it is`, steps: unchanged, result};
	}

	if (dest.exists && dest.type === 'file' && dest.sha256 === write.sha256) {
		const changes = attributeChanges(dest, write.attributes);
		if (Object.keys(changes).length === 0) {
			return {changed: false, msg: `${path} is up to date`, steps: unchanged, result};
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

	const diff: Diff[] = [contentDiff(dest, path, write.content)];
	const changes = dest.exists && dest.type === 'file' ? attributeChanges(dest, write.attributes) : write.attributes;
	if (attributeLines(changes)) {
		diff.push(attributeDiff(path, dest, changes));
	}

	const what = dest.exists ? (dest.type === 'link' ? 'link replaced by a file' : 'content changed') : `new file, ${write.content.length} bytes`;
	return {
		changed: true,
		msg: `${path}: ${what}`,
		diff,
		steps: {path, content: write.content, sha256: write.sha256, attributes: write.attributes},
		result,
		predicts: [{path, type: 'file', ...(dest.exists && dest.type === 'file' ? attributesAfter(dest, changes) : write.attributes), sha256: write.sha256, content: write.content}],
	};
}

/** Carries out a planFileWrite plan: attributes in place, or the whole file atomically. */
export async function applyFileWrite(ctx: HostRunner, plan: Plan<FileWriteSteps>, options: {readonly backup: boolean; readonly validate: string | undefined}): Promise<ApplyResult> {
	const {path, content, sha256, attributes} = plan.steps;
	try {
		if (content === undefined) {
			await setAttributes(ctx, path, attributes);
			return {};
		}

		const written = await writeFileAtomic(ctx, path, content, {...attributes, ...options, sha256});
		return written.backupFile === undefined ? {} : {result: {...plan.result, backup_file: written.backupFile}};
	} catch (error) {
		if (error instanceof HostFileError) {
			return {failed: error.message};
		}

		throw error;
	}
}
