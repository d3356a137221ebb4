import {defineModule, type Plan} from '../engine/module.js';
import {applyEdit, compilePython, editableText, editReads, type EditSteps, expandMatch, fileEditParams, fileEditProblem, lineBody, noEdit, planEdit, regexProblem, splitLines} from './file-edit.js';

/** What a line is looked for by: a regular expression, a plain substring, or the line itself. */
export interface LineSearch {
	readonly regexp?: string | undefined;
	readonly searchString?: string | undefined;
	readonly line?: string | undefined;
}

export interface LinePresent extends LineSearch {
	readonly line: string;
	/** A regular expression, or BOF / EOF; EOF when neither this nor insertbefore is given. */
	readonly insertafter?: string | undefined;
	readonly insertbefore?: string | undefined;
	readonly firstmatch: boolean;
	readonly backrefs: boolean;
}

export interface LineEdit {
	readonly lines: string[];
	readonly msg: string;
}

/** Whether a file's line is exactly `line`, its ending aside. */
function isLine(fileLine: string, line: string): boolean {
	return fileLine.replace(/[\r\n]+$/, '') === line;
}

/** Whether the last line lacks an ending, so that a line appended after it needs one first. */
function endsOpen(lines: readonly string[]): boolean {
	const last = lines.at(-1);
	return last !== undefined && !/[\r\n]$/.test(last);
}

/** The index of the line `found` says matched: the last such line, or with firstmatch the first. */
function findLine(lines: readonly string[], firstmatch: boolean, found: (line: string) => boolean): number {
	let at = -1;
	for (const [index, line] of lines.entries()) {
		if (found(line)) {
			at = index;
			if (firstmatch) {
				break;
			}
		}
	}

	return at;
}

/**
 * Pure: `line` made present in `lines` as Ansible's lineinfile does. The line that regexp (or
 * search_string) matches last (firstmatch: first) is replaced; otherwise the line is left where
 * it is when it is there already, or inserted after insertafter's last match (or before
 * insertbefore's), at the end when that matches nothing. With backrefs, a regexp that matches
 * nothing leaves the file alone.
 */
export function presentLine(before: readonly string[], options: LinePresent): LineEdit {
	const lines = [...before];
	const {line, firstmatch, backrefs} = options;
	const insertafter = options.insertafter ?? (options.insertbefore === undefined ? 'EOF' : undefined);
	const {insertbefore} = options;
	const regex = options.regexp === undefined ? undefined : compilePython(options.regexp, 'regexp');
	const anchor = insertafter !== undefined && insertafter !== 'BOF' && insertafter !== 'EOF'
		? compilePython(insertafter, 'insertafter')
		: insertbefore !== undefined && insertbefore !== 'BOF' ? compilePython(insertbefore, 'insertbefore') : undefined;
	let found = -1;
	let match: RegExpExecArray | undefined;
	if (regex !== undefined) {
		found = findLine(lines, firstmatch, text => regex.test(lineBody(text)));
		match = found === -1 ? undefined : regex.exec(lineBody(lines[found]!)) ?? undefined;
	} else if (options.searchString !== undefined) {
		const searched = options.searchString;
		found = findLine(lines, firstmatch, text => text.includes(searched));
	}

	const matched = found !== -1;
	let insertAt = -1;
	if (!matched) {
		for (const [index, text] of lines.entries()) {
			if (isLine(text, line)) {
				found = index;
			} else if (anchor?.test(lineBody(text))) {
				insertAt = insertafter === undefined ? index : index + 1;
				if (firstmatch) {
					break;
				}
			}
		}
	}

	const added = (index: number): LineEdit => {
		lines.splice(index, 0, `${line}\n`);
		return {lines, msg: 'line added'};
	};

	const unchanged = {lines, msg: ''};
	if (found !== -1) {
		const replacement = backrefs && match !== undefined && regex !== undefined
			? expandMatch(regex, lineBody(lines[found]!), match, line)
			: line;
		const newLine = replacement.endsWith('\n') ? replacement : `${replacement}\n`;
		if (lines[found] === newLine) {
			return unchanged;
		}

		lines[found] = newLine;
		return {lines, msg: 'line replaced'};
	}

	if (backrefs) {
		return unchanged;
	}

	if (insertbefore === 'BOF' || insertafter === 'BOF') {
		return added(0);
	}

	if (insertafter === 'EOF' || insertAt === -1) {
		if (endsOpen(lines)) {
			lines.push('\n');
		}

		return added(lines.length);
	}

	if (insertafter !== undefined) {
		// Already the line right after the anchor: nothing to insert.
		const next = insertAt === lines.length ? lines[insertAt - 1] : lines[insertAt];
		if (next !== undefined && isLine(next, line)) {
			return unchanged;
		}
	}

	return added(insertAt);
}

