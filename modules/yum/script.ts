import {posix} from 'node:path';
import {quoteShell} from '../../engine/shell-words.js';
import type {HostContext} from '../../engine/module.js';
import {inPrivateNamespace, noManagerLines, predictedFilesIn, rootOnly, sandboxFunctions, writePredicted} from '../dry-run-namespace.js';
import {archWord, marker, type Verb} from './parse.js';

/* The shell the yum module runs on the host: the read (rpm queries and dnf's dry runs in a private mount namespace) and the real run. */

/** The parameters that shape the commands: the module's, as it validates them. */
export interface YumParams {
	readonly name: readonly string[];
	readonly state: string;
	readonly enablerepo: readonly string[];
	readonly disablerepo: readonly string[];
	readonly disable_gpg_check: boolean;
	readonly update_cache: boolean;
}

/** Package managers of other families, by the command that gives them away. */
const otherManagers = [['apt-get', 'apt'], ['apk', 'apk'], ['zypper', 'zypper'], ['pacman', 'pacman'], ['emerge', 'portage']] as const;
/** Where dnf, dnf 5 and yum keep their cache, history and logs (the rpm database is asked of rpm). */
const writtenDirectories = ['/var/cache/dnf', '/var/cache/yum', '/var/cache/libdnf5', '/var/lib/dnf', '/var/lib/yum', '/usr/lib/sysimage/libdnf5', '/var/log'];
/** dnf's default reposdir. */
const repoDirectories = ['/etc/yum.repos.d', '/etc/yum/repos.d', '/etc/distro.repos.d'];
const nevraFormat = '%{NAME}-%|EPOCH?{%{EPOCH}:}:{}|%{VERSION}-%{RELEASE}.%{ARCH}\\n';
const versionFormat = '%{NAME}.%{ARCH} %|EPOCH?{%{EPOCH}:}:{}|%{VERSION}-%{RELEASE}\\n';

/** A spec rpm -q can answer for: a name, name-version[-release][.arch], no glob, path, provide or file. */
function isPlainName(spec: string): boolean {
	return /^[\w.+:~^-]+$/.test(spec) && !spec.endsWith('.rpm');
}

function isPackageFile(spec: string): boolean {
	return spec.endsWith('.rpm') || spec.includes('://');
}

/**
 * The shell that sorts one spec into the dnf commands the read may need: I (install), U (upgrade),
 * R (remove), after asking rpm where rpm can answer. A spec goes inside double quotes as is:
 * validate() lets no quote, $, backquote or backslash through.
 */
function classify(spec: string, state: string): string {
	const add = (list: 'I' | 'U' | 'R') => `${list}="$${list} ${spec}"`;
	if (!isPlainName(spec)) {
		return {present: add('I'), latest: isPackageFile(spec) ? add('I') : `${add('I')}; ${add('U')}`, absent: add('R')}[state] ?? '';
	}

	const [whenInstalled, whenMissing] = {present: [':', add('I')], latest: [add('U'), add('I')], absent: [add('R'), ':']}[state] ?? [':', ':'];
	const heading = `echo ${quoteShell(`${marker} spec ${spec}`)}`;
	return `if out=$(rpm -q --qf '${nevraFormat}' ${quoteShell(spec)} 2>/dev/null); then ${heading}; printf '%s\\n' "$out"; ${whenInstalled}; else ${heading}; ${whenMissing}; fi`;
}

/** The options every dnf command of the task gets, dry run and real run alike. */
export function managerOptions(params: {readonly disablerepo: readonly string[]; readonly enablerepo: readonly string[]; readonly disable_gpg_check: boolean; readonly update_cache: boolean}): string {
	return [
		// Disabled first, as Ansible does, so disablerepo: '*' with enablerepo: lab leaves only lab.
		...params.disablerepo.map(repo => `--disablerepo=${quoteShell(repo)}`),
		...params.enablerepo.map(repo => `--enablerepo=${quoteShell(repo)}`),
		...(params.disable_gpg_check ? ['--nogpgcheck'] : []),
		...(params.update_cache ? ['--refresh'] : []),
	].join(' ');
}

/**
 * The shell run in the private mount namespace: the overlays, then rpm -q per spec and the dry
 * runs dnf needs. Without a namespace (no unshare, no CAP_SYS_ADMIN) a real run reads directly,
 * as dnf itself would write anyway; check mode stops, having changed nothing.
 */
