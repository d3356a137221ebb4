import {posix} from 'node:path';
import {quoteShell} from '../shell-words.js';
import {formatMode} from './attributes.js';
import {contentLimit, type FileRequest, type FileState, HostFileError, type HostRunner, knownHash, locateScript, parseFileState, type ReadOptions, rememberHash, statFormat, type Attributes} from './file-state.js';

/** The `find` test for entries that differ from `attributes` (links have no mode of their own). */
function differsTest(attributes: Attributes): string {
	return [
		attributes.mode === undefined ? '' : `\\( ! -type l ! -perm ${formatMode(attributes.mode)} \\)`,
		attributes.owner === undefined ? '' : `! -user ${quoteShell(attributes.owner)}`,
		attributes.group === undefined ? '' : `! -group ${quoteShell(attributes.group)}`,
	].filter(Boolean).join(' -o ');
}

/**
 * The read of one path: `absent`/`absent-in-dir`, or a `stat` line then what was asked for. Every
 * process is paid on the host once per task, so there are as few as the answer needs: content
 * fetched whole is hashed on the controller, not by sha256sum too, and the parent directory is
 * named by the controller, not by dirname. It runs inline in the host's kept shell (see
 * ExecOptions), so it never exits: a step that fails sets `f`, and the whole read's status is `f`'s.
 */
export function readScript(path: string, options: ReadOptions, known: {readonly identity: string; readonly sha256: string} | undefined): string {
	const stat = options.follow ? 'stat -L' : 'stat';
	// A link is hashed only when followed: otherwise it is described as a link.
	const isRegular = options.follow ? '[ -f "$p" ]' : '[ -f "$p" ] && [ ! -L "$p" ]';
	const differs = options.beneath === undefined ? '' : differsTest(options.beneath);
	const hashNow = 'printf \'sha256 \'; sha256sum < "$p" || f=1';
	// The stat line's fields: $4 the size, $5 the mtime, $6 device:inode, $7 the ctime.
	const hash = options.checksum === false
		? ''
		: known === undefined ? hashNow : `if [ "$6 $4 $5 $7" = ${quoteShell(known.identity)} ]; then echo ${quoteShell(`sha256 ${known.sha256}`)}; else ${hashNow}; fi`;
	const fileBody = options.content
		? `if [ "$4" -le ${contentLimit} ]; then echo content; base64 < "$p" || f=1; ${hash === '' ? '' : `else ${hash}; `}fi`
		: hash;
	return [
		// The directory asked about is there: a missing entry in it is missing in a directory.
		locateScript(path, options.inDirectory, 'echo indir'),
		'if [ ! -e "$p" ] && [ ! -L "$p" ]; then',
		'  if [ -d "$d" ]; then echo absent-in-dir; else echo absent; fi',
		`elif info=$(${stat} -c '${statFormat}' -- "$p"); then`,
		'  echo "stat $info"',
		'  set -f; set -- $info; set +f',
		'  if [ -L "$p" ]; then printf "link "; readlink -- "$p" || f=1; fi',
		differs === '' ? '' : `  if [ -d "$p" ]; then n=$(find "$p" -mindepth 1 \\( ${differs} \\) -print | wc -l) || f=1; echo "beneath $n"; fi`,
		// Last: the content runs to the end of this path's output.
		fileBody === '' ? '' : `  if ${isRegular}; then ${fileBody}; fi`,
		'else',
		'  f=1',
		'fi',
	].filter(Boolean).join('\n');
}

/** What is at each path on the host now, all in one round trip (none when read ahead). */
export async function readFileStates(ctx: HostRunner, requests: readonly FileRequest[]): Promise<FileState[]> {
	// Before the first read: the sums it holds decide what is hashed, here and in reads ahead.
	await ctx.fileSums?.ready();
	const early = await ctx.readAhead?.statesFor(ctx, requests);
	if (early !== undefined) {
		return early.map((state, index) => withPrediction(ctx, state, requests[index]?.options?.inDirectory));
	}

	// Output separated by a line base64 never produces.
	const script = ['f=0', ...requests.map(({path, options = {}}) => `${readScript(path, options, knownHash(ctx, {path, options}))}\necho --`), '[ "$f" = 0 ]'].join('\n');
	const hashedFrom = ctx.fileSums?.hostNow();
	const result = await ctx.run(script, {inline: true});
	const paths = requests.map(request => request.path).join(', ');
	if (result.code !== 0) {
		throw new HostFileError(ctx.host, paths, `cannot read ${paths} on ${ctx.host}`, result.stderr);
	}

	const outputs = result.stdout.split(/^--\n/m);
	return requests.map(({path, options = {}}, index) => {
		const {identity, ...state} = parseFileState(path, outputs[index] ?? '', options);
		rememberHash(ctx, state, identity, hashedFrom);
		return withPrediction(ctx, state, options.inDirectory);
	});
}

/**
 * Check mode: what the host would hold had earlier tasks run for real. A path an earlier task
 * would write reads as written; a missing file whose directory an earlier task would create
 * reads as missing in an existing directory.
 */
function withPrediction(ctx: HostRunner, state: FileState, inDirectory: string | undefined): FileState {
	const predict = ctx.predictedPath;
	if (!predict) {
		return state;
	}

	let path = state.path;
	if (inDirectory !== undefined && !state.exists && predict(path)?.type === 'directory') {
		path = posix.join(path, inDirectory);
	}

	const predicted = predict(path);
	if (!predicted) {
		return state.exists ? state : {...state, path, parentIsDir: state.parentIsDir || predict(posix.dirname(path))?.type === 'directory'};
	}

	if (predicted.type === 'absent') {
		return {path, exists: false, parentIsDir: true};
	}

	const before = state.exists ? state : undefined;
	return {
		path,
		exists: true,
		type: predicted.type,
		mode: predicted.mode ?? before?.mode ?? (predicted.type === 'directory' ? 0o755 : 0o644),
		uid: before?.uid ?? 0,
		gid: before?.gid ?? 0,
		owner: predicted.owner ?? before?.owner ?? 'root',
		group: predicted.group ?? before?.group ?? 'root',
		size: predicted.content?.length ?? 0,
		mtime: Math.floor(Date.now() / 1000),
		inode: '',
		...(predicted.sha256 === undefined ? {} : {sha256: predicted.sha256}),
		...(predicted.content === undefined ? {} : {content: predicted.content}),
	};
}

/** What is at `path` on the host now, in one round trip. */
export async function readFileState(ctx: HostRunner, path: string, options: ReadOptions = {}): Promise<FileState> {
	const [state] = await readFileStates(ctx, [{path, options}]);
	// One request, one state: readFileStates answers every request or throws.
	return state!;
}
