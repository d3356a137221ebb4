import {posix} from 'node:path';
import {artifactCache} from '../engine/artifacts/cache.js';
import {selectMembers, type SelectedMember} from '../engine/artifacts/member-selection.js';
import {archiveMembers} from '../engine/artifacts/tar-members.js';
import {quoteShell} from '../engine/shell-words.js';
import {formatMode, ownership, parseMode, sameOwner} from '../engine/host/attributes.js';
import {HostFileError, type FileState, type Attributes, type PredictedPath} from '../engine/host/file-state.js';
import {readFileStates} from '../engine/host/read-files.js';
import {fileWriteProblem} from '../engine/host/file-write.js';
import {defineModule, type HostContext, type Plan} from '../engine/module.js';

type UntarState =
	| {readonly kind: 'created-before'; readonly creates: string}
	| {readonly kind: 'unpredictable'; readonly reason: string}
	| {
		readonly kind: 'read';
		readonly dest: FileState;
		readonly members: readonly SelectedMember[];
		/** What dest holds now at each member's path, in the same order. */
		readonly present: readonly FileState[];
	};

interface UntarSteps {
	readonly createDest: boolean;
	/** Archive names given to tar: the members written, and the files their hard links need. */
	readonly names: readonly string[];
	readonly written: readonly SelectedMember[];
	readonly attributes: Attributes;
}

/** Paths read per round trip: keeps one command well under what sshd and sh take. */
const readBatch = 150;

/** The archive's bytes in the controller's cache: already there by hash, else read back from one host for all. */
async function cachedArchive(ctx: HostContext, src: Extract<FileState, {exists: true}>): Promise<string | {unpredictable: string}> {
	const sha256 = src.sha256 ?? '';
	const cache = artifactCache();
	const cached = await cache.lookup(sha256);
	if (cached) {
		return cached.path;
	}

	if (ctx.predictedPath?.(src.path)) {
		return {unpredictable: `${src.path} would be written by an earlier task, and the controller's cache (${cache.directory}) has no archive with sha256 ${sha256} to read its members from; fetch it with download (via: controller) to have them predicted`};
	}

	// Reading the archive changes nothing on the host, so check mode does it too.
	const archive = await cache.readOnce(sha256, `${src.path} on ${ctx.host}`, async sink => {
		const result = await ctx.run(`cat < ${quoteShell(src.path)}`, {stdoutTo: sink});
		if (result.code !== 0) {
			throw new HostFileError(ctx.host, src.path, `cannot read ${src.path} on ${ctx.host}`, result.stderr);
		}
	});
	return archive.path;
}

/** Why the member must be written, or undefined when dest already holds it; throws when something else is in its way. */
function difference(member: SelectedMember, present: FileState, wanted: Attributes, dest: string): string | undefined {
	if (!present.exists) {
		return 'new';
	}

	const where = posix.join(dest, member.path);
	const isDirectory = member.type === 'directory';
	if (isDirectory !== (present.type === 'directory')) {
		throw new Error(`${where} is a ${present.type} on the host where the archive has a ${member.type}; remove it, or extract elsewhere`);
	}

	const type = member.type === 'hardlink' ? 'file' : member.type;
	if (present.type !== type) {
		return `a ${present.type} replaced by a ${type}`;
	}

	if (type === 'link' && present.linkTarget !== member.linkTarget) {
		return 'link target';
	}

	if (type === 'file' && (present.size !== member.size || present.sha256 !== member.sha256)) {
		return 'content';
	}

	if (type !== 'link' && present.mode !== (wanted.mode ?? member.mode)) {
		return 'mode';
	}

	const ownerDiffers = wanted.owner !== undefined && !sameOwner(wanted.owner, present.uid, present.owner);
	const groupDiffers = wanted.group !== undefined && !sameOwner(wanted.group, present.gid, present.group);
	return ownerDiffers || groupDiffers ? 'owner' : undefined;
}

/** One line per member for --diff: type, mode, size and a short hash, or a link's target. */
function memberLine(path: string, type: string, mode: number, size: number, sha256: string | undefined, linkTarget: string | undefined): string {
	if (type === 'link') {
		return `${path} -> ${linkTarget ?? '?'}\n`;
	}

	if (type === 'directory') {
		return `${path}/ ${formatMode(mode)}\n`;
	}

	return `${path} ${formatMode(mode)} ${size} bytes sha256:${(sha256 ?? '?').slice(0, 16)}\n`;
}

