import {createHash} from 'node:crypto';
import {posix} from 'node:path';
import {type FileState, HostFileError, type PredictedPath} from '../../engine/host/file-state.js';
import {readFileStates} from '../../engine/host/read-files.js';
import {writeFileAtomic} from '../../engine/host/write-file.js';
import {defineModule, type Diff, type HostContext, type Params, type Plan} from '../../engine/module.js';
import {escapeField, setEntry, unsetEntry} from './fstab.js';
import {parseMountinfo} from './parse.js';
import {type MountSource, mountScript, remountScript, unmountScript} from './script.js';

/*
 * ansible.posix.mount on Linux: the fstab entry (read once, edited, written atomically) and the
 * live mount, by the same states and with the same results.
 */

const params = {
	path: {type: 'path', required: true, aliases: ['name'], description: 'The mount point, e.g. /mnt/data; none names a swap entry (with src saying which) for present, absent and absent_from_fstab'},
	src: {type: 'path', description: 'What is mounted there: a device, UUID=..., a directory to bind, tmpfs...; needed for present, mounted and ephemeral'},
	fstype: {type: 'str', description: 'The filesystem type (ext4, xfs, tmpfs, none for a bind mount...); needed for present, mounted and ephemeral'},
	opts: {type: 'str', description: 'Mount options, comma-separated (fstab(5)); defaults when not given'},
	dump: {type: 'str', default: '0', description: 'fstab\'s fifth field (dump(8))'},
	passno: {type: 'str', default: '0', description: 'fstab\'s sixth field: the order fsck checks filesystems in at boot (0: never)'},
	state: {
		type: 'str', required: true, choices: ['absent', 'absent_from_fstab', 'mounted', 'present', 'unmounted', 'remounted', 'ephemeral'],
		description: 'present: in fstab only; mounted: in fstab and mounted (the mount point made); unmounted: unmounted, fstab untouched; absent: out of fstab, unmounted, the mount point removed; absent_from_fstab: out of fstab only; remounted: remounted every time; ephemeral: mounted without fstab',
	},
	fstab: {type: 'str', description: 'The file to edit instead of /etc/fstab (mount(8) is then told with -T)'},
	boot: {type: 'bool', default: true, description: 'false adds noauto to the options, so the filesystem is not mounted at boot (not when opts holds defaults or noauto)'},
	backup: {type: 'bool', default: false, description: 'Keep the old fstab as FILE.DATE@TIME~ before changing it'},
} as const;

type MountParams = Params<typeof params>;

interface MountState {
	readonly fstab: FileState;
	readonly mounted: boolean;
	/** What is mounted at the path now (ephemeral compares it with src). */
	readonly mountedSrc: string | undefined;
	readonly pathExists: boolean;
}

type Action = 'mount' | 'remount' | 'unmount';

interface MountSteps {
	readonly fstab?: {readonly text: string; readonly before: string};
	readonly action?: Action;
	/** absent: the mount point is removed once unmounted. */
	readonly removeDir?: boolean;
}

/** The entry's fields as Ansible settles them, and why `boot` was not applied if it was not. */
function settle(mount: MountParams): {readonly opts: string; readonly boot: 'yes' | 'no'; readonly warning?: string} {
	const opts = (mount.opts ?? 'defaults').split(',');
	if (opts.includes('noauto')) {
		return {opts: opts.join(','), boot: 'yes', warning: 'Ignore the \'boot\' due to \'opts\' contains \'noauto\'.'};
	}

	if (mount.boot) {
		return {opts: opts.join(','), boot: 'yes'};
	}

	return opts.includes('defaults')
		? {opts: opts.join(','), boot: 'no', warning: 'Ignore the \'boot\' due to \'opts\' contains \'defaults\'.'}
		: {opts: [...opts, 'noauto'].join(','), boot: 'no'};
}

function fstabPath(mount: MountParams): string {
	return mount.fstab ?? '/etc/fstab';
}

/** The key of a mount point's predicted state in check mode (HostContext.predictedState). */
function mountKey(path: string): string {
	return `mount ${path}`;
}

/** What `register` gives, as Ansible's mount returns it. */
function resultOf(mount: MountParams): Record<string, unknown> {
	const {opts, boot} = settle(mount);
	return {
		name: mount.path, ...(mount.src === undefined ? {} : {src: mount.src}), ...(mount.fstype === undefined ? {} : {fstype: mount.fstype}),
		opts, dump: mount.dump, passno: mount.passno, fstab: fstabPath(mount), boot, backup_file: '',
	};
}

function textOf(state: FileState): string {
	return state.exists && state.content ? state.content.toString('utf8') : '';
}