/** Pure: every line that regexp, search_string or (else) the exact line finds, removed. */
export function absentLine(before: readonly string[], search: LineSearch): LineEdit & {readonly found: number} {
	const regex = search.regexp === undefined ? undefined : compilePython(search.regexp, 'regexp');
	const matches = (text: string): boolean => {
		if (regex !== undefined) {
			return regex.test(lineBody(text));
		}

		return search.searchString === undefined ? isLine(text, search.line ?? '') : text.includes(search.searchString);
	};

	const lines = before.filter(text => !matches(text));
	const found = before.length - lines.length;
	return {lines, found, msg: found > 0 ? `${found} line(s) removed` : ''};
}

export default defineModule({
	name: 'lineinfile',
	summary: 'Make sure one line is in a file (or is not), replacing the line a regular expression finds',
	params: {
		...fileEditParams,
		state: {type: 'str', choices: ['present', 'absent'], default: 'present', description: 'present: the line is in the file; absent: every line found is removed'},
		regexp: {type: 'str', aliases: ['regex'], description: 'A Python regular expression looked for in each line: the last line it matches is replaced (removed with state: absent)'},
		search_string: {type: 'str', description: 'A plain string looked for in each line, instead of regexp'},
		line: {type: 'str', aliases: ['value'], description: 'The line wanted (state: present); with backrefs, \\1 and \\g<name> take regexp\'s groups'},
		insertafter: {type: 'str', description: 'Where a new line goes when nothing matched: after the last line this regular expression matches, or EOF (the default) or BOF'},
		insertbefore: {type: 'str', description: 'Where a new line goes when nothing matched: before the last line this regular expression matches, or BOF'},
		firstmatch: {type: 'bool', default: false, description: 'Use the first line regexp or insertafter/insertbefore matches, not the last'},
		backrefs: {type: 'bool', default: false, description: 'Fill line from regexp\'s groups; a regexp that matches no line then leaves the file alone'},
		create: {type: 'bool', default: false, description: 'Create the file (and its directory) when it is missing; otherwise a missing file fails'},
	},
	example: `- name: Let the kubelet start with swap on
  lineinfile:
    path: /etc/default/kubelet
    regexp: '^KUBELET_EXTRA_ARGS='
    line: KUBELET_EXTRA_ARGS=--fail-swap-on=false
    create: true`,
	rules: {
		mutually_exclusive: [['insertbefore', 'insertafter'], ['regexp', 'search_string'], ['backrefs', 'search_string']],
		required_if: [{param: 'state', value: 'present', needs: ['line']}, {param: 'backrefs', value: true, needs: ['regexp']}, {param: 'state', value: 'absent', needs: ['regexp', 'search_string', 'line'], anyOf: true}],
	},
	validate(params) {
		return fileEditProblem(params) ?? regexProblem(params.regexp, 'regexp')
			?? regexProblem(params.insertafter === 'BOF' || params.insertafter === 'EOF' ? undefined : params.insertafter, 'insertafter')
			?? regexProblem(params.insertbefore === 'BOF' ? undefined : params.insertbefore, 'insertbefore');
	},
	readsAhead: editReads.readsAhead,
	async read(ctx, params) {
		if (params.regexp === '' || params.search_string === '') {
			const what = params.regexp === '' ? 'regular expression' : 'search string';
			ctx.warn(`The ${what} is an empty string, which will match every line in the file. This may have unintended consequences, such as replacing the last line in the file rather than appending.${params.regexp === '' ? ' If this is desired, use \'^\' to match every line in the file and avoid this warning.' : ''}`);
		}

		return editReads.read(ctx, params);
	},
	plan(file, params): Plan<EditSteps> {
		const {text, cannot} = editableText(file);
		if (cannot !== undefined) {
			return cannot;
		}

		const search = {regexp: params.regexp, searchString: params.search_string, line: params.line};
		if (params.state === 'absent') {
			if (text === undefined) {
				return noEdit(file, 'file not present', {result: {found: 0, backup: ''}});
			}

			const removed = absentLine(splitLines(text), search);
			return planEdit(file, params, 'lineinfile', {after: removed.lines.join(''), msg: removed.msg, result: {found: removed.found, backup: ''}});
		}

		if (text === undefined && !params.create) {
			return noEdit(file, '', {failed: `Destination ${file.path} does not exist ! Set create: true to create it`});
		}

		const edit = presentLine(splitLines(text ?? ''), {
			...search,
			line: params.line ?? '',
			insertafter: params.insertafter,
			insertbefore: params.insertbefore,
			firstmatch: params.firstmatch,
			backrefs: params.backrefs,
		});
		return planEdit(file, params, 'lineinfile', {after: edit.lines.join(''), msg: edit.msg, result: {backup: ''}});
	},
	async apply(ctx, params, plan) {
		return applyEdit(ctx, params, plan, 'backup');
	},
});