function predictedMember(dest: string, member: SelectedMember, wanted: Attributes): PredictedPath {
	const type = member.type === 'directory' ? 'directory' : member.type === 'link' ? 'link' : 'file';
	return {path: posix.join(dest, member.path), type, mode: type === 'link' ? undefined : wanted.mode ?? member.mode, owner: wanted.owner, group: wanted.group, sha256: member.sha256};
}

/** The archive names tar must extract for `written`: their own, and the targets of hard links among them. */
function namesToExtract(written: readonly SelectedMember[]): string[] {
	const names = written.filter(member => member.type !== 'directory').flatMap(member => [member.name, ...(member.type === 'hardlink' && member.linkTarget ? [member.linkTarget] : [])]);
	return [...new Set(names)];
}

/**
 * Extracts into a temp directory inside dest, then renames each member into place: a run killed
 * midway leaves every file old or new, never half written. Directories get their modes last, so
 * a read-only one does not stop what goes into it.
 */
function extractScript(src: string, dest: string, strip: number, steps: UntarSteps): string {
	const owners = ownership(steps.attributes.owner, steps.attributes.group);
	const {mode} = steps.attributes;
	const lines = [
		`s=${quoteShell(src)}`,
		`d=${quoteShell(dest)}`,
		steps.createDest ? 'mkdir -p -- "$d" || exit 1' : '',
		't=$(mktemp -d "$d/.pb-untar-XXXXXX") || exit 1',
		'trap \'rm -rf -- "$t"\' EXIT',
		'trap \'rm -rf -- "$t"; exit 1\' HUP INT TERM',
		steps.names.length === 0 ? '' : `tar -x -f "$s" -C "$t" -p --no-same-owner --no-wildcards --no-recursion --strip-components=${strip} -- ${steps.names.map(name => quoteShell(name)).join(' ')} || exit 1`,
	];
	for (const member of steps.written) {
		const path = quoteShell(member.path);
		if (member.type === 'directory') {
			lines.push(`mkdir -p -- "$d"/${path} || exit 1`);
			continue;
		}

		lines.push(
			`mkdir -p -- "$d"/${quoteShell(posix.dirname(member.path))} || exit 1`,
			owners === undefined ? '' : `chown -h ${quoteShell(owners)} -- "$t"/${path} || exit 1`,
			mode === undefined || member.type === 'link' ? '' : `chmod ${mode.toString(8)} -- "$t"/${path} || exit 1`,
			`mv -f -T -- "$t"/${path} "$d"/${path} || exit 1`,
		);
	}

	for (const member of steps.written.filter(member => member.type === 'directory').reverse()) {
		lines.push(
			owners === undefined ? '' : `chown ${quoteShell(owners)} -- "$d"/${quoteShell(member.path)} || exit 1`,
			`chmod ${(mode ?? member.mode).toString(8)} -- "$d"/${quoteShell(member.path)} || exit 1`,
		);
	}

	return lines.filter(Boolean).join('\n');
}