function sourceOf(mount: MountParams): MountSource {
	return mount.state === 'ephemeral'
		? {kind: 'given', src: mount.src ?? '', fstype: mount.fstype ?? '', opts: mount.opts ?? 'defaults'}
		: {kind: 'fstab', fstab: fstabPath(mount)};
}

const pastTense: Readonly<Record<Action, string>> = {mount: 'mounted', remount: 'remounted', unmount: 'unmounted'};

export default defineModule({
	name: 'mount',
	summary: 'Manages fstab entries and mounts: present, mounted, unmounted, absent, remounted, ephemeral',
	params,
	rules: {
		required_if: [
			{param: 'state', value: 'mounted', needs: ['src', 'fstype']},
			{param: 'state', value: 'present', needs: ['src', 'fstype']},
			{param: 'state', value: 'ephemeral', needs: ['src', 'fstype']},
		],
	},
	example: `- name: A tmpfs for scratch files, now and at boot
  ansible.posix.mount:
    path: /var/scratch
    src: tmpfs
    fstype: tmpfs
    opts: size=256m,mode=1777
    state: mounted`,
	validate(mount) {
		// Swap entries are all mounted on `none`: a name, not a path, fstab-only states take.
		if (!posix.isAbsolute(mount.path) && mount.state !== 'absent' && mount.state !== 'absent_from_fstab' && mount.state !== 'present') {
			return `path ${mount.path} must be an absolute path on the host for state ${mount.state}`;
		}

		return mount.fstab !== undefined && !posix.isAbsolute(mount.fstab) ? `fstab ${mount.fstab} must be an absolute path on the host` : undefined;
	},
	async read(ctx, mount): Promise<MountState> {
		const {warning} = settle(mount);
		if (warning !== undefined && mount.state !== 'ephemeral') {
			ctx.warn(warning);
		}

		const isPath = posix.isAbsolute(mount.path);
		const [fstab, mountinfo, path] = await readFileStates(ctx, [
			{path: fstabPath(mount), options: {content: true}},
			{path: '/proc/self/mountinfo', options: {content: true, checksum: false}},
			...(isPath ? [{path: mount.path, options: {checksum: false}}] : []),
		]);
		const live = parseMountinfo(textOf(mountinfo!)).get(posix.normalize(mount.path));
		// Check mode: as an earlier task of this run would have left it.
		const predicted = ctx.predictedState?.(mountKey(mount.path)) as {mounted: boolean; src?: string} | undefined;
		return {
			fstab: fstab!,
			mounted: predicted?.mounted ?? live !== undefined,
			mountedSrc: predicted === undefined ? live?.src : predicted.src,
			pathExists: path?.exists ?? false,
		};
	},
	plan(state, mount): Plan<MountSteps> {
		const result = resultOf(mount);
		const fail = (failed: string): Plan<MountSteps> => ({changed: false, msg: '', steps: {}, result, failed});
		const {fstab} = state;
		const usesFstab = mount.state !== 'ephemeral' && mount.state !== 'unmounted' && mount.state !== 'remounted';
		if (usesFstab && fstab.exists && (fstab.type !== 'file' || fstab.content === undefined)) {
			return fail(`${fstab.path} is ${fstab.type === 'file' ? 'too big to edit (over 1 MiB)' : `a ${fstab.type}, not a file`}`);
		}

		if (usesFstab && !fstab.exists && !fstab.parentIsDir) {
			return fail(`directory ${posix.dirname(fstab.path)} does not exist on the host; create it first (file: state=directory), or choose another fstab`);
		}

		const before = textOf(fstab);
		const entry = {
			src: escapeField(mount.src ?? ''), name: escapeField(mount.path), fstype: escapeField(mount.fstype ?? ''),
			opts: escapeField(settle(mount).opts), dump: escapeField(mount.dump), passno: escapeField(mount.passno),
		};
		const edit = mount.state === 'present' || mount.state === 'mounted'
			? setEntry(before, entry)
			: mount.state === 'absent' || mount.state === 'absent_from_fstab' ? unsetEntry(before, entry.name, mount.src) : {text: before, changed: false};
		let action: Action | undefined;
		let removeDir = false;
		switch (mount.state) {
			case 'absent': {
				action = edit.changed && state.mounted ? 'unmount' : undefined;
				removeDir = edit.changed && (state.pathExists || state.mounted) && posix.isAbsolute(mount.path);
				break;
			}

			case 'unmounted': {
				action = state.mounted ? 'unmount' : undefined;
				break;
			}

			case 'mounted': {
				action = state.mounted ? (edit.changed ? 'remount' : undefined) : 'mount';
				break;
			}

			case 'ephemeral': {
				if (state.mounted && state.mountedSrc !== mount.src) {
					return fail('Ephemeral mount point is already mounted with a different source than the specified one. Failing in order to prevent an unwanted unmount or override operation. Try replacing this command with a "state: unmounted" followed by a "state: ephemeral", or use a different destination path.');
				}

				action = state.mounted ? 'remount' : 'mount';
				break;
			}

			case 'remounted': {
				action = 'remount';
				break;
			}

			default: {
				action = undefined;
			}
		}

		const done = [edit.changed ? `${mount.state === 'absent' || mount.state === 'absent_from_fstab' ? 'removed from' : 'written to'} ${fstab.path}` : '', action === undefined ? '' : pastTense[action], removeDir ? `${mount.path} removed` : ''].filter(Boolean);
		if (done.length === 0) {
			const where = mount.state === 'unmounted' ? 'is not mounted' : mount.state === 'absent' || mount.state === 'absent_from_fstab' ? `is not in ${fstab.path}` : `is as wanted in ${fstab.path}${mount.state === 'mounted' ? ' and mounted' : ''}`;
			return {changed: false, msg: `${mount.path} ${where}`, steps: {}, result};
		}

		const mountedAfter = action === 'unmount' ? false : action === undefined ? state.mounted : true;
		const diff: Diff[] = [
			...(edit.changed ? [{header: fstab.path, before, after: edit.text}] : []),
			...(action === undefined ? [] : [{header: mount.path, before: `mounted: ${state.mounted ? 'yes' : 'no'}\n`, after: `mounted: ${action === 'unmount' ? 'no' : action === 'mount' ? 'yes' : 'yes (remounted)'}\n`}]),
		];
		const content = Buffer.from(edit.text);
		const predicts: PredictedPath[] = [
			...(edit.changed ? [{path: fstab.path, type: 'file' as const, ...(fstab.exists ? {} : {mode: 0o644}), sha256: createHash('sha256').update(content).digest('hex'), content}] : []),
			...(action === 'mount' && !state.pathExists ? [{path: mount.path, type: 'directory' as const}] : []),
			...(removeDir ? [{path: mount.path, type: 'absent' as const}] : []),
		];
		return {
			changed: true,
			msg: `${mount.path}: ${done.join(', ')}`,
			diff,
			steps: {...(edit.changed ? {fstab: {text: edit.text, before}} : {}), ...(action === undefined ? {} : {action}), ...(removeDir ? {removeDir} : {})},
			result,
			predicts,
			predictsStates: {[mountKey(mount.path)]: {mounted: mountedAfter, src: mountedAfter ? (action === undefined ? state.mountedSrc : mount.src) : undefined}},
		};
	},
	async apply(ctx, mount, plan) {
		const {fstab, action, removeDir = false} = plan.steps;
		const path = fstabPath(mount);
		let backupFile = '';
		try {
			if (fstab) {
				backupFile = (await writeFileAtomic(ctx, path, fstab.text, {backup: mount.backup})).backupFile ?? '';
			}
		} catch (error) {
			if (error instanceof HostFileError) {
				return {failed: error.message};
			}

			throw error;
		}

		const result = {...plan.result, backup_file: backupFile};
		const failure = await runAction(ctx, mount, action, removeDir);
		if (failure === undefined) {
			return {result};
		}

		// A mount that failed leaves fstab as it was: an entry that cannot mount could stop the next boot.
		if (fstab && (action === 'mount' || action === 'remount') && mount.state === 'mounted') {
			await writeFileAtomic(ctx, path, fstab.before);
		}

		return {failed: failure, result};
	},
});

