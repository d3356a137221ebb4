import {type FileRequest, type FileState, type HostRunner, knownHash, locateScript, parseFileState, rememberHash, statFormat} from './file-state.js';

/*
 * The file states of many tasks in one round trip, with one process per kind of question: one
 * `stat` for every path (two when some follow links), one `sha256sum` for every regular file, one
 * `readlink` for every link. Reading the paths one task at a time costs a `stat` each, and on a
 * small VM a process costs the host 3 to 7 ms of CPU. The engine reads ahead with it
 * (engine/run/read-ahead.ts); any surprise in the output (a path that changed between the
 * script's steps) answers undefined, and the tasks then read as usual.
 */

/** Reads that fit: no content, no count beneath, no sum remembered from earlier in the run. */
export function readableAhead(ctx: HostRunner, request: FileRequest): boolean {
	const {options = {}} = request;
	return !options.content && options.beneath === undefined && knownHash(ctx, request) === undefined;
}

/** What makes two requests one answer. */
export function requestKey({path, options = {}}: FileRequest): string {
	return JSON.stringify([path, options.follow ?? false, options.checksum ?? true, options.inDirectory ?? null]);
}

/** Sets p and d as the read of one path does; `say`: print that p went into its directory. */
function locate(index: number, {path, options = {}}: FileRequest, say: boolean): string {
	return `${locateScript(path, options.inDirectory, say ? `echo "${index} indir"` : undefined)}\n`;
}

const exists = '{ [ -e "$p" ] || [ -L "$p" ]; }';

function isRegular({options = {}}: FileRequest): string {
	return options.follow ? '[ -f "$p" ]' : '[ -f "$p" ] && [ ! -L "$p" ]';
}

/** The script: what each path is, then each command's answers in the order of its arguments. */
function batchScript(requests: readonly FileRequest[]): string {
	const lines = ['f=0; set --'];
	for (const [index, request] of requests.entries()) {
		lines.push(`${locate(index, request, true)}if ${exists}; then echo "${index} present"; elif [ -d "$d" ]; then echo "${index} absent-in-dir"; else echo "${index} absent"; fi`);
	}

	lines.push('echo ==found');
	const gather = (label: string, command: string, test: (request: FileRequest) => string | undefined) => {
		lines.push('set --');
		for (const [index, request] of requests.entries()) {
			const condition = test(request);
			if (condition !== undefined) {
				lines.push(`${locate(index, request, false)}if ${condition}; then set -- "$@" "$p"; echo "${index} ${label}"; fi`);
			}
		}

		lines.push(`echo "==${label}"; [ $# = 0 ] || ${command} -- "$@" || f=1`);
	};

	gather('stat', `stat -c '${statFormat}'`, ({options = {}}) => (options.follow ? undefined : exists));
	gather('statL', `stat -L -c '${statFormat}'`, ({options = {}}) => (options.follow ? exists : undefined));
	gather('sha256', 'sha256sum', request => (request.options?.checksum === false ? undefined : isRegular(request)));
	gather('link', 'readlink', () => '[ -L "$p" ]');
	lines.push('[ "$f" = 0 ]');
	return lines.join('\n');
}

/** Each request's lines as readScript would have printed them, or undefined when the answers do not line up. */
function splitAnswers(requests: readonly FileRequest[], stdout: string): string[] | undefined {
	const lines = stdout.split('\n');
	const answers = requests.map((): string[] => []);
	const present = new Set<number>();
	let at = 0;
	for (; at < lines.length && lines[at] !== '==found'; at++) {
		const [index = -1, what = ''] = lines[at]!.split(' ').map((word, position) => (position === 0 ? Number(word) : word)) as [number, string];
		if (what === 'present') {
			present.add(index);
		} else {
			answers[index]?.push(what);
		}
	}

	at++;
	const statted = new Set<number>();
	for (const label of ['stat', 'statL', 'sha256', 'link']) {
		const asked: number[] = [];
		for (; at < lines.length && lines[at] !== `==${label}`; at++) {
			asked.push(Number(lines[at]!.split(' ')[0]));
		}

		at++;
		for (const index of asked) {
			const answer = lines[at++];
			// Every answer is about a path found present, and each such path is stat'ed once, first.
			const inOrder = label.startsWith('stat') ? !statted.has(index) : statted.has(index);
			if (answer === undefined || !present.has(index) || !inOrder) {
				return undefined;
			}

			if (label.startsWith('stat')) {
				statted.add(index);
			}

			// sha256sum writes a backslash first when it escapes the name after the sum.
			answers[index]!.push(label === 'sha256' ? `sha256 ${answer.replace(/^\\/, '').slice(0, 64)}` : label === 'link' ? `link ${answer}` : `stat ${answer}`);
		}
	}

	const complete = statted.size === present.size && lines.slice(at).every(line => line === '');
	return complete ? answers.map(answer => answer.join('\n')) : undefined;
}

/**
 * The states at every request's path, by requestKey, as they are now (no check-mode prediction),
 * in one round trip; undefined when the batch could not be read whole.
 */
export async function readMany(ctx: HostRunner, requests: readonly FileRequest[]): Promise<Map<string, FileState> | undefined> {
	const hashedFrom = ctx.fileSums?.hostNow();
	const result = await ctx.run(batchScript(requests), {inline: true});
	const answers = result.code === 0 ? splitAnswers(requests, result.stdout) : undefined;
	if (answers === undefined) {
		return undefined;
	}

	const states = new Map<string, FileState>();
	for (const [index, request] of requests.entries()) {
		const {identity, ...state} = parseFileState(request.path, answers[index]!, request.options ?? {});
		rememberHash(ctx, state, identity, hashedFrom);
		states.set(requestKey(request), state);
	}

	return states;
}
