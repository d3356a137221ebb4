import {posix} from 'node:path';
import type {HostContext} from '../../engine/module.js';
import {quoteShell} from '../../engine/shell-words.js';
import {inPrivateNamespace, noManagerLines, predictedFilesIn, rootOnly, sandboxFunctions, writePredicted} from '../dry-run-namespace.js';
import {type AptVerb, marker} from './parse.js';

/* The shell the apt module runs on the host: the read (dpkg and apt-cache queries, apt-get's simulation in a private mount namespace) and the real run. */

export interface AptParams {
	readonly name: readonly string[];
	readonly state: 'present' | 'absent' | 'latest' | 'fixed';
	readonly update_cache?: boolean | undefined;
	readonly cache_valid_time: number;
	readonly install_recommends?: boolean | undefined;
	readonly deb?: string | undefined;
	readonly default_release?: string | undefined;
	readonly allow_downgrade: boolean;
	readonly purge: boolean;
	readonly autoremove: boolean;
	readonly lock_timeout: number;
}

/** Package managers of other families, by the command that gives them away. */
const otherManagers = [['dnf', 'dnf'], ['yum', 'yum'], ['apk', 'apk'], ['zypper', 'zypper'], ['pacman', 'pacman']] as const;
/** Where apt and dpkg write: lists, caches, logs, the dpkg database (its lock files). */
const writtenDirectories = ['/var/lib/apt', '/var/cache/apt', '/var/log', '/var/lib/dpkg'];
const sourceDirectories = ['/etc/apt', '/etc/apt/sources.list.d'];
/** The state key by which an earlier task (apt_repository) tells apt's --check that it would have run apt-get update. */
export const aptListsKey = 'apt:lists';
const environment = 'export LC_ALL=C DEBIAN_FRONTEND=noninteractive DEBIAN_PRIORITY=critical';

/** A spec as Ansible splits it: name, then `=` or `>=` and a version (a glob after `=`). */
export function splitSpec(spec: string): {name: string; op: '' | '=' | '>='; version: string} {
	const match = /^([^=>]*)(>?=)(.*)$/.exec(spec);
	return match ? {name: match[1]!, op: match[2] as '=' | '>=', version: match[3]!} : {name: spec, op: '', version: ''};
}

/** The options every apt-get command of the task gets, simulation and real run alike. */
export function aptOptions(params: AptParams, verb: AptVerb): string {
	const dpkg = '-o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold';
	const common = [dpkg, ...(params.autoremove && verb !== 'autoremove' ? ['--auto-remove'] : [])];
	if (verb !== 'install') {
		return [...common, ...(params.purge ? ['--purge'] : [])].join(' ');
	}

	return [
		...common,
		...(params.state === 'fixed' ? ['--fix-broken'] : []),
		...(params.default_release === undefined ? [] : [`-t ${quoteShell(params.default_release)}`]),
		...(params.install_recommends === undefined ? [] : [`-o APT::Install-Recommends=${params.install_recommends ? 'yes' : 'no'}`]),
		...(params.allow_downgrade ? ['--allow-downgrades'] : []),
	].join(' ');
}

/**
 * The shell function that sorts one spec into I (install) or R (remove), as Ansible decides from
 * dpkg's status and apt's candidate: `pick SPEC NAME OP VERSION MODE`, MODE install, latest or remove.
 */
