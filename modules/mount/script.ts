import {quoteShell} from '../../engine/shell-words.js';

/** `-T FILE` for an fstab other than /etc/fstab, which mount(8) reads by default. */
function fstabArgs(fstab: string | undefined): string {
	return fstab === undefined || fstab === '/etc/fstab' ? '' : ` -T ${quoteShell(fstab)}`;
}

/** How mount(8) is told what to mount: from the fstab entry, or (ephemeral) from the task alone. */
export type MountSource =
	| {readonly kind: 'fstab'; readonly fstab: string}
	| {readonly kind: 'given'; readonly src: string; readonly fstype: string; readonly opts: string};

function mountCommand(path: string, source: MountSource): string {
	return source.kind === 'fstab'
		? `mount${fstabArgs(source.fstab)} -- ${quoteShell(path)}`
		: `mount -t ${quoteShell(source.fstype)}${source.opts === 'defaults' ? '' : ` -o ${quoteShell(source.opts)}`} -- ${quoteShell(source.src)} ${quoteShell(path)}`;
}

/**
 * Makes the missing directories of `path`, then mounts it; when the mount fails, removes the
 * directories it made and prints `mount failed` (the caller puts fstab back).
 */
export function mountScript(path: string, source: MountSource): string {
	const parts = path.split('/').filter(Boolean).map((_, index, all) => `/${all.slice(0, index + 1).join('/')}`);
	return [
		'made=',
		...parts.map(dir => `if [ ! -e ${quoteShell(dir)} ]; then mkdir -- ${quoteShell(dir)} || exit 1; made=${quoteShell(dir)}" $made"; fi`),
		`if ! ${mountCommand(path, source)}; then`,
		'  for d in $made; do rmdir -- "$d"; done',
		'  echo "mount failed"; exit 1',
		'fi',
	].join('\n');
}

/**
 * Remounts `path` (with `opts` when given); where the filesystem cannot remount, unmounts and
 * mounts it again, except when options were asked for, which a fresh mount would not apply alike.
 */
export function remountScript(path: string, source: MountSource, opts: string | undefined): string {
	const fstab = source.kind === 'fstab' ? fstabArgs(source.fstab) : '';
	return [
		`if ! mount -o ${quoteShell(opts === undefined ? 'remount' : `remount,${opts}`)}${fstab} -- ${quoteShell(path)}; then`,
		opts === undefined ? `  umount -- ${quoteShell(path)} && ${mountCommand(path, source)}` : '  echo "remount with options failed"; exit 1',
		'fi',
	].join('\n');
}

/** Unmounts `path`, then, with `removeDir`, removes the mount point if it is there. */
export function unmountScript(path: string, mounted: boolean, removeDir: boolean): string {
	return [
		mounted ? `umount -- ${quoteShell(path)} || { echo "umount failed"; exit 1; }` : '',
		removeDir ? `if [ -e ${quoteShell(path)} ]; then rmdir -- ${quoteShell(path)} || { echo "rmdir failed"; exit 1; }; fi` : '',
	].filter(Boolean).join('\n');
}
