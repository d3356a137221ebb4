import {createReadStream} from 'node:fs';
import {stat} from 'node:fs/promises';
import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http';
import type {AddressInfo} from 'node:net';
import {resolve, sep} from 'node:path';
import {Transform, type TransformCallback} from 'node:stream';
import {pipeline} from 'node:stream/promises';
import {setTimeout as sleep} from 'node:timers/promises';

/**
 * How the mirror misbehaves for one path: answer slowly, cut the transfer after some bytes (the
 * Content-Length still promises the whole file), or serve bytes other than the file's (same length).
 */
export type MirrorFault =
	| {readonly kind: 'slow'; readonly bytesPerSecond: number}
	| {readonly kind: 'cut'; readonly afterBytes: number}
	| {readonly kind: 'wrong-bytes'};

export interface MirrorRequest {
	readonly method: string;
	readonly path: string;
	readonly status: number;
}

/** Passes on `limit` bytes, then fails, so the response ends early with the connection torn down. */
function cutAfter(limit: number): Transform {
	let sent = 0;
	return new Transform({
		transform(chunk: Buffer, _encoding, callback: TransformCallback) {
			const room = limit - sent;
			sent += chunk.length;
			if (room >= chunk.length) {
				callback(undefined, chunk);
				return;
			}

			this.push(chunk.subarray(0, Math.max(0, room)));
			callback(new Error('transfer cut by the mirror, as asked'));
		},
	});
}

function throttle(bytesPerSecond: number): Transform {
	const slice = Math.max(1, Math.floor(bytesPerSecond / 10));
	return new Transform({
		async transform(chunk: Buffer, _encoding, callback: TransformCallback) {
			for (let offset = 0; offset < chunk.length; offset += slice) {
				this.push(chunk.subarray(offset, offset + slice));
				await sleep(100);
			}

			callback();
		},
	});
}

/** Every byte inverted: the length a download expects, a checksum it must reject. */
function invert(): Transform {
	return new Transform({
		transform(chunk: Buffer, _encoding, callback: TransformCallback) {
			callback(undefined, Buffer.from(chunk.map(byte => byte ^ 0xFF)));
		},
	});
}

/** The lab's HTTP server for artifacts: serves one directory, read-only, and misbehaves on request. */
export class ArtifactMirror {
	readonly url: string;
	/** Every request answered, in order: lets a test see that an artifact was fetched once, or not at all. */
	readonly requests: MirrorRequest[] = [];
	readonly #server: Server;
	readonly #root: string;
	readonly #faults = new Map<string, MirrorFault>();

	private constructor(server: Server, root: string) {
		this.#server = server;
		this.#root = root;
		const {address, port} = server.address() as AddressInfo;
		this.url = `http://${address}:${port}`;
	}

	/** Listens on `address` (the lab bridge's address, so hosts reach it; loopback for tests without hosts) and a free port. */
	static async start(directory: string, address: string): Promise<ArtifactMirror> {
		let mirror: ArtifactMirror | undefined;
		const server = createServer((request, response) => {
			void mirror?.answer(request, response);
		});
		await new Promise<void>((resolveListen, rejectListen) => {
			server.once('error', rejectListen);
			server.listen(0, address, () => {
				resolveListen();
			});
		});
		mirror = new ArtifactMirror(server, resolve(directory));
		return mirror;
	}

	/** The URL of `path`, relative to the served directory. */
	urlOf(path: string): string {
		return `${this.url}/${path.replace(/^\/+/, '')}`;
	}

	setFault(path: string, fault: MirrorFault): void {
		this.#faults.set(`/${path.replace(/^\/+/, '')}`, fault);
	}

	clearFaults(): void {
		this.#faults.clear();
	}

	async close(): Promise<void> {
		this.#server.closeAllConnections();
		await new Promise<void>(resolveClose => {
			this.#server.close(() => {
				resolveClose();
			});
		});
	}

	private async answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
		const path = decodeURIComponent(new URL(request.url ?? '/', 'http://mirror').pathname);
		const method = request.method ?? 'GET';
		const file = resolve(this.#root, `.${path}`);
		const info = file.startsWith(this.#root + sep) ? await stat(file).catch(() => undefined) : undefined;
		const status = method !== 'GET' && method !== 'HEAD' ? 405 : info?.isFile() ? 200 : 404;
		if (status !== 200 || !info) {
			this.requests.push({method, path, status});
			response.writeHead(status, {'content-type': 'text/plain'}).end(status === 404 ? `no ${path} on this mirror\n` : 'GET or HEAD only\n');
			return;
		}

		// As most servers do: nothing newer than the copy the client has, nothing sent (get_url's force: false).
		const since = Date.parse(request.headers['if-modified-since'] ?? '');
		if (!Number.isNaN(since) && Math.floor(info.mtimeMs / 1000) <= Math.floor(since / 1000)) {
			this.requests.push({method, path, status: 304});
			response.writeHead(304).end();
			return;
		}

		this.requests.push({method, path, status});
		response.writeHead(200, {'content-type': 'application/octet-stream', 'content-length': info.size, 'last-modified': info.mtime.toUTCString()});
		if (method === 'HEAD') {
			response.end();
			return;
		}

		const fault = this.#faults.get(path);
		const stages: Transform[] = [];
		if (fault?.kind === 'slow') {
			stages.push(throttle(fault.bytesPerSecond));
		} else if (fault?.kind === 'cut') {
			stages.push(cutAfter(fault.afterBytes));
		} else if (fault?.kind === 'wrong-bytes') {
			stages.push(invert());
		}

		try {
			await pipeline([createReadStream(file), ...stages, response]);
		} catch {
			// A cut transfer, or a client that went away: the socket is torn down, the client sees it.
			response.destroy();
		}
	}
}
