import {spawn} from 'node:child_process';
import {createHash} from 'node:crypto';
import {createReadStream} from 'node:fs';
import type {Readable} from 'node:stream';
import {readFile} from 'node:fs/promises';
import {pipeline} from 'node:stream/promises';
import {Parser, type ReadEntry} from 'tar';
import {archiveFormat, type ArchiveFormat} from './archive-format.js';
import {artifactCache, writeDerived} from './cache.js';
import {readZipMembers} from './zip-members.js';

/** One member of an archive (a tar, plain or compressed, or a zip), read on the controller. */
export interface ArchiveMember {
	/** The name as stored in the archive (what GNU tar is told to extract). */
	readonly name: string;
	/** A hard link is reported as the file it links to (same bytes), with `linkTarget` naming it. */
	readonly type: 'file' | 'directory' | 'link' | 'hardlink';
	/** Permission bits, e.g. 0o755. */
	readonly mode: number;
	readonly size: number;
	/** Files only. */
	readonly sha256?: string;
	/** Symbolic links: the target as written; hard links: the member's name they link to. */
	readonly linkTarget?: string;
	/** Seconds since the epoch, as the archive stores it (lists kept by older runs lack it). */
	readonly mtime?: number;
}

const kinds: Readonly<Record<string, ArchiveMember['type']>> = {
	File: 'file', OldFile: 'file', ContiguousFile: 'file', Directory: 'directory', SymbolicLink: 'link', Link: 'hardlink',
};

/** Archive entry types that are metadata for the next entry, not members. */
const headersOnly = new Set(['ExtendedHeader', 'GlobalExtendedHeader', 'NextFileHasLongPath', 'NextFileHasLongLinkpath', 'OldGnuLongPath', 'OldExtendedHeader']);

/** Entries stored while the archive is read; hashes are filled in as each body ends. */
function describeEntry(entry: ReadEntry, archive: string): Promise<ArchiveMember> | undefined {
	if (headersOnly.has(entry.type)) {
		entry.resume();
		return undefined;
	}

	const type = kinds[entry.type];
	if (type === undefined) {
		entry.resume();
		throw new Error(`${archive}: member ${entry.path} is a ${entry.type}; untar handles files, directories and links only`);
	}

	const base = {
		name: entry.path, type, mode: (entry.mode ?? 0) & 0o7777, size: entry.size,
		...(entry.linkpath ? {linkTarget: entry.linkpath} : {}),
		...(entry.mtime ? {mtime: entry.mtime.getTime() / 1000} : {}),
	};
	if (type !== 'file') {
		entry.resume();
		return Promise.resolve(base);
	}

	const hash = createHash('sha256');
	entry.on('data', (chunk: Buffer) => hash.update(chunk));
	return new Promise(resolve => {
		entry.on('end', () => {
			resolve({...base, sha256: hash.digest('hex')});
		});
	});
}

/** Hard links take the bytes (size, hash) of the member they link to. */
function resolveHardLinks(members: readonly ArchiveMember[]): ArchiveMember[] {
	const byName = new Map(members.map(member => [member.name, member]));
	return members.map(member => {
		if (member.type !== 'hardlink') {
			return member;
		}

		const target = byName.get(member.linkTarget ?? '');
		return target?.sha256 === undefined ? member : {...member, size: target.size, sha256: target.sha256};
	});
}

const read = new Map<string, Promise<ArchiveMember[]>>();

/** The programs that decompress what node's zlib does not (the tar package reads gzip itself). */
const decompressors: Partial<Record<ArchiveFormat, string>> = {xz: 'xz', bzip2: 'bzip2', zstd: 'zstd'};

/** The archive's tar stream: the file itself, or a decompressor's output on the controller. */
function tarStream(path: string, format: ArchiveFormat): {stream: Readable; done: Promise<void>} {
	const program = decompressors[format];
	if (program === undefined) {
		return {stream: createReadStream(path), done: Promise.resolve()};
	}

	const child = spawn(program, ['-dc', '--', path], {stdio: ['ignore', 'pipe', 'pipe']});
	let stderr = '';
	child.stderr.on('data', (chunk: Buffer) => {
		stderr += chunk.toString();
	});
	const done = new Promise<void>((resolve, reject) => {
		child.on('error', error => {
			reject(new Error(`reading a ${format} archive needs \`${program}\` on the controller: ${error.message}`));
		});
		child.on('close', code => {
			if (code === 0) {
				resolve();
			} else {
				reject(new Error(`${program} -dc failed with exit status ${code ?? 'none'}: ${stderr.trim()}`));
			}
		});
	});
	return {stream: child.stdout, done};
}

async function readMembers(path: string): Promise<ArchiveMember[]> {
	const format = await archiveFormat(path);
	if (format === 'zip') {
		return readZipMembers(path);
	}

	const pending: Array<Promise<ArchiveMember>> = [];
	let failure: unknown;
	const parser = new Parser({
		strict: true,
		onReadEntry(entry) {
			try {
				const member = describeEntry(entry, path);
				if (member) {
					pending.push(member);
				}
			} catch (error) {
				failure ??= error;
			}
		},
	});
	try {
		const {stream, done} = tarStream(path, format);
		await Promise.all([pipeline(stream, parser), done]);
	} catch (error) {
		throw new Error(`cannot read ${path} as a ${format === 'tar' ? 'tar archive' : `${format}-compressed tar archive`}: ${error instanceof Error ? error.message : String(error)}`, {cause: error});
	}

	if (failure !== undefined) {
		throw failure;
	}

	return resolveHardLinks(await Promise.all(pending));
}

/** The list kept at `keptAt` by an earlier run, or the archive read now and its list kept there. */
async function keptMembers(path: string, keptAt: string): Promise<ArchiveMember[]> {
	const kept = await readFile(keptAt, 'utf8').then(text => JSON.parse(text) as ArchiveMember[], () => undefined);
	if (Array.isArray(kept)) {
		return kept;
	}

	const members = await readMembers(path);
	await writeDerived(keptAt, JSON.stringify(members));
	return members;
}

/**
 * The members of the archive at `path` (a cache file, named by its hash, so what it holds never
 * changes), read once per process, and kept at `keptAt` for later runs: decompressing and hashing
 * containerd's archive takes a second or two of the controller's CPU.
 */
export async function archiveMembers(path: string, keptAt: string): Promise<ArchiveMember[]> {
	let members = read.get(path);
	if (!members) {
		members = keptMembers(path, keptAt);
		read.set(path, members);
		members.catch(() => read.delete(path));
	}

	return members;
}

/** The members of the archive with this sha256 in the controller's cache, kept beside it. */
export async function cachedArchiveMembers(path: string, sha256: string): Promise<ArchiveMember[]> {
	return archiveMembers(path, artifactCache().derivedPathOf(sha256, 'members'));
}
