import type {ExecResult} from '../connection/connection.js';
import {type FileRequest, type FileState, type HostRunner, knownHash, locateScript, parseFileState, rememberHash, statFormat} from './file-state.js';
import {readScript} from './read-files.js';

/*
 * The file states of many tasks in one round trip, with one process per kind of question: one
 * `stat` for every path (two when some follow links), one `sha256sum` for every regular file, one
 * `readlink` for every link. Reading the paths one task at a time costs a `stat` each, and on a
 * small VM a process costs the host 3 to 7 ms of CPU. Files whose content is asked for are read
 * after those, each as a read of its own would (read-files.ts), in the same round trip. The engine
 * reads ahead with it (engine/run/read-ahead.ts); any surprise in the output (a path that changed
 * between the script's steps) answers undefined, and the tasks then read as usual.
 */

/** Reads that fit: no count beneath, no sum remembered from earlier in the run. */
export function readableAhead(ctx: HostRunner, request: FileRequest): boolean {
	const {options = {}} = request;
	return options.beneath === undefined && knownHash(ctx, request) === undefined;
}

/** What makes two requests one answer. */
export function requestKey({path, options = {}}: FileRequest): string {
	return JSON.stringify([path, options.follow ?? false, options.checksum ?? true, options.inDirectory ?? null, options.content ?? false]);
}

/** Sets p and d as the read of one path does; `say`: print that p went into its directory. */
function locate(index: number, {path, options = {}}: FileRequest, say: boolean): string {
	return `${locateScript(path, options.inDirectory, say ? `echo "${index} indir"` : undefined)}\n`;
}

const exists = '{ [ -e "$p" ] || [ -L "$p" ]; }';

function isRegular({options = {}}: FileRequest): string {
	return options.follow ? '[ -f "$p" ]' : '[ -f "$p" ] && [ ! -L "$p" ]';
}

/** The script: what each path is, then each command's answers in the order of its arguments; `f` set when one failed. */
function batchScript(requests: readonly FileRequest[]): string {
	const lines = ['set --'];
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

/** A batch read: its inline script, and how to take the states from what that script printed. */
export interface BatchRead {
	readonly script: string;
	/** The states by requestKey, as they were when the script ran; undefined when they could not be read whole. */
	states(result: ExecResult): Map<string, FileState> | undefined;
}

/** The read of every request's path as it is (no check-mode prediction), in one script. */
export function batchRead(ctx: HostRunner, requests: readonly FileRequest[]): BatchRead {
	const listed = requests.filter(request => !request.options?.content);
	const whole = requests.filter(request => request.options?.content);
	const script = [
		'f=0',
		batchScript(listed),
		// Separated by lines base64 never prints.
		'echo ==whole',
		...whole.map(({path, options}) => `${readScript(path, options ?? {}, undefined)}\necho --`),
		'[ "$f" = 0 ]',
	];
	const hashedFrom = ctx.fileSums?.hostNow();
	return {
		script: script.join('\n'),
		states(result) {
			const at = result.stdout.indexOf('\n==whole\n');
			const answers = result.code === 0 && at !== -1 ? splitAnswers(listed, result.stdout.slice(0, at + 1)) : undefined;
			const contents = result.stdout.slice(at + '\n==whole\n'.length).split(/^--\n/m);
			if (answers === undefined || contents.length !== whole.length + 1) {
				return undefined;
			}

			const read = [...listed.map((request, index) => [request, answers[index]!] as const), ...whole.map((request, index) => [request, contents[index]!] as const)];
			const states = new Map<string, FileState>();
			for (const [request, answer] of read) {
				const {identity, ...state} = parseFileState(request.path, answer, request.options ?? {});
				rememberHash(ctx, state, identity, hashedFrom);
				states.set(requestKey(request), state);
			}

			return states;
		},
	};
}

/**
 * The states at every request's path, by requestKey, as they are now (no check-mode prediction),
 * in one round trip; undefined when the batch could not be read whole.
 */
export async function readMany(ctx: HostRunner, requests: readonly FileRequest[]): Promise<Map<string, FileState> | undefined> {
	const read = batchRead(ctx, requests);
	return read.states(await ctx.run(read.script, {inline: true}));
}