function pickFunction(params: AptParams): string[] {
	const release = params.default_release === undefined ? '' : ` -o APT::Default-Release=${quoteShell(params.default_release)}`;
	return [
		'pick() {',
		'  s=$(dpkg-query -W -f=\'${db:Status-Abbrev}|${Version}\' "$2" 2>/dev/null) || s=\'|\'',
		'  st=${s%%|*}; inst=${s#*|}; installed=; matched=',
		'  case "$st" in ii*) installed=1;; esac',
		'  if [ -n "$installed" ]; then case "$3" in',
		'    =) case "$inst" in $4) matched=1;; esac;;',
		'    \'>=\') dpkg --compare-versions "$inst" ge "$4" && matched=1;;',
		'    *) matched=1;;',
		'  esac; fi',
		'  if [ "$5" = remove ]; then',
		'    case "$st" in ?n*|\'\') files=;; *) files=1;; esac',
		`    if [ -n "$matched" ] || { [ -n "$files" ] && [ ${params.purge ? 1 : 0} = 1 ]; }; then R="$R $1"; fi; return 0`,
		'  fi',
		'  if [ "$3" = = ]; then',
		`    best=$(apt-cache${release} madison "$2" 2>/dev/null | awk -F'|' '{gsub(/ /, "", $2); print $2}' | while read -r v; do case "$v" in $4) echo "$v"; break;; esac; done)`,
		'  else',
		`    best=$(apt-cache${release} policy "$2" 2>/dev/null | sed -n 's/^ *Candidate: //p'); [ "$best" != "(none)" ] || best=`,
		'  fi',
		'  installable=$best; [ -z "$installed" ] || [ "$inst" != "$best" ] || installable=',
		'  if [ -z "$installed" ] || [ -z "$matched" ] || { [ "$5" = latest ] && [ -n "$installable" ]; }; then',
		'    v=${installable:-$4}; if [ -n "$v" ]; then I="$I $2=$v"; else I="$I $2"; fi',
		'  elif [ "$3" = = ] && [ -n "$installable" ]; then I="$I $2=$installable"',
		'  fi',
		'}',
	];
}

/** The lists' time as Ansible reads it: update-success-stamp's mtime, else the lists directory's. */
const cacheTime = 'cachetime() { stat -c %Y /var/lib/apt/periodic/update-success-stamp 2>/dev/null || stat -c %Y /var/lib/apt/lists 2>/dev/null || echo 0; }';

/** Puts the deb (a host path, or a URL fetched into /tmp) in $deb. */
function debFetch(deb: string): string {
	if (!deb.includes('://')) {
		return `deb=${quoteShell(deb)}`;
	}

	return `deb=$(mktemp /tmp/pb-apt-XXXXXX.deb) && { curl -fsSL -o "$deb" ${quoteShell(deb)} 2>&1 || wget -q -O "$deb" ${quoteShell(deb)} 2>&1; }`;
}

