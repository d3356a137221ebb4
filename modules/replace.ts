import {defineModule, type Plan} from '../engine/module.js';
import {pythonReplacement} from '../engine/vars/regex.js';
import {applyEdit, compilePython, editableText, editReads, type EditSteps, fileEditParams, fileEditProblem, noEdit, planEdit, regexProblem} from './file-edit.js';

export interface ReplaceOptions {
	readonly regexp: string;
	readonly replace: string;
	readonly after?: string | undefined;
	readonly before?: string | undefined;
}

export type Replaced =
	| {readonly text: string; readonly count: number}
	/** after/before found no section: the pattern they made, as Ansible reports it. */
	| {readonly unmatched: string};

/** The section after/before delimit, as Ansible builds it: a Python pattern with a named group. */
function sectionPattern(after: string | undefined, before: string | undefined): string | undefined {
	if (after && before) {
		return `${after}(?P<subsection>.*?)${before}`;
	}

	if (after) {
		return `${after}(?P<subsection>.*)`;
	}

	return before ? `(?P<subsection>.*)${before}` : undefined;
}

/**
 * Pure: every match of regexp (Python's, each line's ^ and $ matching) replaced in the text, or
 * only in the section between the first match of `after` and the next of `before` (both exclusive).
 */
export function replaceAll(text: string, options: ReplaceOptions): Replaced {
	const pattern = sectionPattern(options.after, options.before);
	let start = 0;
	let end = text.length;
	if (pattern !== undefined) {
		const section = compilePython(pattern, 'after/before', {extraFlags: 'sd'}).exec(text);
		const indices = section?.indices?.groups?.['subsection'];
		if (indices === undefined) {
			return {unmatched: pattern};
		}

		[start, end] = indices;
	}

	const regex = compilePython(options.regexp, 'regexp', {multiline: true, global: true});
	const section = text.slice(start, end);
	const count = [...section.matchAll(regex)].length;
	const replaced = section.replace(regex, pythonReplacement(options.replace));
	return {text: text.slice(0, start) + replaced + text.slice(end), count: replaced === section ? 0 : count};
}

/** Node's names of the encodings Python's may be spelt as. */
const encodings: Readonly<Record<string, BufferEncoding>> = {
	'utf-8': 'utf8', utf8: 'utf8', ascii: 'ascii', 'us-ascii': 'ascii', latin1: 'latin1', 'latin-1': 'latin1', 'iso-8859-1': 'latin1', 'utf-16-le': 'utf16le', 'utf-16le': 'utf16le',
};

export default defineModule({
	name: 'replace',
	summary: 'Replace every match of a regular expression in a file, or in a section of it',
	params: {
		...fileEditParams,
		regexp: {type: 'str', required: true, description: 'A Python regular expression, searched with ^ and $ matching at each line\'s start and end'},
		replace: {type: 'str', default: '', description: 'What each match becomes; \\1 and \\g<name> take the match\'s groups. Empty: matches are removed'},
		after: {type: 'str', description: 'Replace only after the first match of this regular expression'},
		before: {type: 'str', description: 'Replace only before the match of this regular expression (with after: the first one after it)'},
		encoding: {type: 'str', default: 'utf-8', description: 'How the file\'s bytes are read and written: utf-8, ascii, latin-1 or utf-16-le'},
	},
	example: `- name: containerd uses the systemd cgroup driver
  replace:
    path: /etc/containerd/config.toml
    regexp: '^(\\s*)SystemdCgroup = false'
    replace: '\\1SystemdCgroup = true'`,
	validate(params) {
		if (encodings[params.encoding.toLowerCase()] === undefined) {
			return `encoding ${params.encoding} is not one pb reads: write one of ${Object.keys(encodings).join(', ')}`;
		}

		return fileEditProblem(params) ?? regexProblem(params.regexp, 'regexp')
			?? regexProblem(sectionPattern(params.after, params.before), 'after/before');
	},
	...editReads,
	plan(file, params): Plan<EditSteps> {
		const {text: utf8, cannot} = editableText(file);
		if (cannot !== undefined) {
			return cannot;
		}

		if (utf8 === undefined || !file.exists || file.content === undefined) {
			return noEdit(file, '', {failed: `Path ${file.path} does not exist ! Create it first, or check the path`});
		}

		const encoding = encodings[params.encoding.toLowerCase()] ?? 'utf8';
		const text = file.content.toString(encoding);
		const replaced = replaceAll(text, {regexp: params.regexp, replace: params.replace, after: params.after, before: params.before});
		if ('unmatched' in replaced) {
			return noEdit(file, `Pattern for before/after params did not match the given file: ${replaced.unmatched}`, {result: {rc: 0}});
		}

		const after = replaced.count > 0 ? Buffer.from(replaced.text, encoding) : file.content;
		return planEdit(file, params, 'replace', {after, msg: replaced.count > 0 ? `${replaced.count} replacements made` : '', result: {rc: 0}});
	},
	async apply(ctx, params, plan) {
		return applyEdit(ctx, params, plan, 'backup_file');
	},
});
