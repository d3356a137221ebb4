import {stat} from 'node:fs/promises';
import {posix} from 'node:path';
import {archiveFormat, type ArchiveFormat} from '../../engine/artifacts/archive-format.js';
import {artifactCache} from '../../engine/artifacts/cache.js';
import {selectMembers, type SelectedMember} from '../../engine/artifacts/member-selection.js';
import {cachedArchiveMembers} from '../../engine/artifacts/tar-members.js';
import {formatMode, ownership, sameOwner} from '../../engine/host/attributes.js';
import {HostFileError, type FileState, type Attributes, type PredictedPath, identityScript, rememberWritten} from '../../engine/host/file-state.js';
import {rememberedFrom} from '../../engine/host/file-sums.js';
import {readFileStates} from '../../engine/host/read-files.js';
import type {ApplyResult, HostContext, ParamSchema, Plan} from '../../engine/module.js';
import {quoteShell} from '../../engine/shell-words.js';

/*
 * An archive extracted on the host into a directory, member by member: the read, plan and apply
 * that untar (pb's own parameters) and unarchive (Ansible's) share. The archive's members are
 * read on the controller, from its cache, and compared with what dest holds, so only the members
 * that differ are written and --check lists them.
 */

/** The parameters untar and unarchive share for what they write. */
export const extractedFileParams = {
	mode: {type: 'raw', description: 'Permissions for every extracted file and directory instead of the archive\'s (links keep theirs)'},
	owner: {type: 'str', description: 'User name or uid for every extracted member; unset: the user that extracts'},
	group: {type: 'str', description: 'Group name or gid for every extracted member'},
} as const satisfies ParamSchema;

/** Where the archive is: a file on the host, or a file in the controller's cache (pushed at apply). */
export type ArchiveSource =
	| {readonly kind: 'host'; readonly path: string}
	| {readonly kind: 'controller'; readonly path: string; readonly cachePath: string; readonly sha256: string};

/** What to extract where, in the front ends' common terms. */
export interface ExtractSpec {
	/** The archive as the task names it, for messages. */
	readonly src: string;
	readonly dest: string;
	readonly createDest: boolean;
	/** The module named in a missing src's error as the one that fetches it (download, get_url). */
	readonly fetcher: string;
	/** The hint a missing dest's failure ends with. */
	readonly missingDestHint: string;
	readonly strip: number;
	readonly include: readonly string[];
	readonly exclude: readonly string[];
	readonly creates: string | undefined;
	/** When creates exists: unchanged (untar), or skipped as Ansible's unarchive is. */
	readonly createsSkips: boolean;
	/** Files on the host newer than the archive's copy are kept (tar --keep-newer-files). */
	readonly keepNewer: boolean;
	readonly attributes: Attributes;
}

export type ExtractState =
	| {readonly kind: 'created-before'; readonly creates: string}
	| {readonly kind: 'unpredictable'; readonly reason: string}
	| {
		readonly kind: 'read';
		readonly format: ArchiveFormat;
		readonly dest: FileState;
		readonly members: readonly SelectedMember[];
		/** What dest holds now at each member's path, in the same order. */
		readonly present: readonly FileState[];
		/** The selected members' stored names, in the archive's order (unarchive's list_files). */
		readonly names: readonly string[];
	};

