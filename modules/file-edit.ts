import {createHash} from 'node:crypto';
import {posix} from 'node:path';
import {parseMode, setAttributes} from '../engine/host/attributes.js';
import {type FileRequest, type FileState, HostFileError, type HostRunner, type PredictedPath} from '../engine/host/file-state.js';
import {fileWriteParams, fileWriteProblem, type FileWriteSteps, planFileWrite} from '../engine/host/file-write.js';
import {readFileStates} from '../engine/host/read-files.js';
import {writeFileAtomic} from '../engine/host/write-file.js';
import type {ApplyResult, ParamSchema, Plan} from '../engine/module.js';
import {quoteShell} from '../engine/shell-words.js';
import {pythonRegex, pythonReplacement} from '../engine/vars/regex.js';

/*
 * The core lineinfile, blockinfile and replace share: the file is read with its content in one
 * round trip, edited as text by the module's pure function, then written whole and atomically
 * (validate, backup, mode, owner and group as a whole-file write has them). A link is followed:
 * the file it points to is edited, as Ansible edits the real path.
 */

/** The parameters every in-place edit takes, by Ansible's names. */
export const fileEditParams = {
	path: {type: 'path', required: true, aliases: ['dest', 'destfile', 'name'], description: 'The file to edit on the host (a link: the file it points to)'},
	...fileWriteParams,
	unsafe_writes: {type: 'bool', default: false, description: 'Accepted for Ansible\'s sake and ignored: writes are always atomic'},
} as const satisfies ParamSchema;

export interface EditParams {
	readonly path: string;
	readonly mode?: unknown;
	readonly owner?: string | undefined;
	readonly group?: string | undefined;
	readonly backup: boolean;
	readonly validate?: string | undefined;
}

/** The read of the file to edit: its state and content, through a link. */
export function editRequest(path: string): FileRequest {
	return {path, options: {content: true, follow: true}};
}

/** The read of an edit: the file asked for ahead with the tasks around it, and read with them. */
export const editReads = {
	readsAhead: (params: {readonly path: string}): FileRequest[] => [editRequest(params.path)],
	async read(ctx: HostRunner, params: {readonly path: string}): Promise<FileState> {
		const [state] = await readFileStates(ctx, [editRequest(params.path)]);
		return state!;
	},
};

/** A plan that edits nothing: with a message, or failing. */
export function noEdit(file: FileState, msg: string, extra: {readonly failed?: string; readonly result?: Readonly<Record<string, unknown>>} = {}): Plan<EditSteps> {
	return {changed: false, msg, steps: {path: file.path, attributes: {}}, ...extra};
}

/** What is wrong with an edit's path, mode or validate, or undefined. */
export function fileEditProblem(params: EditParams): string | undefined {
	return posix.isAbsolute(params.path) ? fileWriteProblem(params) : `path ${params.path} must be an absolute path on the host`;
}

/** The file's text (undefined when it is missing), or the plan that fails because it cannot be edited. */
export function editableText(file: FileState): {readonly text?: string; readonly cannot?: Plan<EditSteps>} {
	if (!file.exists) {
		return {};
	}

	const fail = (failed: string) => ({cannot: noEdit(file, '', {failed})});
	if (file.type === 'directory') {
		return fail(`Path ${file.path} is a directory ! Name a file in it instead`);
	}

	if (file.type !== 'file') {
		return fail(`Path ${file.path} is a ${file.type}, not a file`);
	}

	return file.content === undefined ? fail(`Path ${file.path} is too big to edit (over 1 MiB)`) : {text: file.content.toString('utf8')};
}

export interface EditSteps extends FileWriteSteps {
	/** Directories to make first (`create` of a file whose directory is missing). */
	readonly makeDirectory?: string;
}

export interface EditOutcome {
	/** The text wanted in the file (bytes: already encoded). */
	readonly after: string | Buffer;
	/** Ansible's message for the content change ('' when the content stays). */
	readonly msg: string;
	/** Values to register besides changed and msg. */
	readonly result: Readonly<Record<string, unknown>>;
}

/** The path written: a link's target, as Ansible writes the real path. */
function realPath(file: FileState): string {
	return file.exists && file.linkTarget !== undefined ? posix.resolve(posix.dirname(file.path), file.linkTarget) : file.path;
}

function sha256(content: Buffer): string {
	return createHash('sha256').update(content).digest('hex');
}

/** Ansible's words for a change of mode, owner or group. */
const attributeWords = 'ownership, perms or SE linux context changed';

/**
 * Pure: the plan that writes `outcome.after` over `file` (as read) and sets the attributes asked
 * for, with Ansible's message: the module's for the content, joined by Ansible's words for the
 * attributes when they change too. A new file's attributes change when its mode is not the
 * usual 0644.
 */
