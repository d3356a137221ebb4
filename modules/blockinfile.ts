import {defineModule, type Plan} from '../engine/module.js';
import {applyEdit, compilePython, editableText, editReads, type EditSteps, fileEditParams, fileEditProblem, lineBody, noEdit, planEdit, regexProblem} from './file-edit.js';

export interface BlockOptions {
	/** The block's lines; empty: no block (as state: absent). */
	readonly block: string;
	readonly markerBegin: string;
	readonly markerEnd: string;
	/** A regular expression, or EOF; EOF when neither this nor insertbefore is given. */
	readonly insertafter?: string | undefined;
	/** A regular expression, or BOF. */
	readonly insertbefore?: string | undefined;
	readonly prependNewline?: boolean;
	readonly appendNewline?: boolean;
}

/** Lines with their endings, as Python's splitlines(True) splits them (\n, \r\n or \r). */
function universalLines(text: string): string[] {
	return text.match(/[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$/g) ?? [];
}

/** Where a new block goes when its markers are not both in the file. */
function insertionIndex(original: string, lines: readonly string[], options: BlockOptions): number {
	const {insertafter, insertbefore} = options;
	const anchor = insertafter !== undefined && insertafter !== 'EOF'
		? compilePython(insertafter, 'insertafter')
		: insertbefore !== undefined && insertbefore !== 'BOF' ? compilePython(insertbefore, 'insertbefore') : undefined;
	if (anchor === undefined) {
		return insertbefore === undefined ? lines.length : 0;
	}

	let at: number | undefined;
	if (anchor.multiline) {
		// A (?m) expression is searched in the whole file; the block goes at the line it ends on (starts on).
		const match = anchor.exec(original);
		if (match !== null) {
			const upTo = insertafter === undefined ? match.index : match.index + match[0].length;
			at = original.slice(0, upTo).split('\n').length - 1;
		}
	} else {
		for (const [index, line] of lines.entries()) {
			if (anchor.test(lineBody(line))) {
				at = index;
			}
		}
	}

	if (at === undefined) {
		return lines.length;
	}

	return insertafter === undefined ? at : at + 1;
}

/**
 * Pure: the file's text with the block between its markers, as Ansible's blockinfile leaves it.
 * A block whose two marker lines are found is replaced in place; otherwise it goes after
 * insertafter's last match (before insertbefore's), at the end when that matches nothing. An
 * empty block removes the markers and all between them.
 */
export function placeBlock(original: string, options: BlockOptions): string {
	const lines = universalLines(original);
	const begin = `${options.markerBegin}\n`;
	const end = `${options.markerEnd}\n`;
	const block = options.block === '' ? '' : options.block.endsWith('\n') ? options.block : `${options.block}\n`;
	const blockLines = block === '' ? [] : [begin, ...universalLines(block), end];
	const first = lines.lastIndexOf(begin);
	const last = lines.lastIndexOf(end);
	let at: number;
	if (first === -1 || last === -1) {
		at = insertionIndex(original, lines, options);
	} else {
		at = Math.min(first, last);
		lines.splice(at, Math.abs(last - first) + 1);
	}

	if (at > 0 && !lines[at - 1]!.endsWith('\n')) {
		lines[at - 1] += '\n';
	}

	if (options.prependNewline && blockLines.length > 0 && at !== 0 && lines[at - 1] !== '\n') {
		lines.splice(at, 0, '\n');
		at++;
	}

	lines.splice(at, 0, ...blockLines);
	const after = at + blockLines.length;
	if (options.appendNewline && blockLines.length > 0 && after < lines.length && lines[after] !== '\n') {
		lines.splice(after, 0, '\n');
	}

	return lines.join('');
}

/** A marker line: `marker` with {mark} filled. */
function markerLine(marker: string, mark: string): string {
	return marker.replaceAll('{mark}', mark);
}

export default defineModule({
	name: 'blockinfile',
	summary: 'Make sure a block of lines is in a file between two marker lines (or is not)',
	params: {
		...fileEditParams,
		state: {type: 'str', choices: ['present', 'absent'], default: 'present', description: 'present: the block is in the file; absent: the block and its markers are removed'},
		block: {type: 'str', default: '', aliases: ['content'], description: 'The lines between the markers; empty removes the block, as state: absent'},
		marker: {type: 'str', default: '# {mark} ANSIBLE MANAGED BLOCK', description: 'The marker lines\' text; {mark} becomes marker_begin or marker_end. Two blocks in one file need different markers'},
		marker_begin: {type: 'str', default: 'BEGIN', description: 'What {mark} is in the first marker line'},
		marker_end: {type: 'str', default: 'END', description: 'What {mark} is in the last marker line'},
		insertafter: {type: 'str', description: 'Where a new block goes: after the last line this regular expression matches, or EOF (the default); (?m) searches the whole file'},
		insertbefore: {type: 'str', description: 'Where a new block goes: before the last line this regular expression matches, or BOF'},
		create: {type: 'bool', default: false, description: 'Create the file (and its directory) when it is missing; otherwise a missing file fails'},
		prepend_newline: {type: 'bool', default: false, description: 'A blank line before the block, unless it starts the file or one is there'},
		append_newline: {type: 'bool', default: false, description: 'A blank line after the block, unless it ends the file or one is there'},
	},
	example: `- name: Registry mirrors for containerd
  blockinfile:
    path: /etc/containerd/config.toml
    marker: '# {mark} pb registry mirrors'
    block: |
      [plugins."io.containerd.grpc.v1.cri".registry.mirrors."docker.io"]
        endpoint = ["https://mirror.example.com"]`,
	rules: {mutually_exclusive: [['insertbefore', 'insertafter']]},
	validate(params) {
		return fileEditProblem(params)
			?? regexProblem(params.insertafter === 'EOF' ? undefined : params.insertafter, 'insertafter')
			?? regexProblem(params.insertbefore === 'BOF' ? undefined : params.insertbefore, 'insertbefore');
	},
	...editReads,
	plan(file, params): Plan<EditSteps> {
		const {text, cannot} = editableText(file);
		if (cannot !== undefined) {
			return cannot;
		}

		const present = params.state === 'present';
		// A missing file fails without create whatever the state, as in ansible-core 2.14.
		if (text === undefined && !params.create) {
			return noEdit(file, '', {failed: `Path ${file.path} does not exist ! Set create: true to create it`});
		}

		if (text === undefined && !present) {
			return noEdit(file, `File ${file.path} not present`);
		}

		const after = placeBlock(text ?? '', {
			block: present ? params.block : '',
			markerBegin: markerLine(params.marker, params.marker_begin),
			markerEnd: markerLine(params.marker, params.marker_end),
			insertafter: params.insertafter,
			insertbefore: params.insertbefore,
			prependNewline: params.prepend_newline,
			appendNewline: params.append_newline,
		});
		const msg = text === undefined ? 'File created' : !present || params.block === '' ? 'Block removed' : 'Block inserted';
		return planEdit(file, params, 'blockinfile', {after, msg: after === text ? '' : msg, result: {}});
	},
	async apply(ctx, params, plan) {
		return applyEdit(ctx, params, plan, 'backup_file');
	},
});
