import {createHash} from 'node:crypto';
import {createReadStream} from 'node:fs';
import {open} from 'node:fs/promises';
import {Writable} from 'node:stream';
import {pipeline} from 'node:stream/promises';
import {createInflateRaw} from 'node:zlib';
import type {ArchiveMember} from './tar-members.js';

/*
 * The members of a zip file, read on the controller from its central directory: names, types,
 * modes as unzip restores them (from the Unix attributes a zip made on Unix carries), and each
 * file's sha256 from its inflated bytes. Stored and deflated members; zip64 is refused.
 */

interface CentralEntry {
	readonly name: string;
	readonly method: number;
	readonly compressedSize: number;
	readonly unixMode: number | undefined;
	readonly mtime: number;
	readonly localOffset: number;
}

const endRecordSize = 22;
const unixHost = 3;

/** DOS date and time fields as seconds since the epoch, in the controller's time zone as unzip reads them. */
function dosTime(date: number, time: number): number {
	return new Date((date >> 9) + 1980, ((date >> 5) & 15) - 1, date & 31, time >> 11, (time >> 5) & 63, (time & 31) * 2).getTime() / 1000;
}

function centralEntries(directory: Buffer, count: number, path: string): CentralEntry[] {
	const entries: CentralEntry[] = [];
	let at = 0;
	for (let index = 0; index < count; index++) {
		if (directory.readUInt32LE(at) !== 0x02_01_4B_50) {
			throw new Error(`${path}: the zip's central directory is damaged at entry ${index + 1}`);
		}

		const nameLength = directory.readUInt16LE(at + 28);
		const skip = nameLength + directory.readUInt16LE(at + 30) + directory.readUInt16LE(at + 32);
		const compressedSize = directory.readUInt32LE(at + 20);
		if (compressedSize === 0xFF_FF_FF_FF) {
			throw new Error(`${path}: member ${directory.toString('utf8', at + 46, at + 46 + nameLength)} is in zip64 form, which pb does not read; use a tar archive`);
		}

		entries.push({
			name: directory.toString('utf8', at + 46, at + 46 + nameLength),
			method: directory.readUInt16LE(at + 10),
			compressedSize,
			unixMode: directory.readUInt8(at + 5) === unixHost ? directory.readUInt32LE(at + 38) >>> 16 : undefined,
			mtime: dosTime(directory.readUInt16LE(at + 14), directory.readUInt16LE(at + 12)),
			localOffset: directory.readUInt32LE(at + 42),
		});
		at += 46 + skip;
	}

	return entries;
}

/** A member's uncompressed bytes, streamed through `sink`. */
async function inflateInto(path: string, entry: CentralEntry, dataStart: number, sink: Writable): Promise<void> {
	if (entry.method !== 0 && entry.method !== 8) {
		throw new Error(`${path}: member ${entry.name} is compressed with method ${entry.method}; pb reads stored and deflated zip members only`);
	}

	if (entry.compressedSize === 0) {
		sink.end();
		return;
	}

	const raw = createReadStream(path, {start: dataStart, end: dataStart + entry.compressedSize - 1});
	await (entry.method === 0 ? pipeline(raw, sink) : pipeline(raw, createInflateRaw(), sink));
}

function collector(): {sink: Writable; hash: ReturnType<typeof createHash>; size: () => number; text: () => string} {
	const hash = createHash('sha256');
	const chunks: Buffer[] = [];
	let size = 0;
	const sink = new Writable({
		write(chunk: Buffer, _encoding, callback) {
			hash.update(chunk);
			size += chunk.length;
			if (size <= 4096) {
				chunks.push(chunk);
			}

			callback();
		},
	});
	return {sink, hash, size: () => size, text: () => Buffer.concat(chunks).toString('utf8')};
}

export async function readZipMembers(path: string): Promise<ArchiveMember[]> {
	const file = await open(path);
	try {
		const {size} = await file.stat();
		const tail = Buffer.alloc(Math.min(size, endRecordSize + 0xFF_FF));
		await file.read(tail, 0, tail.length, size - tail.length);
		const end = tail.lastIndexOf(Buffer.from([0x50, 0x4B, 0x05, 0x06]));
		if (end === -1) {
			throw new Error(`${path}: no zip end record; the file is cut short or not a zip`);
		}

		const count = tail.readUInt16LE(end + 10);
		const directory = Buffer.alloc(tail.readUInt32LE(end + 12));
		await file.read(directory, 0, directory.length, tail.readUInt32LE(end + 16));
		const members: ArchiveMember[] = [];
		for (const entry of centralEntries(directory, count, path)) {
			const local = Buffer.alloc(30);
			await file.read(local, 0, 30, entry.localOffset);
			const dataStart = entry.localOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
			const typeBits = (entry.unixMode ?? 0) & 0o170000;
			const isDirectory = entry.name.endsWith('/') || typeBits === 0o040000;
			const mode = (entry.unixMode ?? 0) & 0o7777 || (isDirectory ? 0o755 : 0o644);
			const base = {name: entry.name, mode, mtime: entry.mtime};
			if (isDirectory) {
				members.push({...base, type: 'directory', size: 0});
				continue;
			}

			const content = collector();
			await inflateInto(path, entry, dataStart, content.sink);
			members.push(typeBits === 0o120000
				? {...base, type: 'link', mode: 0o777, size: 0, linkTarget: content.text()}
				: {...base, type: 'file', size: content.size(), sha256: content.hash.digest('hex')});
		}

		return members;
	} finally {
		await file.close();
	}
}