export default defineModule({
	name: 'untar',
	summary: 'Extract a tar archive (plain or gzip) on the host into a directory, writing only the members that differ',
	params: {
		src: {type: 'path', required: true, description: 'The archive on the host, typically a download task\'s dest'},
		dest: {type: 'path', required: true, description: 'Directory on the host to extract into'},
		create_dest: {type: 'bool', default: false, description: 'Create dest (and its parents) when missing; otherwise a missing dest fails'},
		strip_components: {type: 'int', default: 0, minimum: 0, description: 'Leading path parts removed from each member, as tar --strip-components (\'.\' counts as one)'},
		include: {type: 'list', elements: 'str', default: [], description: 'Only members whose path under dest (or a directory above it) matches: \'bin/\', \'bin/*\', \'**/crictl\''},
		creates: {type: 'path', description: 'When this path exists on the host, nothing is done'},
		mode: {type: 'raw', description: 'Permissions for every extracted file and directory instead of the archive\'s (links keep theirs)'},
		owner: {type: 'str', description: 'User name or uid for every extracted member; unset: the user that extracts'},
		group: {type: 'str', description: 'Group name or gid for every extracted member'},
		list_files: {type: 'bool', default: false, description: 'Register `files`: every selected member\'s path under dest'},
	},
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
	async read(ctx, params): Promise<UntarState> {
		const wanted = [
			{path: params.src, options: {follow: true}},
			{path: params.dest, options: {follow: true, checksum: false}},
			...(params.creates === undefined ? [] : [{path: params.creates, options: {checksum: false}}]),
		];
		const [src, dest, creates] = await readFileStates(ctx, wanted) as [FileState, FileState, FileState | undefined];
		if (creates?.exists) {
			return {kind: 'created-before', creates: creates.path};
		}

		if (!src.exists) {
			throw new Error(`src ${params.src} does not exist on ${ctx.host}; fetch it first (download: dest=${params.src})`);
		}

		if (src.type !== 'file') {
			throw new Error(`src ${params.src} is a ${src.type} on ${ctx.host}; untar needs a tar archive`);
		}

		const archive = await cachedArchive(ctx, src);
		if (typeof archive !== 'string') {
			return {kind: 'unpredictable', reason: archive.unpredictable};
		}

		const members = selectMembers(params.src, await archiveMembers(archive, artifactCache().derivedPathOf(src.sha256 ?? '', 'members')), params.strip_components, params.include);
		if (!dest.exists) {
			return {kind: 'read', dest, members, present: members.map(member => ({path: posix.join(params.dest, member.path), exists: false, parentIsDir: false}))};
		}

		const present: FileState[] = [];
		for (let start = 0; start < members.length; start += readBatch) {
			// A directory may be a link to one (merged /usr: /lib -> usr/lib): extraction goes through it.
			const batch = members.slice(start, start + readBatch).map(member => ({
				path: posix.join(params.dest, member.path),
				options: member.type === 'directory' ? {follow: true, checksum: false} : {},
			}));
			present.push(...await readFileStates(ctx, batch));
		}

		return {kind: 'read', dest, members, present};
	},
	plan(state, params): Plan<UntarSteps> {
		const attributes = {mode: params.mode === undefined ? undefined : parseMode(params.mode), owner: params.owner, group: params.group};
		const none: UntarSteps = {createDest: false, names: [], written: [], attributes};
		if (state.kind === 'created-before') {
			return {changed: false, msg: `${state.creates} exists, so ${params.src} is not extracted`, steps: none};
		}

		if (state.kind === 'unpredictable') {
			return {changed: true, msg: `${params.dest}: extract ${params.src}`, unpredictable: state.reason, steps: none};
		}

		const {dest, members, present} = state;
		const result = {dest: params.dest, src: params.src, ...(params.list_files ? {files: members.map(member => member.path)} : {})};
		if (dest.exists && dest.type !== 'directory') {
			return {changed: false, msg: '', steps: none, result, failed: `dest ${params.dest} is a ${dest.type} on the host; untar extracts into a directory`};
		}

		if (!dest.exists && !params.create_dest) {
			return {changed: false, msg: '', steps: none, result, failed: `dest ${params.dest} does not exist on the host; create it first, or set create_dest: true`};
		}

		let written: SelectedMember[];
		try {
			written = members.filter((member, index) => difference(member, present[index]!, attributes, params.dest) !== undefined);
		} catch (error) {
			return {changed: false, msg: '', steps: none, result, failed: (error as Error).message};
		}

		if (written.length === 0 && dest.exists) {
			return {changed: false, msg: `${params.dest} already holds the ${members.length} members of ${params.src}`, steps: none, result: {...result, written: []}};
		}

		const shown = written.slice(0, 5).map(member => member.path).join(', ');
		const more = written.length > 5 ? `, and ${written.length - 5} more` : '';
		const writtenIndexes = new Set(written.map(member => members.indexOf(member)));
		const before = members.flatMap((member, index) => {
			const now = present[index]!;
			return writtenIndexes.has(index) && now.exists ? [memberLine(member.path, now.type, now.mode, now.size, now.sha256, now.linkTarget)] : [];
		});
		const after = written.map(member => memberLine(member.path, member.type === 'hardlink' ? 'file' : member.type, attributes.mode ?? member.mode, member.size, member.sha256, member.linkTarget));
		return {
			changed: true,
			msg: `${params.dest}: ${written.length} of ${members.length} members of ${params.src} written${written.length > 0 ? `: ${shown}${more}` : ''}`,
			diff: [{header: params.dest, before: before.join(''), after: after.join('')}],
			steps: {createDest: !dest.exists, names: namesToExtract(written), written, attributes},
			result: {...result, written: written.map(member => member.path)},
			predicts: [
				...(dest.exists ? [] : [{path: params.dest, type: 'directory' as const}]),
				...written.map(member => predictedMember(params.dest, member, attributes)),
			],
		};
	},
	async apply(ctx, params, plan) {
		const result = await ctx.run(extractScript(params.src, params.dest, params.strip_components, plan.steps));
		if (result.code !== 0) {
			return {failed: `cannot extract ${params.src} into ${params.dest} on ${ctx.host}: ${result.stderr.trim() || `exit status ${result.code}`}`};
		}

		return {};
	},
});
