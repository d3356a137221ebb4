import {quoteShell} from '../../engine/shell-words.js';

export type Scope = 'system' | 'user';

export type Verb = 'daemon-reload' | 'mask' | 'unmask' | 'enable' | 'disable' | 'start' | 'stop' | 'restart' | 'reload';

const properties = ['Id', 'LoadState', 'LoadError', 'ActiveState', 'SubState', 'UnitFileState', 'FragmentPath', 'DropInPaths', 'NeedDaemonReload', 'CanReload'];

/** `systemctl` for the scope; a user manager is found through XDG_RUNTIME_DIR, which sudo leaves unset. */
export function systemctl(scope: Scope): string {
	return scope === 'user' ? 'XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-/run/user/$(id -u)} systemctl --user' : 'systemctl';
}

/**
 * Prints the files it watches (`unit-paths DIR... SOURCE...`), then `since-load unchanged` when
 * none changed since systemd last loaded units, or a `since-load changed PATH` line for each that
 * did; it exits 0 only for `unchanged`, and prints nothing when it cannot tell. Asking every unit
 * for its NeedDaemonReload (`systemctl show '*'`, 50-150 ms of PID 1's time: it reads each unit's
 * cgroup) is then skipped when nothing changed, and when something did only the units it names
 * are asked (index.ts); a drop-in added since, which systemd 252 does not count (its cache of
 * paths is from the load), is seen too.
 * - The load: UnitsLoadTimestamp, when the last daemon-reload began (systemd 250 on), else
 *   UnitsLoadStartTimestamp, when the boot began loading units.
 * - Files are judged by ctime, which no tool can set back, unlike the mtime systemd compares: a
 *   unit file unpacked with an old mtime still counts. No slack: systemd reads unit files only
 *   after its generators ran, more than a clock tick after a reload began, so an edit it missed has
 *   a later ctime even on a coarse clock. (`systemctl enable` links a unit a millisecond before its
 *   own reload: any slack would keep that host on the slow path until the next reload.)
 * - The clock check: had the wall clock been set back since the load, a later edit could carry an
 *   older ctime; less wall time than boot time passed since the load means it was. NTP steps only
 *   past 128 ms, which /proc/uptime's 10 ms resolution sees.
 * - Watched: the unit directories with their drop-ins and links followed, and every SourcePath
 *   (/etc/fstab for mount units...). Not .wants, .requires and .upholds links, which no unit needs
 *   a reload for; not the generators' output or transient units, which systemd itself writes,
 *   during a load or when it makes the unit.
 * A subshell: it leaves nothing in the kept shell.
 */
export const changedSinceLoad = `(
  set -- $(busctl get-property org.freedesktop.systemd1 /org/freedesktop/systemd1 org.freedesktop.systemd1.Manager UnitsLoadTimestamp UnitsLoadTimestampMonotonic UnitsLoadStartTimestamp UnitsLoadStartTimestampMonotonic UnitPath 2>/dev/null)
  [ "$1 $3 $5 $7 $9" = "t t t t as" ] || exit 1
  load=$2 loadBoot=$4
  [ "$load" != 0 ] || load=$6 loadBoot=$8
  shift 10
  read up idle </proc/uptime || exit 1
  now=$(date +%s%6N)
  case "$load$loadBoot$now\${up%.??}\${up#*.}" in *[!0-9]*) exit 1;; esac
  [ "$load" -gt 0 ] && [ $((now - load)) -ge $((\${up%.??}\${up#*.}0000 - loadBoot)) ] || exit 1
  dirs=
  for d; do
    case $d in \\"*\\") d=\${d#\\"} d=\${d%\\"};; *) exit 1;; esac
    case $d in /run/systemd/generator*|/run/systemd/transient) ;; *) [ ! -d "$d" ] || dirs="$dirs $d";; esac
  done
  [ -n "$dirs" ] || exit 1
  sources=
  for s in $(grep -Rhs '^SourcePath=' $dirs /run/systemd/generator*); do sources="$sources \${s#SourcePath=}"; done
  changed=$(find -L $dirs $sources \\( -name '*.wants' -o -name '*.requires' -o -name '*.upholds' \\) -prune -o -newerct "$(printf '@%d.%06d' $((load / 1000000)) $((load % 1000000)))" -print) || exit 1
  echo unit-paths $dirs $sources
  if [ -z "$changed" ]; then echo since-load unchanged; else printf '%s\\n' "$changed" | sed 's/^/since-load changed /'; exit 1; fi
)`;

/** What changed since the last load, and every loaded unit's NeedDaemonReload only when that cannot be told (the user scope: always). */
function everyUnitUnlessTold(scope: Scope): string {
	const everyUnit = `${systemctl(scope)} show --property=Id,NeedDaemonReload -- '*' || f=1`;
	if (scope === 'user') {
		return `  ${everyUnit}`;
	}

	return [
		// A space after $(: $(( would be arithmetic.
		`  c=$( ${changedSinceLoad}); k=$?; printf '%s\\n' "$c"`,
		`  if [ $k != 0 ]; then case $c in *'since-load changed '*) ;; *) ${everyUnit};; esac; fi`,
	].join('\n');
}

/**
 * Whether systemd runs the host, then the home directory, the unit's properties and, with
 * `daemonReload`, what changed since the last load and, unless nothing did, every loaded unit's
 * NeedDaemonReload (parse.ts reads both). Inline in the host's kept shell (ExecOptions.inline): no
 * exit, the status is the last command's.
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
		daemonReload ? everyUnitUnlessTold(scope) : '',
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
