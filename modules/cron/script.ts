import {quoteShell} from '../../engine/shell-words.js';

/*
 * The shell that reads and installs a user's crontab with crontab(1). `-u` only for another user
 * than the one the task runs as: an unprivileged crontab refuses -u even for its own name.
 */

/** Exit status of the read when the host has no crontab command. */
export const noCrontab = 127;

function asUser(user: string | undefined): string {
	return user === undefined ? 'set --' : `if [ "$(id -un)" = ${quoteShell(user)} ]; then set --; else set -- -u ${quoteShell(user)}; fi`;
}

/** Prints the crontab; exits 1 when the user has none (crontab's own word), noCrontab without crontab. */
export function readCrontabScript(user: string | undefined): string {
	return [`command -v crontab >/dev/null 2>&1 || exit ${noCrontab}`, asUser(user), 'crontab "$@" -l'].join('\n');
}

/** Installs `text` as the user's crontab, through a temporary file crontab reads. */
export function installCrontabScript(user: string | undefined, text: string): string {
	return [
		asUser(user),
		't=$(mktemp) || exit 1',
		'trap \'rm -f -- "$t"\' EXIT',
		`printf '%s' ${quoteShell(text)} > "$t" && chmod 644 "$t" && crontab "$@" "$t"`,
	].join('\n');
}

/** Keeps `text` (the crontab as it was) in a new /tmp/crontabXXXXXXXX, as Ansible's backup, and prints its path. */
export function backupScript(text: string): string {
	return `b=$(mktemp /tmp/crontabXXXXXXXX) && printf '%s' ${quoteShell(text)} > "$b" && echo "$b"`;
}
