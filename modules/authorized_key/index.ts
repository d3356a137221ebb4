import {createHash} from 'node:crypto';
import {posix} from 'node:path';
import {type FileState, HostFileError, type PredictedPath} from '../../engine/host/file-state.js';
import {readFileStates} from '../../engine/host/read-files.js';
import {writeFileAtomic} from '../../engine/host/write-file.js';
import {defineModule, type HostContext, type Params, type Plan} from '../../engine/module.js';
import {quoteShell} from '../../engine/shell-words.js';
import {findGroup, findUser, parseGroups, parsePasswd, withPredictedAccounts} from '../accounts/database.js';
import {editKeyFile} from './keys.js';

/** The user the keys are for, as the host (or, in check mode, an earlier task) has it. */
interface KeyOwner {
	readonly name: string;
	readonly uid: number;
	readonly gid: number;
	readonly group: string;
	readonly home: string;
}

interface AuthorizedKeyState {
	readonly owner: KeyOwner | undefined;
	/** Where the keys are, as the task names it (path, or ~/.ssh/authorized_keys). */
	readonly keyfile: string;
	/** Where they are written: keyfile, or with follow, what its links lead to. */
	readonly target: string;
	readonly directory: FileState;
	readonly file: FileState;
}

interface AuthorizedKeySteps {
	/** The directory to make (or give back to the user) with mode 0700: manage_dir. */
	readonly directory?: {readonly path: string; readonly manage: boolean};
	readonly file?: {readonly path: string; readonly content: string};
	readonly owner?: {readonly uid: number; readonly gid: number};
}

const schema = {
	user: {type: 'str', required: true, description: 'The user whose keys these are: the file is theirs, in their home unless path says otherwise'},
	key: {type: 'str', required: true, description: 'The key, or several keys one per line, as in an authorized_keys file (options first allowed); a URL is not fetched'},
	path: {type: 'path', description: 'The authorized_keys file; unset: ~USER/.ssh/authorized_keys'},
	manage_dir: {type: 'bool', default: true, description: 'Make the file\'s directory when missing, and give it to the user with mode 0700, when the file is written'},
	state: {type: 'str', choices: ['present', 'absent'], default: 'present', description: 'present: the keys are in the file; absent: they are not'},
	key_options: {type: 'str', description: 'Options every key gets, e.g. no-port-forwarding,from="10.0.0.1"'},
	exclusive: {type: 'bool', default: false, description: 'Remove every other key (and comment) from the file'},
	comment: {type: 'str', description: 'The comment every key gets, instead of its own'},
	validate_certs: {type: 'bool', default: true, description: 'Accepted as Ansible has it (for keys from a URL, which pb does not fetch)'},
	follow: {type: 'bool', default: false, description: 'When the file is a link, write what it leads to instead of replacing the link'},
} as const;

type AuthorizedKeyParams = Params<typeof schema>;

const marker = '--pb-- ';

/** The user's passwd and primary group lines, and where the file's links lead: one round trip. */
async function readOwner(ctx: HostContext, params: AuthorizedKeyParams): Promise<{readonly owner: KeyOwner | undefined; readonly hostHome: string | undefined; readonly real: string | undefined}> {
	const user = quoteShell(params.user);
	const keyfile = params.path === undefined ? `"$(getent passwd ${user} | cut -d: -f6)/.ssh/authorized_keys"` : quoteShell(params.path);
	const result = await ctx.run([
		`echo '${marker}passwd'; getent passwd ${user}`,
		`echo '${marker}group'; g=$(getent passwd ${user} | cut -d: -f4); [ -z "$g" ] || getent group "$g"`,
		params.follow ? `echo '${marker}real'; readlink -f -- ${keyfile}` : '',
		'true',
	].filter(Boolean).join('\n'));
	const parts = new Map(result.stdout.split(new RegExp(`^${marker}`, 'm')).slice(1).map(part => [part.slice(0, part.indexOf('\n')), part.slice(part.indexOf('\n') + 1)]));
	const read = {passwd: parsePasswd(parts.get('passwd') ?? ''), groups: parseGroups(parts.get('group') ?? ''), shadow: {}};
	const accounts = withPredictedAccounts(ctx, read);
	const entry = findUser(accounts, params.user);
	const owner = entry === undefined ? undefined : {name: entry.name, uid: entry.uid, gid: entry.gid, home: entry.home, group: findGroup(accounts, String(entry.gid))?.name ?? String(entry.gid)};
	return {owner, hostHome: findUser(read, params.user)?.home, real: parts.get('real')?.trim() || undefined};
}

