import {open} from 'node:fs/promises';

/** What an archive file is, by its first bytes (as GNU tar and file(1) tell them), not by its name. */
export type ArchiveFormat = 'tar' | 'gzip' | 'xz' | 'bzip2' | 'zstd' | 'zip';

const magics: ReadonlyArray<readonly [ArchiveFormat, number, Buffer]> = [
	['gzip', 0, Buffer.from([0x1F, 0x8B])],
	['xz', 0, Buffer.from([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00])],
	['bzip2', 0, Buffer.from('BZh')],
	['zstd', 0, Buffer.from([0x28, 0xB5, 0x2F, 0xFD])],
	['zip', 0, Buffer.from([0x50, 0x4B, 0x03, 0x04])],
	// An empty zip is its end record alone.
	['zip', 0, Buffer.from([0x50, 0x4B, 0x05, 0x06])],
	['tar', 257, Buffer.from('ustar')],
];

/** The archive's format; throws, naming the file, when it is none pb reads. */
export async function archiveFormat(path: string): Promise<ArchiveFormat> {
	const format = await formatIfArchive(path);
	if (format === undefined) {
		throw new Error(`${path} is not an archive pb reads: it is neither a tar archive (plain, gzip, xz, bzip2 or zstd) nor a zip file`);
	}

	return format;
}

/** The file's archive format, or undefined when it is no archive pb reads (a plain binary). */
export async function formatIfArchive(path: string): Promise<ArchiveFormat | undefined> {
	const file = await open(path);
	try {
		const head = Buffer.alloc(512);
		const {bytesRead} = await file.read(head, 0, head.length, 0);
		for (const [format, offset, magic] of magics) {
			if (bytesRead >= offset + magic.length && head.subarray(offset, offset + magic.length).equals(magic)) {
				return format;
			}
		}
	} finally {
		await file.close();
	}

	return undefined;
}

/**
 * The handler Ansible's unarchive registers for each format: the first of its handlers that lists
 * the archive, and its plain TarArchive lists any compressed tar (GNU tar finds the compression).
 */
export const ansibleHandlers: Readonly<Record<ArchiveFormat, string>> = {
	tar: 'TarArchive', gzip: 'TgzArchive', xz: 'TarArchive', bzip2: 'TarArchive', zstd: 'TarArchive', zip: 'ZipArchive',
};
