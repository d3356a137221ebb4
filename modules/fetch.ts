import {createHash, randomBytes} from 'node:crypto';
import {createReadStream, createWriteStream} from 'node:fs';
import {mkdir, rename, rm} from 'node:fs/promises';
import {dirname, isAbsolute, join, normalize} from 'node:path';
import {Transform} from 'node:stream';
import {pipeline} from 'node:stream/promises';
import type {FileState} from '../engine/host/file-state.js';
import {readFileState} from '../engine/host/read-files.js';
import {defineModule, type Plan} from '../engine/module.js';
import {quoteShell} from '../engine/shell-words.js';

/*
 * fetch: a host's file copied to the controller, into dest/HOST/SRC (or dest itself with flat), as
 * Ansible lays it out. The host's sha256 decides whether it is copied; the bytes received are
 * checked against it. Check mode predicts without writing (Ansible's skips the task).
 */

/** What a file on the controller holds: its sums, or nothing there. */
interface LocalFile {
	readonly sha256: string;
	readonly sha1: string;
	readonly md5: string;
}

interface FetchState {
	readonly src: FileState;
	/** Where the file goes on the controller. */
	readonly dest: string;
	readonly local: LocalFile | undefined;
}

async function sumsOf(path: string): Promise<LocalFile | undefined> {
	const hashes = {sha256: createHash('sha256'), sha1: createHash('sha1'), md5: createHash('md5')};
	try {
		await pipeline(createReadStream(path), new Transform({
			transform(chunk: Buffer, _encoding, callback) {
				for (const hash of Object.values(hashes)) {
					hash.update(chunk);
				}

				callback();
			},
		}));
	} catch {
		return undefined;
	}

	return {sha256: hashes.sha256.digest('hex'), sha1: hashes.sha1.digest('hex'), md5: hashes.md5.digest('hex')};
}

/** Ansible's layout: dest/HOST/SRC, or with flat dest itself (a trailing '/' takes src's name). */
function localDest(dest: string, src: string, host: string, flat: boolean, baseDir: string): string {
	const root = isAbsolute(dest) ? dest : join(baseDir, dest);
	if (flat) {
		return normalize(dest.endsWith('/') ? join(root, src.split('/').at(-1) ?? '') : root);
	}

	return normalize(`${root}/${host}/${src}`);
}

export default defineModule({
	name: 'fetch',
	summary: 'Copy a file from the host to the controller, into dest/HOST/SRC (or dest with flat)',
	params: {
		src: {type: 'str', required: true, description: 'The file on the host (not a directory)'},
		dest: {type: 'path', required: true, description: 'A directory on the controller (relative: to the playbook\'s); the file goes to dest/HOSTNAME/SRC, or to dest itself with flat'},
		flat: {type: 'bool', default: false, description: 'Write to dest itself (dest ending in / takes src\'s file name) instead of dest/HOSTNAME/SRC'},
		fail_on_missing: {type: 'bool', default: true, description: 'Fail when src does not exist; false reports it and goes on'},
		validate_checksum: {type: 'bool', default: true, description: 'Check that the bytes received are the host\'s file (by sha256)'},
	},
	example: `- name: Bring back each node's kubeadm flags
  fetch:
    src: /var/lib/kubelet/kubeadm-flags.env
    dest: collected/`,
	lockstep: true,
	async read(ctx, params): Promise<FetchState> {
		const src = await readFileState(ctx, params.src, {follow: true});
		const host = typeof ctx.vars['inventory_hostname'] === 'string' ? ctx.vars['inventory_hostname'] : ctx.host;
		const dest = localDest(params.dest, params.src, host, params.flat, ctx.playbookDir);
		return {src, dest, local: await sumsOf(dest)};
	},
	plan({src, dest, local}, params): Plan<{dest: string; sha256: string; size: number}> {
		const steps = {dest, sha256: '', size: 0};
		if (!src.exists || src.type === 'directory') {
			const what = src.exists ? 'remote file is a directory, fetch cannot work on directories' : 'the remote file does not exist, not transferring, ignored';
			if (params.fail_on_missing) {
				return {changed: false, msg: '', steps, failed: what, result: {file: params.src}};
			}

			return {changed: false, msg: src.exists ? `${what}, not transferring, ignored` : what, steps, result: {file: params.src}};
		}

		const sha256 = src.sha256 ?? '';
		if (local?.sha256 === sha256) {
			return {changed: false, msg: `${dest} already holds ${params.src}`, steps, result: {file: params.src, dest, md5sum: local.md5, checksum: local.sha1}};
		}

		return {
			changed: true,
			msg: `${dest}: ${local ? 'replaced' : 'new file'}, ${src.size} bytes from ${params.src}`,
			diff: [{header: dest, before: local ? `sha256: ${local.sha256}\n` : '', after: `sha256: ${sha256}\nsize: ${src.size} bytes\n`}],
			steps: {dest, sha256, size: src.size},
			// As Ansible: a fetched file's result names dest, not the file.
			result: {dest},
		};
	},
	async apply(ctx, params, plan) {
		const {dest, sha256} = plan.steps;
		await mkdir(dirname(dest), {recursive: true});
		const temp = `${dest}.${randomBytes(6).toString('hex')}.tmp`;
		try {
			const hash = createHash('sha256');
			const sink = new Transform({
				transform(chunk: Buffer, _encoding, callback) {
					hash.update(chunk);
					callback(undefined, chunk);
				},
			});
			const written = pipeline(sink, createWriteStream(temp));
			const reading = ctx.run(`cat < ${quoteShell(params.src)}`, {stdoutTo: sink}).catch((error: unknown) => {
				// Closes the temp file, unfinished: it is removed below.
				sink.destroy();
				throw error;
			});
			const [result] = await Promise.all([reading, written]);
			if (result.code !== 0) {
				return {failed: `cannot read ${params.src} on ${ctx.host}: ${result.stderr.trim()}`};
			}

			const got = hash.digest('hex');
			if (params.validate_checksum && got !== sha256) {
				return {failed: `checksum mismatch: ${params.src} on ${ctx.host} has sha256 ${sha256}, the bytes received ${got}; it changed while it was read, or the transfer was damaged`};
			}

			await rename(temp, dest);
		} finally {
			await rm(temp, {force: true});
		}

		const local = await sumsOf(dest);
		return {result: {...plan.result, md5sum: local?.md5, checksum: local?.sha1, remote_checksum: local?.sha1, remote_md5sum: null}};
	},
});
