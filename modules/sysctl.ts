import {createHash} from 'node:crypto';
import {posix} from 'node:path';
import {quoteShell} from '../engine/shell-words.js';
import {type FileRequest, type FileState, HostFileError, type PredictedPath} from '../engine/host/file-state.js';
import {readFileStates} from '../engine/host/read-files.js';
import {writeFileAtomic} from '../engine/host/write-file.js';
import {defineModule, type Diff, type Params, type Plan} from '../engine/module.js';

interface SysctlState {
	/** The key's file under /proc/sys: its content is the live value. */
	readonly live: FileState;
	readonly file: FileState;
}

interface SysctlSteps {
	/** Set the live value: the /proc/sys path and the value. */
	readonly live?: {readonly path: string; readonly value: string};
	/** Replace the file with this text (a new file is made 0644). */
	readonly file?: {readonly path: string; readonly text: string; readonly isNew: boolean};
}

/**
 * The /proc/sys path of a key. sysctl(8) reads `a.b.c` with dots between levels; a level that
 * itself holds a dot (an interface like eth0.100) is written with a slash: net.ipv4.conf.eth0/100.rp_filter.
 * A key written as a path (net/ipv4/ip_forward) is taken as is.
 */
export function procPath(key: string): string {
	const firstSeparator = /[./]/.exec(key)?.[0];
	const path = firstSeparator === '/' ? key : key.split('.').map(level => level.replaceAll('/', '.')).join('/');
	return posix.join('/proc/sys', path);
}

const trueWords = new Set(['true', 'yes', 'on']);
const falseWords = new Set(['false', 'no', 'off']);

/**
 * A value as the kernel compares it: fields separated by single spaces, so 'a b' and 'a\tb' (as
 * /proc/sys prints several fields) are the same value. yes/no read as 1/0, as in Ansible.
 */
export function normalValue(value: string): string {
	const word = value.trim().toLowerCase();
	if (trueWords.has(word)) {
		return '1';
	}

	return falseWords.has(word) ? '0' : value.trim().split(/\s+/).join(' ');
}

/** One line of a sysctl.conf: `key = value` (a leading - means errors are ignored), or anything else kept as is. */
interface Setting {
	readonly path: string;
	/** The line up to where the value starts, kept when the value changes. */
	readonly prefix: string;
	readonly value: string;
}

