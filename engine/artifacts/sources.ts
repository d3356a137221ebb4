import {setTimeout as sleep} from 'node:timers/promises';

/*
 * Where a download comes from and how failures are met: mirrors are tried in order before the
 * URL itself; a transient failure (timeout, cut transfer, lost connection, HTTP 5xx) is retried
 * on the same source with a doubling delay; a lasting one (HTTP 404, wrong bytes) moves on to the
 * next source at once. Shared by the controller's cache and by hosts fetching for themselves.
 */

export type TransferFailure = 'http-status' | 'timeout' | 'truncated' | 'network' | 'checksum' | 'no-client';

/** One attempt at one URL failed; the message says what happened there. */
export class TransferError extends Error {
	override readonly name = 'TransferError';
	readonly url: string;
	readonly failure: TransferFailure;
	/** Whether trying the same URL again may work. */
	readonly transient: boolean;

	constructor(url: string, failure: TransferFailure, message: string, options: {transient?: boolean; cause?: unknown} = {}) {
		super(message, options.cause === undefined ? undefined : {cause: options.cause});
		this.url = url;
		this.failure = failure;
		this.transient = options.transient ?? (failure === 'timeout' || failure === 'truncated' || failure === 'network');
	}
}

/** Every source failed: the message lists each one with what went wrong there. */
export class DownloadFailed extends Error {
	override readonly name = 'DownloadFailed';
	readonly failures: readonly TransferError[];

	constructor(what: string, failures: readonly TransferError[]) {
		const lines = failures.map(failure => `  - ${failure.url}: ${failure.message}`);
		const only = failures.length === 1 ? failures[0] : undefined;
		super(only ? `cannot download ${what}: ${only.message} (from ${only.url})` : `cannot download ${what} from any of ${failures.length} sources:\n${lines.join('\n')}`);
		this.failures = failures;
	}
}

/** HTTP statuses worth asking again for: the server is busy or failing for now. */
export function transientStatus(status: number): boolean {
	return status === 408 || status === 429 || status >= 500;
}

/** The mirrors (each a base URL, + the URL's path and query), then the URL itself, without repeats. */
export function sourceUrls(url: string, mirrors: readonly string[]): string[] {
	const {pathname, search} = new URL(url);
	const viaMirrors = mirrors.map(mirror => `${mirror.replace(/\/+$/, '')}${pathname}${search}`);
	return [...new Set([...viaMirrors, url])];
}

export interface RetryPolicy {
	/** Further attempts at a source after a transient failure. */
	readonly retries: number;
	/** The delay before the first retry; each next one waits twice as long. */
	readonly delayMs: number;
}

/**
 * The first source from which `attempt` succeeds. Throws DownloadFailed naming every source's
 * last failure; `onFailure` hears each failure as it happens (e.g. to warn of a corrupt mirror
 * when a later source then works).
 */
export async function firstServed<T>(what: string, sources: readonly string[], policy: RetryPolicy, attempt: (url: string) => Promise<T>, onFailure?: (failure: TransferError) => void): Promise<{value: T; url: string}> {
	const failures: TransferError[] = [];
	for (const url of sources) {
		for (let tries = 0; ; tries++) {
			try {
				return {value: await attempt(url), url};
			} catch (error) {
				if (!(error instanceof TransferError)) {
					throw error;
				}

				onFailure?.(error);
				if (!error.transient || tries >= policy.retries) {
					failures.push(error);
					break;
				}

				await sleep(policy.delayMs * (2 ** tries));
			}
		}
	}

	throw new DownloadFailed(what, failures);
}