function planFailure(message: string, result: Record<string, unknown>): Plan<AuthorizedKeySteps> {
	return {changed: false, msg: '', steps: {}, result, failed: message};
}

export default defineModule({
	name: 'authorized_key',
	summary: 'Add or remove SSH keys in a user\'s authorized_keys (written atomically, ~/.ssh 0700, the file 0600)',
	params: schema,
	example: `- name: The deploy user logs in with the team's key
  authorized_key:
    user: deploy
    key: "{{ lookup('file', 'files/deploy.pub') }}"
    key_options: no-port-forwarding`,
	validate(params) {
		return /^https?:/.test(params.key) ? 'key is a URL: pb does not fetch keys from URLs; fetch it first (get_url or the url lookup) and pass its content' : undefined;
	},
	async read(ctx, params): Promise<AuthorizedKeyState> {
		const {owner, hostHome, real} = await readOwner(ctx, params);
		const keyfile = params.path ?? posix.join(owner?.home ?? '/', '.ssh', 'authorized_keys');
		// The host's links say where the file leads only when the host's user is the one meant.
		const target = params.follow && real !== undefined && (params.path !== undefined || hostHome === owner?.home) ? real : keyfile;
		const [directory, file] = await readFileStates(ctx, [{path: posix.dirname(keyfile)}, {path: target, options: {content: true, follow: true}}]);
		return {owner, keyfile, target, directory: directory!, file: file!};
	},
	plan(state, params): Plan<AuthorizedKeySteps> {
		const result = {
			user: params.user, key: params.key, path: params.path ?? null, manage_dir: params.manage_dir, state: params.state, key_options: params.key_options ?? null,
			exclusive: params.exclusive, comment: params.comment ?? null, validate_certs: params.validate_certs, follow: params.follow, keyfile: state.keyfile,
		};
		const {owner, file, directory} = state;
		if (owner === undefined) {
			return planFailure(`Failed to lookup user ${params.user}: 'getpwnam(): name not found: ${params.user}'`, result);
		}

		if (file.exists && file.type === 'file' && file.content === undefined) {
			return planFailure(`${file.path} is too big to edit (over 1 MiB)`, result);
		}

		const before = file.exists && file.type === 'file' ? file.content!.toString('utf8') : '';
		const edited = editKeyFile(before, params.key, {state: params.state, keyOptions: params.key_options, comment: params.comment, exclusive: params.exclusive});
		if (typeof edited === 'string') {
			return planFailure(edited, result);
		}

		if (!edited.changed) {
			return {changed: false, msg: `${state.keyfile}: the key${params.state === 'present' ? ' is' : ' is not'} there`, steps: {}, result};
		}

		const content = Buffer.from(edited.content);
		const manage = params.manage_dir;
		const predicts: PredictedPath[] = [
			...(manage || !directory.exists ? [{path: directory.path, type: 'directory' as const, ...(manage ? {mode: 0o700, owner: owner.name, group: owner.group} : {})}] : []),
			{path: state.target, type: 'file', mode: 0o600, owner: owner.name, group: owner.group, content, sha256: createHash('sha256').update(content).digest('hex')},
		];
		return {
			changed: true,
			msg: `${state.keyfile}: key${params.state === 'present' ? 's added' : 's removed'}`,
			diff: [{header: state.keyfile, before, after: edited.content}],
			steps: {directory: {path: directory.path, manage}, file: {path: state.target, content: edited.content}, owner: {uid: owner.uid, gid: owner.gid}},
			result,
			predicts,
		};
	},
	async apply(ctx, _params, plan) {
		const {directory, file, owner} = plan.steps;
		if (directory === undefined || file === undefined || owner === undefined) {
			return {};
		}

		const path = quoteShell(directory.path);
		const ids = `${owner.uid}:${owner.gid}`;
		const made = await ctx.run(directory.manage
			? `{ [ -d ${path} ] || mkdir -m 700 -- ${path}; } && chown ${ids} -- ${path} && chmod 700 -- ${path}`
			: `[ -d ${path} ] || mkdir -p -- ${path}`);
		if (made.code !== 0) {
			return {failed: `Failed to create directory ${directory.path} : ${made.stderr.trim()}`};
		}

		try {
			await writeFileAtomic(ctx, file.path, file.content, {mode: 0o600, owner: String(owner.uid), group: String(owner.gid)});
		} catch (error) {
			if (error instanceof HostFileError) {
				return {failed: error.message};
			}

			throw error;
		}

		return {};
	},
});
