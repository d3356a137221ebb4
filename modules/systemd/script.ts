import {quoteShell} from '../../engine/shell-words.js';

export type Scope = 'system' | 'user';

export type Verb = 'daemon-reload' | 'mask' | 'unmask' | 'enable' | 'disable' | 'start' | 'stop' | 'restart' | 'reload';

const properties = ['Id', 'LoadState', 'LoadError', 'ActiveState', 'SubState', 'UnitFileState', 'FragmentPath', 'DropInPaths', 'NeedDaemonReload', 'CanReload'];

/** `systemctl` for the scope; a user manager is found through XDG_RUNTIME_DIR, which sudo leaves unset. */
export function systemctl(scope: Scope): string {
	return scope === 'user' ? 'XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-/run/user/$(id -u)} systemctl --user' : 'systemctl';
}

/**
 * Whether systemd runs the host, then the home directory, the unit's properties and, with
 * `daemonReload`, every loaded unit's NeedDaemonReload (parse.ts reads it). Inline in the host's
 * kept shell (ExecOptions.inline): no exit, the status is the last command's.
 */
export function readScript(scope: Scope, unit: string | undefined, daemonReload: boolean): string {
	return [
		'if ! command -v systemctl >/dev/null 2>&1; then echo "no-systemd systemctl is not installed"',
		// sd_booted(): systemd as PID 1 makes this directory; systemctl alone proves nothing.
		'elif [ ! -d /run/systemd/system ]; then echo "no-systemd PID 1 is $(cat /proc/1/comm 2>/dev/null || echo unknown), not systemd"',
		'else',
		'  echo "home $HOME"',
		'  f=0',
		unit === undefined ? '' : `  ${systemctl(scope)} show --property=${properties.join(',')} -- ${quoteShell(unit)} || f=1`,
		'  echo --',
		daemonReload ? `  ${systemctl(scope)} show --property=Id,NeedDaemonReload -- '*' || f=1` : '',
		'  [ "$f" = 0 ]',
		'fi',
	].filter(Boolean).join('\n');
}

/** The verbs in order; the first that fails prints `failed INDEX` and stops the script. */
export function applyScript(scope: Scope, unit: string, verbs: readonly Verb[]): string {
	return verbs.map((verb, index) => {
		const command = verb === 'daemon-reload' ? `${systemctl(scope)} daemon-reload` : `${systemctl(scope)} ${verb} -- ${quoteShell(unit)}`;
		return `${command} || { echo "failed ${index}"; exit 1; }`;
	}).join('\n');
}