export interface ExtractSteps {
	readonly format: ArchiveFormat;
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
function difference(member: SelectedMember, present: FileState, spec: ExtractSpec): string | undefined {
	if (!present.exists) {
		return 'new';
	}

	const wanted = spec.attributes;
	const where = posix.join(spec.dest, member.path);
	const isDirectory = member.type === 'directory';
	if (isDirectory !== (present.type === 'directory')) {
		throw new Error(`${where} is a ${present.type} on the host where the archive has a ${member.type}; remove it, or extract elsewhere`);
	}

	if (spec.keepNewer && !isDirectory && member.mtime !== undefined && present.mtime > member.mtime) {
		return undefined;
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

/** The command that unpacks `names` of the archive $s into the temp directory $t. */
function unpackLine(steps: ExtractSteps, strip: number): string {
	if (steps.names.length === 0) {
		return '';
	}

	if (steps.format === 'zip') {
		// unzip reads names as wildcards: a name's own [ ] * ? are escaped.
		const names = steps.names.map(name => quoteShell(name.replaceAll(/[[\]*?]/g, '[$&]')));
		return `command -v unzip >/dev/null || { echo "unzip is needed to extract zip files; install it (apt-get install unzip)" >&2; exit 1; }\nunzip -q -o "$s" ${names.join(' ')} -d "$t" || exit 1`;
	}

	return `tar -x -f "$s" -C "$t" -p --no-same-owner --no-wildcards --no-recursion --strip-components=${strip} -- ${steps.names.map(name => quoteShell(name)).join(' ')} || exit 1`;
}

/** A large file among the members written: its sum is kept for the quick check once it is in place. */
function remembered(member: SelectedMember): member is SelectedMember & {sha256: string} {
	return member.type === 'file' && member.sha256 !== undefined && member.size >= rememberedFrom;
}

/**
 * Extracts into a temp directory inside dest, then renames each member into place: a run killed
 * midway leaves every file old or new, never half written. Directories get their modes last, so
 * a read-only one does not stop what goes into it. An archive from the controller comes on stdin
 * into a temp file beside them.
 */
function extractScript(archive: ArchiveSource, spec: ExtractSpec, steps: ExtractSteps): string {
	const owners = ownership(steps.attributes.owner, steps.attributes.group);
	const {mode} = steps.attributes;
	const fromController = archive.kind === 'controller' && steps.names.length > 0;
	const lines = [
		`d=${quoteShell(spec.dest)}`,
		steps.createDest ? 'mkdir -p -- "$d" || exit 1' : '',
		't=$(mktemp -d "$d/.pb-untar-XXXXXX") || exit 1',
		'trap \'rm -rf -- "$t"\' EXIT',
		'trap \'rm -rf -- "$t"; exit 1\' HUP INT TERM',
		fromController ? 's="$t.archive"; trap \'rm -rf -- "$t" "$s"\' EXIT; trap \'rm -rf -- "$t" "$s"; exit 1\' HUP INT TERM; cat > "$s" || exit 1' : archive.kind === 'host' ? `s=${quoteShell(archive.path)}` : '',
		unpackLine(steps, spec.strip),
	];
	// Each directory once, and a process only for one not there yet.
	const made = new Set<string>();
	const makeDirectory = (path: string) => {
		if (!made.has(path)) {
			made.add(path);
			lines.push(`[ -d "$d"/${quoteShell(path)} ] || mkdir -p -- "$d"/${quoteShell(path)} || exit 1`);
		}
	};

	// The files and links of each directory in one chown, chmod and mv (-t: into the directory, by
	// the same name), and what they left read for the quick check in one stat.
	const byDirectory = new Map<string, Array<{member: SelectedMember; unpacked: string}>>();
	for (const member of steps.written) {
		if (member.type === 'directory') {
			makeDirectory(member.path);
			continue;
		}

		// unzip cannot strip leading parts: a zip member lands under its stored name (its base name the same).
		const unpacked = `"$t"/${quoteShell(steps.format === 'zip' ? member.name.replace(/^\/+/, '') : member.path)}`;
		const directory = posix.dirname(member.path);
		byDirectory.set(directory, [...byDirectory.get(directory) ?? [], {member, unpacked}]);
	}

	for (const [directory, members] of byDirectory) {
		makeDirectory(directory);
		const all = members.map(({unpacked}) => unpacked).join(' ');
		const chmodded = members.filter(({member}) => member.type !== 'link');
		lines.push(
			owners === undefined ? '' : `chown -h ${quoteShell(owners)} -- ${all} || exit 1`,
			mode === undefined || chmodded.length === 0 ? '' : `chmod ${mode.toString(8)} -- ${chmodded.map(({unpacked}) => unpacked).join(' ')} || exit 1`,
			`mv -f -t "$d"/${quoteShell(directory)} -- ${all} || exit 1`,
		);
	}

	lines.push(identityScript([...steps.written.entries()].flatMap(([index, member]) => (remembered(member) ? [[String(index), `"$d"/${quoteShell(member.path)}`] as const] : []))));

	for (const member of steps.written.filter(member => member.type === 'directory').reverse()) {
		lines.push(
			owners === undefined ? '' : `chown ${quoteShell(owners)} -- "$d"/${quoteShell(member.path)} || exit 1`,
			`chmod ${(mode ?? member.mode).toString(8)} -- "$d"/${quoteShell(member.path)} || exit 1`,
		);
	}

	return lines.filter(Boolean).join('\n');
}

/** The archive's members, selected, and what dest holds at each, in as few round trips as their number allows. */
export async function readExtract(ctx: HostContext, spec: ExtractSpec, archive: ArchiveSource): Promise<ExtractState> {
	const wanted = [
		...(archive.kind === 'host' ? [{path: archive.path, options: {follow: true}}] : []),
		{path: spec.dest, options: {follow: true, checksum: false}},
		...(spec.creates === undefined ? [] : [{path: spec.creates, options: {checksum: false}}]),
	];
	const states = await readFileStates(ctx, wanted);
	const [src, dest, creates] = archive.kind === 'host' ? states as [FileState, FileState, FileState | undefined] : [undefined, ...states] as [undefined, FileState, FileState | undefined];
	if (creates?.exists) {
		return {kind: 'created-before', creates: creates.path};
	}

	let archivePath: string;
	let sha256: string;
	if (src === undefined) {
		archivePath = archive.kind === 'controller' ? archive.cachePath : '';
		sha256 = archive.kind === 'controller' ? archive.sha256 : '';
	} else {
		if (!src.exists) {
			throw new Error(`src ${spec.src} does not exist on ${ctx.host}; fetch it first (${spec.fetcher}: dest=${spec.src})`);
		}

		if (src.type !== 'file') {
			throw new Error(`src ${spec.src} is a ${src.type} on ${ctx.host}; an archive file is needed`);
		}

		const cached = await cachedArchive(ctx, src);
		if (typeof cached !== 'string') {
			return {kind: 'unpredictable', reason: cached.unpredictable};
		}

		archivePath = cached;
		sha256 = src.sha256 ?? '';
	}

	const format = await archiveFormat(archivePath);
	const all = await cachedArchiveMembers(archivePath, sha256);
	const members = selectMembers(spec.src, all, spec.strip, spec.include, spec.exclude);
	// Listed as tar lists them: a top folder that strip_components takes away is among them.
	const chosen = new Set((spec.include.length === 0 && spec.strip > 0 ? selectMembers(spec.src, all, 0, [], spec.exclude) : members).map(member => member.name));
	const names = all.filter(member => chosen.has(member.name)).map(member => member.name);
	if (!dest.exists) {
		return {kind: 'read', format, dest, members, names, present: members.map(member => ({path: posix.join(spec.dest, member.path), exists: false, parentIsDir: false}))};
	}

	const present: FileState[] = [];
	for (let start = 0; start < members.length; start += readBatch) {
		// A directory may be a link to one (merged /usr: /lib -> usr/lib): extraction goes through it.
		const batch = members.slice(start, start + readBatch).map(member => ({
			path: posix.join(spec.dest, member.path),
			options: member.type === 'directory' ? {follow: true, checksum: false} : {},
		}));
		present.push(...await readFileStates(ctx, batch));
	}

	return {kind: 'read', format, dest, members, names, present};
}

/** Pure: which members would be written, shown member by member. */
export function planExtract(state: ExtractState, spec: ExtractSpec): Plan<ExtractSteps> {
	const {attributes} = spec;
	const none: ExtractSteps = {format: 'tar', createDest: false, names: [], written: [], attributes};
	if (state.kind === 'created-before') {
		const msg = spec.createsSkips ? `skipped, since ${state.creates} exists` : `${state.creates} exists, so ${spec.src} is not extracted`;
		return {changed: false, msg, steps: none, ...(spec.createsSkips ? {skipped: msg} : {})};
	}

	if (state.kind === 'unpredictable') {
		return {changed: true, msg: `${spec.dest}: extract ${spec.src}`, unpredictable: state.reason, steps: none};
	}

	const {format, dest, members, present} = state;
	const result = {dest: spec.dest, src: spec.src};
	const steps = {...none, format};
	if (dest.exists && dest.type !== 'directory') {
		return {changed: false, msg: '', steps, result, failed: `dest ${spec.dest} is a ${dest.type} on the host; an archive is extracted into a directory`};
	}

	if (!dest.exists && !spec.createDest) {
		return {changed: false, msg: '', steps, result, failed: `dest ${spec.dest} does not exist on the host; ${spec.missingDestHint}`};
	}

	let written: SelectedMember[];
	try {
		written = members.filter((member, index) => difference(member, present[index]!, spec) !== undefined);
	} catch (error) {
		return {changed: false, msg: '', steps, result, failed: (error as Error).message};
	}

	if (written.length === 0 && dest.exists) {
		return {changed: false, msg: `${spec.dest} already holds the ${members.length} members of ${spec.src}`, steps, result: {...result, written: []}};
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
		msg: `${spec.dest}: ${written.length} of ${members.length} members of ${spec.src} written${written.length > 0 ? `: ${shown}${more}` : ''}`,
		diff: [{header: spec.dest, before: before.join(''), after: after.join('')}],
		steps: {format, createDest: !dest.exists, names: namesToExtract(written), written, attributes},
		result: {...result, written: written.map(member => member.path)},
		predicts: [
			...(dest.exists ? [] : [{path: spec.dest, type: 'directory' as const}]),
			...written.map(member => predictedMember(spec.dest, member, attributes)),
		],
	};
}

/** Carries out a planExtract plan in one round trip, the archive streamed from the controller when it is there. */
export async function applyExtract(ctx: HostContext, spec: ExtractSpec, archive: ArchiveSource, plan: Plan<ExtractSteps>): Promise<ApplyResult> {
	// Directories alone need no archive.
	const stdin = archive.kind === 'controller' && plan.steps.names.length > 0 ? {path: archive.cachePath, size: (await stat(archive.cachePath)).size} : undefined;
	const result = await ctx.run(extractScript(archive, spec, plan.steps), {...(stdin === undefined ? {} : {stdin}), subshell: true});
	if (result.code !== 0) {
		return {failed: `cannot extract ${spec.src} into ${spec.dest} on ${ctx.host}: ${result.stderr.trim() || `exit status ${result.code}`}`};
	}

	const written = [...plan.steps.written.entries()].flatMap(([index, member]) => (remembered(member) ? [[String(index), {path: posix.join(spec.dest, member.path), sha256: member.sha256}] as const] : []));
	rememberWritten(ctx, result.stdout, new Map(written));
	return {};
}