function queryScript(ctx: HostContext, params: YumParams): string {
	const state = {installed: 'present', removed: 'absent'}[params.state as string] ?? params.state;
	const repoFiles = predictedFilesIn(ctx, repoDirectories, path => path.endsWith('.repo'), 'dnf\'s dry run');
	const options = managerOptions(params);
	return [
		'how=$1; pm=$2; set -f',
		...sandboxFunctions('pb-yum-dry-run'),
		// A real run goes on without the namespace: dnf writes its cache and logs there anyway.
		`if ! reason=$(sandbox "$how" ${writtenDirectories.join(' ')} "$(readlink -f "$(rpm --eval %_dbpath)")" ${repoFiles.map(file => quoteShell(posix.dirname(file.path))).join(' ')}); then ${ctx.check ? `echo "${marker} no-sandbox $(echo $reason)"; exit 0` : ':'}; fi`,
		...writePredicted(repoFiles),
		'I=; U=; R=',
		...params.name.map(spec => classify(spec, state)),
		`dry() { verb=$1; shift; [ $# -gt 0 ] || return 0; echo "${marker} dry-run $verb $*"; $pm ${options} --assumeno $verb "$@" 2>&1; echo "${marker} exit $?"; }`,
		'out=$(dry install $I; dry upgrade $U; dry remove $R)',
		'printf \'%s\\n\' "$out"',
		`case "$out" in *Upgrading*|*Updating*|*Downgrading*|*Reinstalling*) echo "${marker} versions"; rpm -qa --qf '${versionFormat}';; esac`,
		...(ctx.check ? fileListScript(params) : []),
	].join('\n');
}

/**
 * Check mode, after the dry runs: the files of the packages they would install or upgrade (from
 * the repositories' file lists, in the same namespace, so with the metadata the dry run fetched)
 * and of those they would remove (from rpm). The host reads the NEVRAs off the dry runs' tables
 * itself, to stay in one round trip: in a section of sectionActions, the word before an
 * architecture is the name (unless it follows `replacing`: the package an upgrade replaces), the
 * word after it the version.
 */
function fileListScript(params: YumParams): string[] {
	const rows = 'on { for (i = 1; i <= NF; i++) { if ($i ~ arch && before != "replacing") print name "-" $(i + 1) "." $i; before = name; name = $i } }';
	return [
		`nevras() { printf '%s\\n' "$out" | awk -v sections="$1" -v arch=${quoteShell(archWord.source)} '/^[^ ]/ { on = $0 ~ sections; next } ${rows}'; }`,
		'A=$(nevras \'^(Installing|Upgrading|Updating|Downgrading|Reinstalling)\'); D=$(nevras \'^(Removing|Erasing)\')',
		// Without --refresh: the dry run has just fetched what it needed. Only the paths not on the
		// host yet: the lists give no content, and a file there now (an edited config file rpm
		// keeps) had better read as it is than as unknown to a later template.
		`[ -z "$A" ] || { echo "${marker} shipped"; list=$($pm ${managerOptions({...params, update_cache: false})} -q repoquery --available --queryformat '%{files}\\n' $A 2>&1); code=$?`,
		'  printf \'%s\\n\' "$list" | while IFS= read -r path; do [ -e "$path" ] || [ -L "$path" ] || printf \'%s\\n\' "$path"; done',
		`  echo "${marker} exit $code"; }`,
		`[ -z "$D" ] || { echo "${marker} removed-files"; rpm -q --qf '[%{FILEMODES:perms} %{FILENAMES}\\n]' $D 2>&1; echo "${marker} exit $?"; }`,
	];
}

/** The read, one round trip: which manager, root or not, then the queries in their namespace. */
export function readScript(ctx: HostContext, params: YumParams): string {
	return [
		'export LC_ALL=C',
		'if command -v dnf >/dev/null 2>&1; then pm=dnf; elif command -v yum >/dev/null 2>&1; then pm=yum; else',
		...noManagerLines(marker, otherManagers),
		'fi',
		`echo "${marker} manager $pm"`,
		rootOnly(marker),
		...inPrivateNamespace(queryScript(ctx, params), '"$pm"', 'PB_YUM_QUERY'),
	].join('\n');
}

/** The real run: each command in turn, its output under a marker, stopping at the first that fails. */
export function applyScript(manager: string, options: string, commands: ReadonlyArray<{readonly verb: Verb; readonly specs: readonly string[]}>): string {
	return [
		'export LC_ALL=C; set -f',
		...commands.map(({verb, specs}) => `echo "${marker} run ${verb}"; ${manager} ${options} -y ${verb} ${specs.map(spec => quoteShell(spec)).join(' ')} 2>&1 || { echo "${marker} failed ${verb}"; exit 0; }`),
	].join('\n');
}
