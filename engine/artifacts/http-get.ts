import {createHash} from 'node:crypto';
import {get as plainGet, type IncomingMessage} from 'node:http';
import {get as secureGet} from 'node:https';
import {Transform, type Writable} from 'node:stream';
import {pipeline} from 'node:stream/promises';
import {TransferError, transientStatus} from './sources.js';

/** One HTTP(S) GET of one URL on the controller, streamed to a sink, hashed on the way. */

export interface HttpGetOptions {
	readonly headers?: Readonly<Record<string, string>> | undefined;
	/** The whole attempt, from request to last byte: a slow mirror fails here rather than stalling the run. */
	readonly timeoutMs: number;
	/** false: an https server's certificate is not checked (get_url's validate_certs: false). */
	readonly validateCerts?: boolean | undefined;
	readonly onProgress?: ((done: number, total: number | undefined) => void) | undefined;
}

export interface Received {
	readonly size: number;
	readonly sha256: string;
}

const maxRedirects = 5;

function requestOnce(url: string, headers: Readonly<Record<string, string>>, signal: AbortSignal, validateCerts: boolean): Promise<IncomingMessage> {
	const get = url.startsWith('https:') ? secureGet : plainGet;
	return new Promise((resolve, reject) => {
		get(url, {headers: {...headers}, signal, ...(validateCerts ? {} : {rejectUnauthorized: false})}, resolve).on('error', reject);
	});
}

/** The final response after redirects (release sites redirect to their storage). */
async function finalResponse(url: string, headers: Readonly<Record<string, string>>, signal: AbortSignal, validateCerts: boolean): Promise<IncomingMessage> {
	let current = url;
	for (let hops = 0; ; hops++) {
		const response = await requestOnce(current, headers, signal, validateCerts);
		const status = response.statusCode ?? 0;
		const location = response.headers.location;
		if (status < 300 || status >= 400 || location === undefined) {
			return response;
		}

		response.resume();
		if (hops === maxRedirects) {
			throw new TransferError(url, 'http-status', `more than ${maxRedirects} redirects (last to ${location})`, {transient: false});
		}

		current = new URL(location, current).href;
	}
}

function describeCause(error: unknown): string {
	const code = (error as NodeJS.ErrnoException).code;
	const message = error instanceof Error ? error.message : String(error);
	return code !== undefined && !message.includes(code) ? `${message} (${code})` : message;
}

/**
 * GETs `url` into `sink`. Fails with a TransferError saying which of: an HTTP status other than
 * 200, no connection, the time limit reached (with the bytes received so far), or a transfer that
 * ended before the promised Content-Length.
 */
export async function httpGet(url: string, sink: Writable, options: HttpGetOptions): Promise<Received> {
	const deadline = new AbortController();
	const timer = setTimeout(() => {
		deadline.abort();
	}, options.timeoutMs);
	const seconds = options.timeoutMs / 1000;
	let received = 0;
	let total: number | undefined;
	try {
		const response = await finalResponse(url, options.headers ?? {}, deadline.signal, options.validateCerts ?? true);
		const status = response.statusCode ?? 0;
		if (status !== 200) {
			response.resume();
			throw new TransferError(url, 'http-status', `HTTP ${status} ${response.statusMessage ?? ''}`.trim(), {transient: transientStatus(status)});
		}

		const length = response.headers['content-length'];
		total = length === undefined ? undefined : Number(length);
		const hash = createHash('sha256');
		const count = new Transform({
			transform(chunk: Buffer, _encoding, callback) {
				received += chunk.length;
				hash.update(chunk);
				options.onProgress?.(received, total);
				callback(undefined, chunk);
			},
		});
		await pipeline(response, count, sink);
		if (total !== undefined && received !== total) {
			throw new TransferError(url, 'truncated', `transfer ended after ${received} of the ${total} bytes the server announced`);
		}

		return {size: received, sha256: hash.digest('hex')};
	} catch (error) {
		if (error instanceof TransferError) {
			throw error;
		}

		const of = total === undefined ? '' : ` of ${total}`;
		if (deadline.signal.aborted) {
			throw new TransferError(url, 'timeout', `timed out after ${seconds} s with ${received}${of} bytes received; raise timeout, or list a faster mirror first`, {cause: error});
		}

		if (received > 0 || total !== undefined) {
			throw new TransferError(url, 'truncated', `transfer cut after ${received}${of} bytes: ${describeCause(error)}`, {cause: error});
		}

		// A name that does not resolve will not resolve on a retry either: go on to the next source.
		const unresolved = (error as NodeJS.ErrnoException).code === 'ENOTFOUND';
		throw new TransferError(url, 'network', `cannot connect: ${describeCause(error)}`, {cause: error, ...(unresolved ? {transient: false} : {})});
	} finally {
		clearTimeout(timer);
	}
}
