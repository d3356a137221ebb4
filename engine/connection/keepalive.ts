import {PbError} from '../errors.js';
import {splitWords} from '../shell-words.js';

/*
 * How soon a host that stops answering mid-run (a cable pulled) is declared unreachable: SSH
 * keepalives `intervalSeconds` apart, lost after `countMax` go unanswered. As ssh's
 * ServerAliveInterval and ServerAliveCountMax, read from ssh arguments (the host's
 * ansible_ssh_common_args and ansible_ssh_extra_args, then ansible.cfg's ssh_args); otherwise
 * derived from ansible_ssh_timeout, so that a silent host is lost within that many seconds (30
 * unless set).
 */

export interface Keepalive {
	readonly intervalSeconds: number;
	readonly countMax: number;
}

const lostWithinSeconds = 30;
/** Keepalives sent in the bound: the host is lost after countMax of them go unanswered, one interval later at most. */
const intervalsPerBound = 5;

/** ServerAliveInterval and ServerAliveCountMax in ssh arguments (`-o Key=value`, `-oKey=value`, `-o Key value`). */
function aliveOptions(args: string, origin: string): Partial<Keepalive> {
	const words = splitWords(args).map(word => word.text);
	const options: Partial<Record<'serveraliveinterval' | 'serveralivecountmax', number>> = {};
	for (const [index, word] of words.entries()) {
		const option = word === '-o' ? words[index + 1] : word.startsWith('-o') ? word.slice(2) : undefined;
		const [key, inline] = option?.split('=', 2) ?? [];
		const name = key?.trim().toLowerCase();
		if (name !== 'serveraliveinterval' && name !== 'serveralivecountmax') {
			continue;
		}

		const value = inline ?? (word === '-o' ? words[index + 2] : undefined);
		if (value === undefined || !/^\d+$/.test(value) || Number(value) < 1) {
			throw new PbError(`${origin} sets ${key!.trim()} to ${JSON.stringify(value ?? '')}, which is not a whole number from 1 up`, {hint: `Write -o ${key!.trim()}=N.`});
		}

		options[name] = Number(value);
	}

	return {intervalSeconds: options.serveraliveinterval, countMax: options.serveralivecountmax};
}

/** The keepalive for a host: its own ssh arguments first, then ansible.cfg's, then from its timeout. */
export function keepaliveFor(sources: ReadonlyArray<readonly [args: string | undefined, origin: string]>, timeoutSeconds: number | undefined): Keepalive {
	const bound = timeoutSeconds ?? lostWithinSeconds;
	const derived = {intervalSeconds: Math.max(1, Math.floor(bound / intervalsPerBound)), countMax: intervalsPerBound - 1};
	let found: Partial<Keepalive> = {};
	for (const [args, origin] of sources) {
		if (args !== undefined) {
			const own = aliveOptions(args, origin);
			found = {intervalSeconds: found.intervalSeconds ?? own.intervalSeconds, countMax: found.countMax ?? own.countMax};
		}
	}

	return {intervalSeconds: found.intervalSeconds ?? derived.intervalSeconds, countMax: found.countMax ?? derived.countMax};
}
