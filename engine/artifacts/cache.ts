import {createHash, randomBytes} from 'node:crypto';
import {createReadStream, createWriteStream, type Stats} from 'node:fs';
import {mkdir, readFile, rename, rm, stat, writeFile} from 'node:fs/promises';
import {homedir} from 'node:os';
import {dirname, join} from 'node:path';
import {Transform, Writable} from 'node:stream';
import {pipeline} from 'node:stream/promises';
import {httpGet} from './http-get.js';
import {PbError} from '../errors.js';
import {firstServed, TransferError, type RetryPolicy} from './sources.js';

/*
 * The controller's artifact cache: files fetched once, kept under their sha256, and pushed to
 * every host that asks. A file enters the cache only once its hash is known good (a temp file
 * renamed into place), so a wrong or cut download leaves nothing behind. Hosts asking for the same
 * artifact at once share one transfer; a file fetched without a checksum is fetched once per run.
 */

export interface ArtifactRequest {
	/** The artifact's name in messages (usually its file name). */
	readonly name: string;
	/** URLs tried in order (mirrors first). */
	readonly sources: readonly string[];
	/** The expected sha256; without it the file is fetched once per run and kept under whatever hash it has. */
	readonly sha256?: string | undefined;
	readonly headers?: Readonly<Record<string, string>> | undefined;
	/** false: an https server's certificate is not checked. */
	readonly validateCerts?: boolean | undefined;
	/** One attempt at one source, from request to last byte. */
	readonly timeoutMs: number;
	readonly retry: RetryPolicy;
	readonly onProgress?: ((done: number, total: number | undefined) => void) | undefined;
	/** Hears each failed attempt, e.g. to warn of a corrupt mirror when the next source works. */
	readonly onFailure?: ((failure: TransferError) => void) | undefined;
}

export interface CachedArtifact {
	/** The file on the controller. */
	readonly path: string;
	readonly sha256: string;
	readonly size: number;
	/** The URL that served it in this run; undefined when the cache had it already. */
	readonly url: string | undefined;
}

interface InFlight {
	readonly done: Promise<CachedArtifact>;
	readonly listeners: Set<(done: number, total: number | undefined) => void>;
}

/** Where the cache lives: $PB_CACHE_DIR, else $XDG_CACHE_HOME/pb/artifacts, else ~/.cache/pb/artifacts. */
export function defaultCacheDirectory(): string {
	const explicit = process.env['PB_CACHE_DIR'];
	if (explicit) {
		return explicit;
	}

	return join(process.env['XDG_CACHE_HOME'] || join(homedir(), '.cache'), 'pb', 'artifacts');
}

/** Whether the error says this process may not write there: a read-only volume, or another user's files. */
function cannotWrite(error: unknown): boolean {
	const code = (error as NodeJS.ErrnoException | undefined)?.code;
	return code === 'EROFS' || code === 'EACCES' || code === 'EPERM';
}

/** mkdir -p, whose error names a read-only file system as such. */
async function makeDirectory(path: string): Promise<void> {
	try {
		await mkdir(path, {recursive: true});
	} catch (error) {
		// Node's recursive mkdir reports EROFS as ENOENT; a plain mkdir tells which it is.
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
			await mkdir(path);
		}

		throw error;
	}
}

/**
 * A fact worked out from a cached file (a hash's verdict, an archive's members, a checksums list),
 * written whole or not at all: a reader never sees half a file. A cache this process cannot write
 * (a read-only volume that many controllers share) keeps nothing new: the process holds the fact
 * for itself, and a later run works it out again. `pb artifacts pull` leaves all a run needs.
 */
export async function writeDerived(path: string, content: string): Promise<void> {
	try {
		await makeDirectory(dirname(path));
		const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
		await writeFile(temp, content);
		await rename(temp, path);
	} catch (error) {
		if (!cannotWrite(error)) {
			throw error;
		}
	}
}

/** What says a cached file is the one hashed before: size, mtime and inode, as git's index keeps them. */
function stampOf(info: Stats): string {
	return `${info.size} ${info.mtimeMs} ${info.ino}`;
}

export async function sha256Of(path: string): Promise<string> {
	const hash = createHash('sha256');
	await pipeline(createReadStream(path), hash);
	return hash.digest('hex');
}

/** A writable that keeps what it is given in memory (for small files such as checksum lists). */
function memorySink(chunks: Buffer[]): Writable {
	return new Writable({
		write(chunk: Buffer, _encoding, callback) {
			chunks.push(chunk);
			callback();
		},
	});
}

export class ArtifactCache {
	readonly directory: string;
	/** Keyed by the expected sha256 (if any), sources and headers. */
	readonly #inFlight = new Map<string, InFlight>();
	readonly #texts = new Map<string, Promise<{text: string; url: string}>>();
	/**
	 * Files whose hash was checked (or is being checked) in this process: a cache file is trusted
	 * only once it was. Every host's task asks at once; they share one check.
	 */
	readonly #verified = new Map<string, Promise<boolean>>();
	/** Files being read back from a host (readOnce), by sha256. */
	readonly #reading = new Map<string, Promise<CachedArtifact>>();
	/** `pb run --offline`: nothing is fetched; what the cache lacks is an error. */
	offline = false;

