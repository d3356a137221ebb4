import {randomBytes} from 'node:crypto';
import {posix} from 'node:path';
import {fileWriteProblem} from '../engine/host/file-write.js';
import {defineModule, type Params, type Plan} from '../engine/module.js';
import {quoteShell} from '../engine/shell-words.js';
import {attributeChanges, attributeCommands, attributeLines, currentAttributes, parseMode} from '../engine/host/attributes.js';
import {type FileRequest, type FileState, type Attributes} from '../engine/host/file-state.js';
import {readFileStates} from '../engine/host/read-files.js';

type Wanted = 'file' | 'directory' | 'absent' | 'link' | 'touch' | 'hard';

interface FileModuleState {
	readonly path: FileState;
	/** link: what src resolves to (from the link's directory); hard: src itself. */
	readonly src?: FileState;
}

/** What apply does, in order; each is one shell command. */
type FileStep =
	| {readonly kind: 'remove'}
	/** `parents`: the attributes the directories it creates above the path get, as Ansible gives them. */
	| {readonly kind: 'mkdir'; readonly parents?: Attributes}
	| {readonly kind: 'touch'}
	/** `replaces`: something is at the path, so the link is made beside it and renamed over it. */
	| {readonly kind: 'symlink'; readonly src: string; readonly replaces: boolean}
	| {readonly kind: 'hardlink'; readonly src: string; readonly replaces: boolean}
	| {readonly kind: 'attributes'; readonly attributes: Attributes; readonly recurse: boolean; readonly ofLink: boolean};

/** The state a path is in, in the words of `state:`. */
function currentState(path: FileState): string {
	return path.exists ? (path.type === 'other' ? 'special file' : path.type) : 'absent';
}

/** Links are described as such; the other states act on what a link points to, as Ansible's follow. */
function followsLinks(state: Wanted): boolean {
	return state !== 'absent' && state !== 'link' && state !== 'hard';
}

function wantedState(current: FileState, state: Wanted | undefined): Wanted {
	return state ?? (current.exists && current.type === 'directory' ? 'directory' : 'file');
}

/** The directories above a path: `mkdir -p` makes those that are missing. */
function ancestors(path: string): string[] {
	const result: string[] = [];
	for (let dir = posix.dirname(path); dir !== '/' && dir !== '.'; dir = posix.dirname(dir)) {
		result.push(dir);
	}

	return result;
}

function describeStep(step: FileStep): string {
	switch (step.kind) {
		case 'remove': {
			return 'removed';
		}

		case 'mkdir': {
			return 'directory created';
		}

		case 'touch': {
			return 'touched';
		}

		case 'symlink': {
			return `link to ${step.src}`;
		}

		case 'hardlink': {
			return `hard link to ${step.src}`;
		}

		case 'attributes': {
			return `${attributeLines(step.attributes).trim().replaceAll('\n', ', ')}${step.recurse ? ' (recursively)' : ''}`;
		}
	}
}

interface Desired {
	readonly state: Wanted;
	readonly attributes: Attributes;
	readonly src: string | undefined;
	readonly recurse: boolean;
	readonly force: boolean;
}

/** The steps from the current state to the desired one, or why it cannot be reached. */
function fileSteps(current: FileState, src: FileState | undefined, desired: Desired): FileStep[] | string {
	const {state, attributes, recurse, force} = desired;
	const path = current.path;
	const existing = current.exists ? attributeChanges(current, attributes) : attributes;
	const setAttributes = (changes: Attributes, ofLink = false): FileStep[] =>
		Object.values(changes).every(value => value === undefined) ? [] : [{kind: 'attributes', attributes: changes, recurse: false, ofLink}];
	switch (state) {
		case 'absent': {
			return current.exists ? [{kind: 'remove'}] : [];
		}

		case 'file': {
			if (!current.exists) {
				return `${path} does not exist; state: file only changes an existing file (use state: touch to create an empty one, or copy)`;
			}

			return current.type === 'directory' ? `${path} is a directory, not a file` : setAttributes(existing);
		}

		case 'touch': {
			if (!current.exists && !current.parentIsDir) {
				return `directory ${posix.dirname(path)} does not exist; create it first (state: directory)`;
			}

			return [{kind: 'touch'}, ...setAttributes(existing)];
		}

		case 'directory': {
			if (current.exists && current.type !== 'directory') {
				return `${path} exists and is a ${currentState(current)}, not a directory; remove it first (state: absent)`;
			}

			const beneath = current.exists && recurse && (current.differingBeneath ?? 0) > 0
				? [{kind: 'attributes', attributes, recurse: true, ofLink: false} as const]
				: [];
			const missingAbove = !current.exists && !current.parentIsDir;
			const mkdir: FileStep = missingAbove && Object.values(attributes).some(value => value !== undefined) ? {kind: 'mkdir', parents: attributes} : {kind: 'mkdir'};
			return [...(current.exists ? [] : [mkdir]), ...(beneath.length > 0 ? beneath : setAttributes(existing))];
		}

		case 'link':
		case 'hard': {
			const target = desired.src ?? '';
			const same = state === 'link'
				? current.exists && current.type === 'link' && current.linkTarget === target
				: current.exists && src?.exists === true && current.inode === src.inode;
			if (same) {
				return setAttributes(existing, state === 'link');
			}

			if (!src?.exists && (state === 'hard' || !force)) {
				return `src ${target} does not exist${state === 'link' ? ' (relative to the link\'s directory); force: true makes a dangling link' : ''}`;
			}

			if (current.exists && current.type === 'directory') {
				return `${path} is a directory; remove it first (state: absent) to put a link there`;
			}

			if (current.exists && current.type !== 'link' && !force) {
				return `${path} exists as a ${currentState(current)}; force: true replaces it with a link`;
			}

			const link: FileStep = {kind: state === 'link' ? 'symlink' : 'hardlink', src: target, replaces: current.exists};
			return [link, ...setAttributes(attributes, state === 'link')];
		}
	}
}