/** Runs the mount, remount or unmount; the failure's message, or undefined. */
async function runAction(ctx: HostContext, mount: MountParams, action: Action | undefined, removeDir: boolean): Promise<string | undefined> {
	if (action === undefined && !removeDir) {
		return undefined;
	}

	const script = action === 'mount'
		? mountScript(mount.path, sourceOf(mount))
		: action === 'remount' ? remountScript(mount.path, sourceOf(mount), mount.state === 'remounted' ? mount.opts : undefined) : unmountScript(mount.path, action === 'unmount', removeDir);
	const run = await ctx.run(script);
	if (run.code === 0) {
		return undefined;
	}

	const output = `${run.stdout}${run.stderr}`.replace(/^(?:mount failed|umount failed|rmdir failed|remount with options failed)\n/m, '').trim();
	if (run.stdout.includes('remount with options failed')) {
		return `Options were specified with remounted, but the remount command failed on ${ctx.host}: ${output}. Failing in order to prevent an unexpected mount result: try a "state: unmounted" followed by a "state: mounted" with the full desired mount options instead`;
	}

	const what = run.stdout.includes('umount failed') ? 'unmounting' : run.stdout.includes('rmdir failed') ? 'removing the mount point' : mount.state === 'remounted' ? 'remounting' : 'mounting';
	return `Error ${what} ${mount.path} on ${ctx.host}: ${output}`;
}