/** The namespace's script: the overlays, the update when due, the specs sorted, then apt-get's simulations. */
function queryScript(ctx: HostContext, params: AptParams): string {
	const sources = predictedFilesIn(ctx, sourceDirectories, path => path === '/etc/apt/sources.list' || /\.(list|sources)$/.test(path), 'apt\'s simulation');
	const mode = params.state === 'absent' ? 'remove' : params.state === 'latest' ? 'latest' : 'install';
	const dry = (verb: AptVerb, specs: string) => `echo "${marker} dry-run ${verb} ${specs}"; apt-get -s -y ${aptOptions(params, verb)} ${verb} ${specs} 2>&1; echo "${marker} exit $?"`;
	const lines = [
		'how=$1; set -f',
		environment,
		...sandboxFunctions('pb-apt-dry-run'),
		// A real run goes on without the namespace: apt-get writes its lists and caches there anyway.
		`if ! reason=$(sandbox "$how" ${[...writtenDirectories, ...new Set(sources.map(file => posix.dirname(file.path)))].map(directory => quoteShell(directory)).join(' ')}); then ${ctx.check ? `echo "${marker} no-sandbox $(echo $reason)"; exit 0` : ':'}; fi`,
		...writePredicted(sources),
		cacheTime,
		`echo "${marker} cache $(cachetime)"`,
	];
	if (ctx.check && ctx.predictedState?.(aptListsKey) === 'updated') {
		// An earlier task would have updated the lists: so does the namespace, before anything is decided.
		lines.push('apt-get update -q >/dev/null 2>&1');
	}

	if (params.update_cache === true || params.cache_valid_time > 0) {
		lines.push(`if [ $(($(cachetime) + ${params.cache_valid_time})) -lt $(date +%s) ]; then echo "${marker} update"; apt-get update -q 2>&1; echo "${marker} exit $?"; fi`);
	}

	lines.push(`echo "${marker} cache $(cachetime)"`, ...pickFunction(params), 'I=; R=');
	if (params.deb !== undefined) {
		// The deb's name and version, and the version dpkg has installed of it: the same version is nothing to do.
		lines.push(
			`echo "${marker} deb"`,
			`if ${debFetch(params.deb)} && n=$(dpkg-deb --showformat='\${Package} \${Version}' -W "$deb" 2>&1); then`,
			'  have=$(dpkg-query -W -f=\'${db:Status-Abbrev}|${Version}\' "${n%% *}" 2>/dev/null); case "$have" in ii*) have=${have#*|};; *) have=;; esac',
			`  echo "$n $have"; echo "${marker} exit 0"; [ "\${n#* }" = "$have" ] || I="$deb"`,
			`else echo "$n"; echo "${marker} exit 1"; fi`,
		);
	}

	for (const spec of params.name) {
		const {name, op, version} = splitSpec(spec);
		lines.push(`pick ${[spec, name, op, version, mode].map(word => quoteShell(word)).join(' ')}`);
	}

	lines.push(`[ -z "$I" ] || { ${dry('install', '$I')}; }`, `[ -z "$R" ] || { ${dry('remove', '$R')}; }`);
	if (params.autoremove && params.name.length === 0 && params.deb === undefined) {
		lines.push(dry('autoremove', ''));
	}

	return lines.join('\n');
}

/** The read, one round trip: apt-get or not, root or not, then the queries in their namespace. */
export function readScript(ctx: HostContext, params: AptParams): string {
	return [
		'export LC_ALL=C',
		'if ! command -v apt-get >/dev/null 2>&1; then',
		...noManagerLines(marker, otherManagers),
		'fi',
		rootOnly(marker),
		...inPrivateNamespace(queryScript(ctx, params), '', 'PB_APT_QUERY'),
	].join('\n');
}

/** What apply carries out. */
export interface AptSteps {
	readonly update: boolean;
	readonly commands: ReadonlyArray<{readonly verb: AptVerb; readonly specs: readonly string[]}>;
	/** Marked as installed by hand afterwards, as Ansible marks the packages it names (and a deb's dependencies, which it installs by name). */
	readonly manual: readonly string[];
}

/** The real run: the update when the read made one, each command in turn, then the packages to mark as installed by hand. */
export function applyScript(params: AptParams, {update, commands, manual}: AptSteps): string {
	const lock = `-o DPkg::Lock::Timeout=${params.lock_timeout}`;
	return [
		environment,
		'set -f',
		cacheTime,
		`echo "${marker} cache $(cachetime)"`,
		...(update ? [`echo "${marker} run update"; apt-get update -q 2>&1 || { echo "${marker} failed update"; exit 0; }`] : []),
		`echo "${marker} cache $(cachetime)"`,
		...(params.deb === undefined ? [] : [`${debFetch(params.deb)} || { echo "${marker} failed install"; exit 0; }`]),
		...commands.map(({verb, specs}) => {
			const words = params.deb !== undefined && verb === 'install' ? '"$deb"' : specs.map(spec => quoteShell(spec)).join(' ');
			return `echo "${marker} run ${verb}"; apt-get -y ${lock} ${aptOptions(params, verb)} ${verb} ${words} 2>&1 || { echo "${marker} failed ${verb}"; exit 0; }`;
		}),
		...(manual.length > 0 ? [`apt-mark manual ${manual.map(name => quoteShell(name)).join(' ')} >/dev/null 2>&1`] : []),
	].join('\n');
}