/** Opens a subshell whose "$@" are the directories missing above `path`, outermost first. */
function missingAbove(path: string): string {
	return `(set -- && d=${quoteShell(posix.dirname(path))} && while [ -n "$d" ] && [ ! -e "$d" ]; do set -- "$d" "$@"; d=\${d%/*}; done`;
}

function stepCommand(path: string, step: FileStep): string {
	const target = quoteShell(path);
	// Links are made beside the path and renamed over it: the path is never missing meanwhile.
	const temp = quoteShell(posix.join(posix.dirname(path), `.${posix.basename(path)}.pb-tmp-${randomBytes(6).toString('hex')}`));
	switch (step.kind) {
		case 'remove': {
			return `rm -rf -- ${target}`;
		}

		case 'mkdir': {
			if (!step.parents) {
				return `mkdir -p -- ${target}`;
			}

			// The missing directories above the path, outermost first, get its attributes too.
			const parents = attributeCommands(path, step.parents, {shellWord: '"$d"'}).join(' && ');
			return `${missingAbove(path)} && mkdir -p -- ${target} && for d do ${parents} || exit 1; done)`;
		}

		case 'touch': {
			return `touch -- ${target}`;
		}

		case 'symlink':
		case 'hardlink': {
			const ln = `ln ${step.kind === 'symlink' ? '-s ' : ''}-- ${quoteShell(step.src)}`;
			return step.replaces ? `${ln} ${temp} && { mv -fT -- ${temp} ${target} || { rm -f -- ${temp}; false; }; }` : `${ln} ${target}`;
		}

		case 'attributes': {
			return attributeCommands(path, step.attributes, step).join(' && ');
		}
	}
}

/**
 * The steps as one command line. A new directory given only a mode gets it from mkdir itself, and
 * so do the directories made above it: a chmod less for each. (Not a mode without the owner's
 * rwx, which could stop mkdir from making the next one inside.)
 */
function stepsCommand(path: string, steps: readonly FileStep[]): string {
	const [first, second] = steps;
	const {mode, owner, group} = second?.kind === 'attributes' && !second.recurse ? second.attributes : {};
	if (steps.length === 2 && first?.kind === 'mkdir' && mode !== undefined && owner === undefined && group === undefined) {
		const parents = first.parents;
		if (parents === undefined) {
			return `mkdir -m ${mode.toString(8)} -- ${quoteShell(path)}`;
		}

		if (parents.mode === mode && parents.owner === undefined && parents.group === undefined && (mode & 0o700) === 0o700) {
			return `${missingAbove(path)} && mkdir -m ${mode.toString(8)} -- "$@" ${quoteShell(path)})`;
		}
	}

	return steps.map(step => stepCommand(path, step)).join(' && ');
}

/** `state: ...` then the attributes that change, for one side of a diff. */
function diffSide(state: string, attributes: Attributes, linkTarget: string | undefined): string {
	return `state: ${state}\n${linkTarget === undefined ? '' : `src: ${linkTarget}\n`}${attributeLines(attributes)}`;
}