	constructor(directory: string) {
		this.directory = directory;
	}

	pathOf(sha256: string): string {
		return join(this.directory, 'sha256', sha256);
	}

	/**
	 * Where a fact read from the cached file's bytes (the members of an archive) is kept: named by
	 * the same sha256, so it holds as long as the file does.
	 */
	derivedPathOf(sha256: string, kind: string): string {
		return join(this.directory, kind, sha256);
	}

	/**
	 * The cached file with this sha256, checked against it (a damaged file is removed). A file is
	 * hashed once: its size, mtime and inode are then kept, as git's index keeps them, and a later
	 * run that finds them unchanged trusts it without reading tens of megabytes again.
	 */
	async lookup(sha256: string): Promise<CachedArtifact | undefined> {
		const path = this.pathOf(sha256);
		const info = await stat(path).catch(() => undefined);
		if (!info?.isFile()) {
			return undefined;
		}

		let verified = this.#verified.get(sha256);
		if (verified === undefined) {
			const checking = this.#verify(path, sha256, info);
			// A damaged file, or a check that failed, is checked again by the next lookup.
			const forget = () => {
				if (this.#verified.get(sha256) === checking) {
					this.#verified.delete(sha256);
				}
			};

			void checking.then(ok => ok || forget(), forget);
			this.#verified.set(sha256, checking);
			verified = checking;
		}

		return await verified ? {path, sha256, size: info.size, url: undefined} : undefined;
	}

	/** Whether the file holds `sha256`, removing it when not; the verdict is stamped beside it. */
	async #verify(path: string, sha256: string, info: Stats): Promise<boolean> {
		const stampPath = this.derivedPathOf(sha256, 'verified');
		if (await readFile(stampPath, 'utf8').catch(() => undefined) === stampOf(info)) {
			return true;
		}

		if (await sha256Of(path) !== sha256) {
			await rm(path, {force: true});
			return false;
		}