export function planEdit(file: FileState, params: EditParams, module: string, outcome: EditOutcome): Plan<EditSteps> {
	const {msg, result} = outcome;
	const content = Buffer.isBuffer(outcome.after) ? outcome.after : Buffer.from(outcome.after);
	const makeDirectory = !file.exists && !file.parentIsDir ? posix.dirname(file.path) : undefined;
	const mode = params.mode === undefined ? undefined : parseMode(params.mode);
	// A file an earlier task would write (check mode) may come with its content and no sum.
	const dest: FileState = file.exists
		? (file.sha256 === undefined && file.content !== undefined ? {...file, sha256: sha256(file.content)} : file)
		: {...file, parentIsDir: true};
	const plan = planFileWrite(dest, {
		module,
		path: file.path,
		directory: posix.dirname(file.path),
		content,
		sha256: sha256(content),
		attributes: {mode, owner: params.owner, group: params.group},
		force: true,
		result,
	});
	if (plan.failed !== undefined || !plan.changed) {
		return {...plan, msg};
	}

	const attributesChange = file.exists
		? plan.steps.content === undefined || (plan.diff ?? []).length > 1
		: mode !== undefined && mode !== 0o644;
	const predicts: PredictedPath[] = [
		...(makeDirectory === undefined ? [] : [{path: makeDirectory, type: 'directory' as const}]),
		...(plan.predicts ?? []),
	];
	return {
		...plan,
		msg: [plan.steps.content === undefined ? '' : msg, attributesChange ? attributeWords : ''].filter(Boolean).join(' and '),
		steps: {...plan.steps, path: realPath(file), ...(makeDirectory === undefined ? {} : {makeDirectory})},
		predicts,
	};
}

/**
 * Carries out planEdit's plan. `backupKey` is the name the module registers the backup's path
 * under (lineinfile says `backup`, the others `backup_file`).
 */
export async function applyEdit(ctx: HostRunner, params: EditParams, plan: Plan<EditSteps>, backupKey: string): Promise<ApplyResult> {
	const {path, content, attributes, makeDirectory} = plan.steps;
	try {
		if (makeDirectory !== undefined) {
			const made = await ctx.run(`mkdir -p -- ${quoteShell(makeDirectory)}`);
			if (made.code !== 0) {
				throw new HostFileError(ctx.host, makeDirectory, `cannot create directory ${makeDirectory} on ${ctx.host}`, made.stderr);
			}
		}

		if (content === undefined) {
			await setAttributes(ctx, path, attributes);
			return {};
		}

		const written = await writeFileAtomic(ctx, path, content, {...attributes, backup: params.backup, validate: params.validate});
		return written.backupFile === undefined ? {} : {result: {...plan.result, [backupKey]: written.backupFile}};
	} catch (error) {
		if (error instanceof HostFileError) {
			return {changed: false, failed: error.message};
		}

		throw error;
	}
}

/** Lines with their endings, as Python's readlines splits them (on \n only). */
export function splitLines(text: string): string[] {
	return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/** A line without its ending: Python's `$` matches before a line's final \n, JavaScript's does not. */
export function lineBody(line: string): string {
	return line.endsWith('\n') ? line.slice(0, -1) : line;
}

/** A Python regular expression as a JavaScript one. */
export function compilePython(pattern: string, what: string, options: {readonly multiline?: boolean; readonly global?: boolean; readonly extraFlags?: string} = {}): RegExp {
	try {
		const regex = pythonRegex(pattern, options);
		return options.extraFlags === undefined ? regex : new RegExp(regex.source, regex.flags + options.extraFlags);
	} catch (error) {
		throw new Error(`${what} ${JSON.stringify(pattern)} is not a regular expression: ${(error as Error).message}`, {cause: error});
	}
}

/** Whether a pattern compiles, for validate(): the message when it does not. */
export function regexProblem(pattern: string | undefined, what: string): string | undefined {
	if (pattern === undefined) {
		return undefined;
	}

	try {
		compilePython(pattern, what);
		return undefined;
	} catch (error) {
		return (error as Error).message;
	}
}

/**
 * Python's `match.expand(template)`: the template with \1, \g<name> and escapes like \n filled
 * from the match of `regex` found in `subject` at `match.index`.
 */
export function expandMatch(regex: RegExp, subject: string, match: RegExpExecArray, template: string): string {
	// Sticky, from where the match was: the same match, with the same context around it.
	const here = new RegExp(regex.source, `${regex.flags.replace('g', '')}y`);
	here.lastIndex = match.index;
	const replaced = subject.replace(here, pythonReplacement(template));
	const after = subject.length - match.index - match[0].length;
	return replaced.slice(match.index, replaced.length - after);
}
