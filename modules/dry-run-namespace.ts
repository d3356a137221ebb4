import {posix} from 'node:path';
import type {HostContext} from '../engine/module.js';
import type {PredictedPath} from '../engine/host/file-state.js';
import {quoteShell} from '../engine/shell-words.js';

/*
 * A package manager's dry run that writes nothing on the host (yum's and apt's --check): the read
 * runs in a private mount namespace where every directory the manager writes to (cache, lists,
 * logs, its database's directory) is an overlay whose upper layer is a tmpfs. The manager sees the
 * host's real state, and what it writes vanishes with the namespace. In check mode the same
 * namespace also shows it the repository files earlier tasks would write.
 */

/**
 * The shell functions: `cover DIR` overlays the nearest existing directory of DIR, once (a
 * directory under a covered one is covered: overlayfs stacks two deep at most); `sandbox HOW
 * DIR...` covers them all when HOW is `private` (the script runs in its own namespace), and
 * otherwise prints why it cannot and fails.
 */
export function sandboxFunctions(label: string): string[] {
	return [
		'cover() {',
		'  d=$1; while [ ! -d "$d" ]; do d=$(dirname "$d"); done',
		'  for c in $covered; do case "$d/" in "$c"/*) return 0;; esac; done',
		'  n=$((n + 1)); covered="$covered $d"',
		`  mkdir /tmp/u$n /tmp/w$n && mount -t overlay ${label} -o "lowerdir=$d,upperdir=/tmp/u$n,workdir=/tmp/w$n" "$d"`,
		'}',
		'sandbox() {',
		'  [ "$1" = private ] || { echo "unshare --mount is not available or not permitted here"; return 1; }; shift',
		// The namespace's own /tmp: a tmpfs holding the overlays' upper layers, gone when the namespace goes.
		`  mount -t tmpfs ${label} /tmp 2>&1 || return 1; n=0; covered=`,
		'  for dir in "$@"; do cover "$dir" 2>&1 || return 1; done',
		'}',
	];
}

/**
 * Runs `script` in a private mount namespace where unshare may make one, else in the host's own;
 * the script's $1 says which (`private` or `shared`), its further arguments are `args` (shell words).
 */
export function inPrivateNamespace(script: string, args: string, delimiter: string): string[] {
	return [
		'if unshare --mount --propagation private true 2>/dev/null; then wrap=\'unshare --mount --propagation private\'; how=private; else wrap=; how=shared; fi',
		`exec $wrap sh -s "$how" ${args} <<'${delimiter}'`,
		script,
		delimiter,
	];
}

/**
 * Check mode: the files earlier tasks would write (or remove) directly in `directories` whose names
 * `wanted` accepts. One whose content cannot be known (a download, a package's own) is left as the
 * host has it, and the person is told that `reader` reads the host's own version.
 */
export function predictedFilesIn(ctx: HostContext, directories: readonly string[], wanted: (path: string) => boolean, reader: string): PredictedPath[] {
	return directories.flatMap(directory => (ctx.predictedBelow?.(directory) ?? []).filter(predicted => {
		const path = posix.normalize(predicted.path);
		if (posix.dirname(path) !== directory || !wanted(path) || predicted.type === 'directory') {
			return false;
		}

		if (predicted.type !== 'absent' && predicted.content === undefined) {
			ctx.warn(`--check cannot know what ${path} would hold after the earlier task that writes it: ${reader} reads the host's own version, if any`);
			return false;
		}

		return true;
	}));
}

/** Inside the namespace (its directories covered): the predicted files written, or removed, as earlier tasks would leave them. */
export function writePredicted(files: readonly PredictedPath[]): string[] {
	return files.map(file => (file.content === undefined
		? `rm -f ${quoteShell(file.path)}`
		: `mkdir -p ${quoteShell(posix.dirname(file.path))} && printf %s ${file.content.toString('base64')} | base64 -d > ${quoteShell(file.path)}`));
}

/**
 * The read's first lines when the manager is missing: `MARKER no-manager NAME` for the first of
 * `others` (command, manager) the host has, or `MARKER no-manager` alone; then the script ends.
 */
export function noManagerLines(marker: string, others: ReadonlyArray<readonly [command: string, manager: string]>): string[] {
	return [
		...others.map(([command, name]) => `  command -v ${command} >/dev/null 2>&1 && { echo "${marker} no-manager ${name}"; exit 0; }`),
		`  echo "${marker} no-manager"; exit 0`,
	];
}

/** Ends the read with `MARKER not-root USER` unless it runs as root: package managers change nothing otherwise. */
export function rootOnly(marker: string): string {
	return `[ "$(id -u)" = 0 ] || { echo "${marker} not-root $(id -un)"; exit 0; }`;
}