function parseSetting(line: string): Setting | undefined {
	const match = /^(\s*-?([^\s#;=][^=]*?)\s*=\s*)(.*?)\s*$/.exec(line);
	return match ? {path: procPath(match[2]!), prefix: match[1]!, value: match[3]!} : undefined;
}

/**
 * The file's text with `key` set to `value` on every line that sets it (appended when none does),
 * or, with value undefined, every such line removed. Comments and other keys stay as they were.
 */
function editSysctlConf(text: string, key: string, value: string | undefined): string {
	const path = procPath(key);
	const lines = text === '' ? [] : text.replace(/\n$/, '').split('\n');
	let found = false;
	const edited = lines.flatMap(line => {
		const setting = parseSetting(line);
		if (setting?.path !== path) {
			return [line];
		}

		found = true;
		if (value === undefined) {
			return [];
		}

		return [normalValue(setting.value) === normalValue(value) ? line : `${setting.prefix}${value}`];
	});
	if (!found && value !== undefined) {
		edited.push(`${key} = ${value}`);
	}

	return edited.length === 0 ? '' : `${edited.join('\n')}\n`;
}

function textOf(state: FileState): string {
	return state.exists && state.content ? state.content.toString('utf8') : '';
}

const schema = {
	name: {type: 'str', required: true, aliases: ['key'], description: 'The key, e.g. net.ipv4.ip_forward'},
	value: {type: 'str', aliases: ['val'], description: 'The value; fields may be separated by any whitespace (compared normalised); yes/no mean 1/0'},
	state: {type: 'str', choices: ['present', 'absent'], default: 'present', description: 'present: set and persist; absent: remove the key from sysctl_file (the live value stays)'},
	sysctl_file: {type: 'path', default: '/etc/sysctl.d/99-pb.conf', description: 'The file that persists the key; other keys and comments in it are kept'},
	reload: {type: 'bool', default: true, description: 'Also set the live value (/proc/sys) when it differs'},
	ignore_missing: {type: 'bool', default: false, description: 'A key the running kernel lacks: warn and only persist it, instead of failing'},
} as const;

/** What a read asks of the host: the live value, and the file that persists it. */
function reads(params: Params<typeof schema>): FileRequest[] {
	return [
		{path: procPath(params.name), options: {content: true, checksum: false}},
		{path: params.sysctl_file, options: {content: true}},
	];
}

export default defineModule({
	name: 'sysctl',
	summary: 'Set a kernel parameter live and persist it in a sysctl.d file (edited in place, atomically)',
	params: schema,
	example: `- name: Forward IPv4 packets (Kubernetes networking needs it)
  sysctl:
    name: net.ipv4.ip_forward
    value: '1'
    sysctl_file: /etc/sysctl.d/99-kubernetes-cri.conf`,
	validate(params) {
		if (!/^[\w.\/-]+$/.test(params.name) || params.name.split(/[./]/).includes('..')) {
			return `name ${JSON.stringify(params.name)} is not a sysctl key: write levels separated by dots, like net.ipv4.ip_forward`;
		}

		if (params.state === 'present' && (params.value === undefined || params.value.trim() === '')) {
			return 'state: present needs value (the key\'s value, e.g. value: \'1\')';
		}

		if (params.value !== undefined && /[\n\r]/.test(params.value)) {
			return 'value must be one line';
		}

		return posix.isAbsolute(params.sysctl_file) ? undefined : `sysctl_file ${params.sysctl_file} must be an absolute path on the host`;
	},
	readsAhead: params => reads(params),
	async read(ctx, params): Promise<SysctlState> {
		const [live, file] = await readFileStates(ctx, reads(params));
		if (params.state === 'present' && !live!.exists && params.ignore_missing) {
			ctx.warn(`${params.name} does not exist on this host's kernel (no ${live!.path}); ignore_missing: only written to ${params.sysctl_file}`);
		}

		return {live: live!, file: file!};
	},
	plan({live, file}, params): Plan<SysctlSteps> {
		const name = params.name;
		const result = {name, sysctl_file: params.sysctl_file, ...(params.value === undefined ? {} : {value: normalValue(params.value)})};
		const fail = (failed: string): Plan<SysctlSteps> => ({changed: false, msg: '', steps: {}, result, failed});
		if (!file.exists && !file.parentIsDir) {
			return fail(`directory ${posix.dirname(file.path)} does not exist on the host; create it first (file: state=directory), or choose another sysctl_file`);
		}

		if (file.exists && (file.type !== 'file' || file.content === undefined)) {
			return fail(`sysctl_file ${file.path} is ${file.type === 'file' ? 'too big to edit (over 1 MiB)' : `a ${file.type}, not a file`}`);
		}

		const wanted = params.state === 'present' ? normalValue(params.value ?? '') : undefined;
		if (wanted !== undefined && !live.exists && !params.ignore_missing) {
			return fail(`${name} does not exist on this host's kernel (no ${live.path}): the key was removed from recent kernels, or the module providing it is not loaded; set ignore_missing: true to only persist it in ${params.sysctl_file}`);
		}

		if (live.exists && live.type !== 'file') {
			return fail(`${name} is a group of keys (${live.path} is a ${live.type}), not one key`);
		}

		const current = live.exists ? normalValue(textOf(live)) : undefined;
		const setLive = wanted !== undefined && params.reload && current !== undefined && current !== wanted;
		const before = textOf(file);
		const after = editSysctlConf(before, name, wanted);
		const writeFile = after !== before;
		const done = [setLive ? 'set live' : '', writeFile ? `${wanted === undefined ? 'removed from' : 'written to'} ${file.path}` : ''].filter(Boolean);
		if (done.length === 0) {
			const where = params.reload && current !== undefined ? ' live and' : '';
			return {changed: false, msg: wanted === undefined ? `${name} is not in ${file.path}` : `${name} is ${wanted}${where} in ${file.path}`, steps: {}, result};
		}

		const diff: Diff[] = [
			...(setLive ? [{header: `${name} (live)`, before: `${name} = ${current}\n`, after: `${name} = ${wanted}\n`}] : []),
			...(writeFile ? [{header: file.path, before, after}] : []),
		];
		const content = Buffer.from(after);
		const predicts: PredictedPath[] = [
			...(setLive ? [{path: live.path, type: 'file' as const, content: Buffer.from(`${wanted}\n`)}] : []),
			...(writeFile ? [{path: file.path, type: 'file' as const, ...(file.exists ? {} : {mode: 0o644}), sha256: createHash('sha256').update(content).digest('hex'), content}] : []),
		];
		return {
			changed: true,
			msg: `${name}${wanted === undefined ? '' : ` = ${wanted}`}: ${done.join(', ')}`,
			diff,
			steps: {
				...(setLive ? {live: {path: live.path, value: wanted}} : {}),
				...(writeFile ? {file: {path: file.path, text: after, isNew: !file.exists}} : {}),
			},
			result,
			predicts,
		};
	},
	async apply(ctx, params, plan) {
		const {live, file} = plan.steps;
		// Live first: a value the kernel refuses is never persisted, to fail again at every boot.
		if (live) {
			const set = await ctx.run(`printf '%s\\n' ${quoteShell(live.value)} > ${quoteShell(live.path)} && cat ${quoteShell(live.path)}`, {subshell: true});
			if (set.code !== 0) {
				return {failed: `cannot set ${params.name} to ${live.value} on ${ctx.host}: ${set.stderr.trim()}; ${params.sysctl_file} was left as it was`};
			}

			const took = normalValue(set.stdout);
			if (took !== live.value) {
				return {failed: `the kernel took ${params.name} = ${live.value} as ${took}; write the value as the kernel shows it (${took}), or it changes at every run. ${params.sysctl_file} was left as it was`};
			}
		}

		if (file) {
			try {
				await writeFileAtomic(ctx, file.path, file.text, file.isNew ? {mode: 0o644} : {});
			} catch (error) {
				if (error instanceof HostFileError) {
					return {failed: error.message};
				}

				throw error;
			}
		}

		return {};
	},
});