		await writeDerived(stampPath, stampOf(info));
		return true;
	}

	/** The artifact, from the cache or fetched into it; concurrent requests for one artifact share a transfer. */
	async fetch(request: ArtifactRequest): Promise<CachedArtifact> {
		if (request.sha256 !== undefined) {
			const cached = await this.lookup(request.sha256);
			if (cached) {
				return cached;
			}
		}

		if (this.offline) {
			throw new TransferError(request.sources[0] ?? request.name, 'network', `${request.name}${request.sha256 === undefined ? ' (no checksum given)' : ` (sha256 ${request.sha256})`} is not in the controller's cache at ${this.directory}, and this run is offline: fetch it first with \`pb artifacts pull\`, or bring a cache with \`pb artifacts import\``, {transient: false});
		}

		// The same bytes asked for from other URLs are fetched apart: one source's failure is not another's.
		const key = JSON.stringify([request.sha256 ?? null, request.sources, request.headers ?? {}, request.validateCerts ?? true]);
		let flight = this.#inFlight.get(key);
		if (!flight) {
			const listeners = new Set<(done: number, total: number | undefined) => void>();
			const done = this.#download(request, listeners);
			flight = {done, listeners};
			this.#inFlight.set(key, flight);
			// A failure is not remembered: a later task may try again. A success without a checksum
			// stays, so the run fetches that URL once.
			done.catch(() => this.#inFlight.delete(key));
		}

		if (request.onProgress) {
			flight.listeners.add(request.onProgress);
		}

		return flight.done;
	}

	/**
	 * A small text file (a checksums list), fetched once per run. It is kept in the cache too, by
	 * its URL, so that an offline run finds it.
	 */
	async fetchText(request: Omit<ArtifactRequest, 'sha256' | 'onProgress'>): Promise<{text: string; url: string}> {
		const key = JSON.stringify([request.sources, request.headers ?? {}, request.validateCerts ?? true]);
		let text = this.#texts.get(key);
		if (!text) {
			text = this.offline ? this.#cachedText(request) : firstServed(request.name, request.sources, request.retry, async url => {
				const chunks: Buffer[] = [];
				await httpGet(url, memorySink(chunks), {headers: request.headers, timeoutMs: request.timeoutMs, validateCerts: request.validateCerts});
				const value = Buffer.concat(chunks).toString('utf8');
				await writeDerived(this.#textPath(url), value);
				return value;
			}, request.onFailure).then(({value, url}) => ({text: value, url}));
			this.#texts.set(key, text);
			text.catch(() => this.#texts.delete(key));
		}

		return text;
	}

	/** Whether a text fetchText kept is in the cache, for one of these URLs. */
	async hasText(sources: readonly string[]): Promise<boolean> {
		for (const url of sources) {
			if (await stat(this.#textPath(url)).catch(() => undefined)) {
				return true;
			}
		}

		return false;
	}

	#textPath(url: string): string {
		return join(this.directory, 'texts', createHash('sha256').update(url).digest('hex'));
	}

	async #cachedText(request: Omit<ArtifactRequest, 'sha256' | 'onProgress'>): Promise<{text: string; url: string}> {
		for (const url of request.sources) {
			const text = await readFile(this.#textPath(url), 'utf8').catch(() => undefined);
			if (text !== undefined) {
				return {text, url};
			}
		}

		throw new TransferError(request.sources[0] ?? request.name, 'network', `${request.name} is not in the controller's cache, and this run is offline: fetch it first with \`pb artifacts pull\``, {transient: false});
	}

	/**
	 * The file with this sha256: from the cache, or written by `read` into the sink it is given
	 * (which it ends), checked against sha256 and kept; `what` names it in the error when the
	 * bytes differ. Every host's task asks at once (an archive read back from the hosts): they
	 * share one read, so one host sends the bytes. A failed read is not shared; each waiting
	 * caller then reads for itself.
	 */
	async readOnce(sha256: string, what: string, read: (sink: Writable) => Promise<void>): Promise<CachedArtifact> {
		const cached = await this.lookup(sha256);
		if (cached) {
			return cached;
		}

		const shared = await this.#reading.get(sha256)?.catch(() => undefined);
		if (shared) {
			return shared;
		}

		const reading = this.#receive(sha256, what, read);
		this.#reading.set(sha256, reading);
		try {
			return await reading;
		} finally {
			if (this.#reading.get(sha256) === reading) {
				this.#reading.delete(sha256);
			}
		}
	}

	async #receive(sha256: string, what: string, read: (sink: Writable) => Promise<void>): Promise<CachedArtifact> {
		const temp = await this.#tempPath(what);
		try {
			const hash = createHash('sha256');
			let size = 0;
			const sink = new Transform({
				transform(chunk: Buffer, _encoding, callback) {
					hash.update(chunk);
					size += chunk.length;
					callback(undefined, chunk);
				},
			});
			const written = pipeline(sink, createWriteStream(temp));
			const reading = read(sink).catch((error: unknown) => {
				// Closes the temp file, unfinished: it is removed below.
				sink.destroy();
				throw error;
			});
			await Promise.all([reading, written]);
			const got = hash.digest('hex');
			if (got !== sha256) {
				throw new Error(`${what} changed while it was read (sha256 ${sha256}, then ${got}); run again`);
			}

			return await this.#keep(temp, got, size, undefined);
		} finally {
			await rm(temp, {force: true});
		}
	}

	/** Where `what` is received before it is known good; a cache this process cannot write says so. */
	async #tempPath(what: string): Promise<string> {
		const directory = join(this.directory, 'tmp');
		try {
			await makeDirectory(directory);
			const path = join(directory, randomBytes(8).toString('hex'));
			await writeFile(path, '');
			return path;
		} catch (error) {
			if (cannotWrite(error)) {
				throw new PbError(`${what} is not in the controller's cache at ${this.directory}, and this process cannot write there (${(error as NodeJS.ErrnoException).code ?? 'not writable'})`, {
					kind: 'runtime',
					hint: 'Fill a read-only cache beforehand with `pb artifacts pull PLAYBOOK -i INVENTORY` (with the same variables: it fetches what download and get_url would), or point PB_CACHE_DIR at a directory this user can write.',
				});
			}

			throw error;
		}
	}

	async #keep(temp: string, sha256: string, size: number, url: string | undefined): Promise<CachedArtifact> {
		await mkdir(join(this.directory, 'sha256'), {recursive: true});
		await rename(temp, this.pathOf(sha256));
		// Hashed on its way in: the next run need not read it again.
		await writeDerived(this.derivedPathOf(sha256, 'verified'), stampOf(await stat(this.pathOf(sha256))));
		this.#verified.set(sha256, Promise.resolve(true));
		return {path: this.pathOf(sha256), sha256, size, url};
	}

	async #download(request: ArtifactRequest, listeners: ReadonlySet<(done: number, total: number | undefined) => void>): Promise<CachedArtifact> {
		const {value} = await firstServed(request.name, request.sources, request.retry, async url => {
			const temp = await this.#tempPath(request.name);
			try {
				const received = await httpGet(url, createWriteStream(temp), {
					headers: request.headers,
					timeoutMs: request.timeoutMs,
					validateCerts: request.validateCerts,
					onProgress(done, total) {
						for (const listener of listeners) {
							listener(done, total);
						}
					},
				});
				if (request.sha256 !== undefined && received.sha256 !== request.sha256) {
					throw new TransferError(url, 'checksum', `sha256 mismatch: expected ${request.sha256}, got ${received.sha256} (${received.size} bytes); this source serves other bytes than the checksum names, and nothing was kept`, {transient: false});
				}

				return await this.#keep(temp, received.sha256, received.size, url);
			} finally {
				await rm(temp, {force: true});
			}
		}, request.onFailure);
		return value;
	}
}

const caches = new Map<string, ArtifactCache>();

/** The cache at `directory` (default: defaultCacheDirectory()), one instance per directory per process. */
export function artifactCache(directory = defaultCacheDirectory()): ArtifactCache {
	let cache = caches.get(directory);
	if (!cache) {
		cache = new ArtifactCache(directory);
		caches.set(directory, cache);
	}

	return cache;
}