const schema = {
	path: {type: 'path', required: true, aliases: ['dest', 'name'], description: 'The path on the host'},
	state: {type: 'str', choices: ['file', 'directory', 'absent', 'link', 'touch', 'hard'], description: 'What path should be; unset: its current kind (directory or file)'},
	mode: {type: 'raw', description: 'Permissions: \'0755\' (quoted), 0755 (a YAML octal) or \'755\''},
	owner: {type: 'str', description: 'User name or uid'},
	group: {type: 'str', description: 'Group name or gid'},
	recurse: {type: 'bool', default: false, description: 'state: directory: also set mode, owner and group on everything beneath'},
	src: {type: 'path', description: 'state: link or hard: what the link points to (a relative link is relative to its directory)'},
	force: {type: 'bool', default: false, description: 'link/hard: replace a file at path, or make a link to a src that does not exist'},
} as const;

/** The path, and the source of a link or hard link: what the read asks of the host. */
function fileRequests(params: Params<typeof schema>): FileRequest[] {
	const state = params.state ?? 'file';
	const attributes = {mode: params.mode === undefined ? undefined : parseMode(params.mode), owner: params.owner, group: params.group};
	const pathRequest = {path: params.path, options: {checksum: false, follow: followsLinks(state), ...(params.recurse ? {beneath: attributes} : {})}};
	if (params.src === undefined) {
		return [pathRequest];
	}

	const src = state === 'link' && !posix.isAbsolute(params.src) ? posix.join(posix.dirname(params.path), params.src) : params.src;
	return [pathRequest, {path: src, options: {checksum: false, follow: true}}];
}

export default defineModule({
	name: 'file',
	summary: 'Make a path a file, directory, link or nothing, with the given mode and owner',
	params: schema,
	example: `- name: Directory for containerd's configuration
  file:
    path: /etc/containerd
    state: directory
    mode: '0755'`,
	validate(params) {
		const linking = params.state === 'link' || params.state === 'hard';
		if (linking !== (params.src !== undefined)) {
			return linking ? `state: ${params.state ?? ''} needs src, the path the link points to` : 'src is only for state: link or hard';
		}

		if (params.recurse && params.state !== 'directory') {
			return 'recurse is only for state: directory';
		}

		if (params.mode !== undefined && params.state === 'link') {
			return 'mode does not apply to state: link (a symbolic link has no mode of its own); set it on src';
		}

		return fileWriteProblem({mode: params.mode});
	},
	readsAhead: fileRequests,
	async read(ctx, params): Promise<FileModuleState> {
		const [path, source] = await readFileStates(ctx, fileRequests(params));
		return source === undefined ? {path: path!} : {path: path!, src: source};
	},
	plan(state, params): Plan<FileStep[]> {
		const current = state.path;
		const wanted = wantedState(current, params.state);
		const attributes = {mode: params.mode === undefined ? undefined : parseMode(params.mode), owner: params.owner, group: params.group};
		const steps = fileSteps(current, state.src, {state: wanted, attributes, src: params.src, recurse: params.recurse, force: params.force});
		const result = {path: current.path, state: wanted};
		if (typeof steps === 'string') {
			return {changed: false, msg: '', steps: [], result, failed: steps};
		}

		if (steps.length === 0) {
			return {changed: false, msg: `${current.path} is already ${wanted === 'absent' ? 'absent' : `as wanted (${wanted})`}`, steps, result};
		}

		const changes = steps.find(step => step.kind === 'attributes')?.attributes ?? {};
		const before = current.exists
			? diffSide(currentState(current), currentAttributes(current, changes), current.linkTarget)
			: 'state: absent\n';
		const after = wanted === 'absent' ? 'state: absent\n' : diffSide(wanted === 'touch' ? 'file' : wanted, changes, wanted === 'link' || wanted === 'hard' ? params.src : undefined);
		return {
			changed: true,
			msg: `${current.path}: ${steps.map(step => describeStep(step)).join(', ')}`,
			diff: [{header: current.path, before, after}],
			steps,
			result,
			predicts: [...(wanted === 'directory' && !current.exists ? ancestors(current.path) : []).map(path => ({path, type: 'directory' as const})), {
				path: current.path,
				type: wanted === 'touch' ? (current.exists && current.type !== 'other' ? current.type : 'file') : wanted === 'hard' ? 'file' : wanted,
				mode: changes.mode ?? (current.exists ? current.mode : undefined),
				owner: changes.owner ?? (current.exists ? current.owner : undefined),
				group: changes.group ?? (current.exists ? current.group : undefined),
			}],
		};
	},
	async apply(ctx, params, plan) {
		// Commands of pb's own that neither exit nor set anything: the kept shell runs them itself (ExecOptions.inline).
		const result = await ctx.run(stepsCommand(params.path, plan.steps), {inline: true});
		if (result.code !== 0) {
			return {failed: `could not make ${params.path} ${plan.result?.['state'] as string} on ${ctx.host}: ${result.stderr.trim()}`};
		}

		return {};
	},
});
