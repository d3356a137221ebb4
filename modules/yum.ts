import {posix} from 'node:path';
import {quoteShell} from '../engine/shell-words.js';
import {defineModule, type HostContext, type Plan} from '../engine/module.js';
import type {PredictedPath} from '../engine/host/file-state.js';

/*
 * yum: packages through the host's own dnf (or yum). What a run would do is dnf's own answer, from
 * a dry run (`--assumeno`) made in a private mount namespace where every directory dnf or rpm
 * writes to (cache, history, logs, the rpm database's directory) is an overlay whose upper layer
 * is a tmpfs: dnf sees the host's real cache and database, and what it writes vanishes with the
 * namespace. So --check lists exactly what the real run does (same cache, same expiry decisions,
 * same repositories) and leaves nothing behind, not even the read marks sqlite writes into
 * rpmdb.sqlite-shm on every query. In check mode the same namespace also shows dnf the .repo files
 * earlier tasks would write, and lists the files of the packages the dry run would install or
 * remove, so later tasks (a template into the package's config directory, its systemd unit) are
 * predicted as the real run will find them.
 */

type Verb = 'install' | 'upgrade' | 'remove';
type Action = 'installed' | 'upgraded' | 'downgraded' | 'reinstalled' | 'removed';

/** One package a transaction acts on, as dnf's transaction table lists it. */
export interface PackageChange {
	readonly action: Action;
	readonly name: string;
	readonly arch: string;
	/** [epoch:]version-release after the transaction; for a removal, the version removed. */
	readonly version: string;
	/** The version it replaces, when the table says (dnf 5, obsoletes). */
	readonly from?: string | undefined;
}

/** A dry run of one dnf command: which specs, its exit code and what it printed. */
interface DryRun {
	readonly verb: Verb;
	readonly specs: readonly string[];
	readonly code: number;
	readonly output: string;
}

type YumState =
	| {readonly kind: 'no-manager'; readonly found: string | undefined}
	| {readonly kind: 'not-root'; readonly manager: string; readonly user: string}
	| {readonly kind: 'no-sandbox'; readonly manager: string; readonly reason: string}
	| {
		readonly kind: 'read';
		readonly manager: string;
		/** Per spec rpm could answer for: the installed packages matching it (empty: not installed). */
		readonly installed: ReadonlyMap<string, readonly string[]>;
		readonly dryRuns: readonly DryRun[];
		/** name.arch -> installed [epoch:]version-release, read only when a dry run upgrades, downgrades or reinstalls. */
		readonly versions: ReadonlyMap<string, string>;
		/** Check mode: the paths the packages to be installed or upgraded ship that are not on the host yet, from the repositories' file lists. */
		readonly shipped: readonly string[];
		/** Check mode: the files (not directories) of the packages to be removed, from rpm. */
		readonly removedFiles: readonly string[];
	};

interface YumSteps {
	readonly manager: string;
	readonly commands: ReadonlyArray<{readonly verb: Verb; readonly specs: readonly string[]}>;
}

const marker = '@@pb-yum';
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
function managerOptions(params: {readonly disablerepo: readonly string[]; readonly enablerepo: readonly string[]; readonly disable_gpg_check: boolean; readonly update_cache: boolean}): string {
	return [
		// Disabled first, as Ansible does, so disablerepo: '*' with enablerepo: lab leaves only lab.
		...params.disablerepo.map(repo => `--disablerepo=${quoteShell(repo)}`),
		...params.enablerepo.map(repo => `--enablerepo=${quoteShell(repo)}`),
		...(params.disable_gpg_check ? ['--nogpgcheck'] : []),
		...(params.update_cache ? ['--refresh'] : []),
	].join(' ');
}

/**
 * Check mode: the .repo files earlier tasks would write (or remove) in dnf's repository
 * directories, whatever their names. One whose content cannot be known (a download, a package's
 * own) is left as the host has it, and the person is told.
 */
function predictedRepoFiles(ctx: HostContext): PredictedPath[] {
	return repoDirectories.flatMap(directory => (ctx.predictedBelow?.(directory) ?? []).filter(predicted => {
		const path = posix.normalize(predicted.path);
		if (posix.dirname(path) !== directory || !path.endsWith('.repo') || predicted.type === 'directory') {
			return false;
		}

		if (predicted.type !== 'absent' && predicted.content === undefined) {
			ctx.warn(`--check cannot know what ${path} would hold after the earlier task that writes it: dnf's dry run reads the host's own version, if any`);
			return false;
		}

		return true;
	}));
}

/**
 * The shell run in the private mount namespace: the overlays, then rpm -q per spec and the dry
 * runs dnf needs. Without a namespace (no unshare, no CAP_SYS_ADMIN) a real run reads directly,
 * as dnf itself would write anyway; check mode stops, having changed nothing.
 */
function queryScript(ctx: HostContext, params: YumParams): string {
	const state = {installed: 'present', removed: 'absent'}[params.state as string] ?? params.state;
	const repoFiles = predictedRepoFiles(ctx);
	const options = managerOptions(params);
	return [
		'pm=$1; set -f',
		// Overlays the nearest existing directory of $1, once: a directory under a covered one is covered (overlayfs stacks two deep at most).
		'cover() {',
		'  d=$1; while [ ! -d "$d" ]; do d=$(dirname "$d"); done',
		'  for c in $covered; do case "$d/" in "$c"/*) return 0;; esac; done',
		'  n=$((n + 1)); covered="$covered $d"',
		'  mkdir /tmp/u$n /tmp/w$n && mount -t overlay pb-yum-dry-run -o "lowerdir=$d,upperdir=/tmp/u$n,workdir=/tmp/w$n" "$d"',
		'}',
		'sandbox() {',
		'  [ "$1" = private ] || { echo "unshare --mount is not available or not permitted here"; return 1; }',
		// The namespace's own /tmp: a tmpfs holding the overlays' upper layers, gone when the namespace goes.
		'  mount -t tmpfs pb-yum-dry-run /tmp 2>&1 || return 1; n=0; covered=',
		`  for dir in ${writtenDirectories.join(' ')} "$(readlink -f "$(rpm --eval %_dbpath)")" ${repoFiles.map(file => quoteShell(posix.dirname(file.path))).join(' ')}; do cover "$dir" 2>&1 || return 1; done`,
		'}',
		// A real run goes on without the namespace: dnf writes its cache and logs there anyway.
		`if ! reason=$(sandbox "$2"); then ${ctx.check ? `echo "${marker} no-sandbox $(echo $reason)"; exit 0` : ':'}; fi`,
		...repoFiles.map(file => (file.content === undefined
			? `rm -f ${quoteShell(file.path)}`
			: `mkdir -p ${quoteShell(posix.dirname(file.path))} && printf %s ${file.content.toString('base64')} | base64 -d > ${quoteShell(file.path)}`)),
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
function readScript(ctx: HostContext, params: YumParams): string {
	return [
		'export LC_ALL=C',
		'if command -v dnf >/dev/null 2>&1; then pm=dnf; elif command -v yum >/dev/null 2>&1; then pm=yum; else',
		...otherManagers.map(([command, name]) => `  command -v ${command} >/dev/null 2>&1 && { echo "${marker} no-manager ${name}"; exit 0; }`),
		`  echo "${marker} no-manager"; exit 0`,
		'fi',
		`echo "${marker} manager $pm"`,
		`[ "$(id -u)" = 0 ] || { echo "${marker} not-root $(id -un)"; exit 0; }`,
		'if unshare --mount --propagation private true 2>/dev/null; then wrap=\'unshare --mount --propagation private\'; how=private; else wrap=; how=shared; fi',
		'exec $wrap sh -s "$pm" "$how" <<\'PB_YUM_QUERY\'',
		queryScript(ctx, params),
		'PB_YUM_QUERY',
	].join('\n');
}

/** The output split at marker lines: each marker's words and the lines up to the next one. */
function sections(stdout: string): Array<{words: string[]; body: string}> {
	const result: Array<{words: string[]; body: string[]}> = [];
	for (const line of stdout.split('\n')) {
		if (line.startsWith(`${marker} `)) {
			result.push({words: line.slice(marker.length + 1).split(' ').filter(Boolean), body: []});
		} else {
			result.at(-1)?.body.push(line);
		}
	}

	return result.map(({words, body}) => ({words, body: body.join('\n').trim()}));
}

/**
 * Check mode: the paths a file list names: repoquery's (every path a package ships) or rpm's (its
 * files, not directories: rpm keeps a directory another package owns or something else is in).
 * When the list could not be had, the person is told: later tasks may then be predicted wrong.
 */
function listedPaths(kind: 'shipped' | 'removed-files', body: string, code: number, warn: (message: string) => void): string[] {
	if (code !== 0) {
		warn(`--check cannot list the files of the packages to be ${kind === 'shipped' ? 'installed' : 'removed'}: ${failureText(body)}; later tasks that use them may be predicted wrong`);
		return [];
	}

	const lines = body.split('\n');
	return kind === 'shipped' ? lines.filter(line => line.startsWith('/')) : lines.flatMap(line => /^[^d]\S* (\/.*)$/.exec(line)?.[1] ?? []);
}

function parseRead(stdout: string, warn: (message: string) => void): YumState {
	const parts = sections(stdout);
	const first = parts[0]?.words ?? [];
	if (first[0] === 'no-manager') {
		return {kind: 'no-manager', found: first[1]};
	}

	const manager = first[1] ?? 'dnf';
	const installed = new Map<string, string[]>();
	const dryRuns: DryRun[] = [];
	const versions = new Map<string, string>();
	const files = {shipped: [] as string[], 'removed-files': [] as string[]};
	for (const [index, {words, body}] of parts.entries()) {
		const [kind = '', ...rest] = words;
		if (kind === 'not-root' || kind === 'no-sandbox') {
			return kind === 'not-root' ? {kind, manager, user: rest.join(' ')} : {kind, manager, reason: rest.join(' ')};
		}

		if (kind === 'spec') {
			installed.set(rest.join(' '), body.split('\n').filter(Boolean));
		} else if (kind === 'dry-run') {
			const [verb, ...specs] = rest;
			dryRuns.push({verb: verb as Verb, specs, code: Number(parts[index + 1]?.words[1] ?? 1), output: body});
		} else if (kind === 'versions') {
			for (const [key = '', version = ''] of body.split('\n').map(line => line.split(' '))) {
				versions.set(key, version);
			}
		} else if (kind === 'shipped' || kind === 'removed-files') {
			files[kind] = listedPaths(kind, body, Number(parts[index + 1]?.words[1] ?? 1), warn);
		}
	}

	return {kind: 'read', manager, installed, dryRuns, versions, shipped: files.shipped, removedFiles: files['removed-files']};
}

const sectionActions: ReadonlyArray<readonly [RegExp, Action]> = [
	[/^Installing( dependencies| weak dependencies| for dependencies| group\/module packages)?:$/, 'installed'],
	[/^(Upgrading|Updating)( dependencies| for dependencies)?:$/, 'upgraded'],
	[/^Downgrading( dependencies)?:$/, 'downgraded'],
	[/^Reinstalling:$/, 'reinstalled'],
	[/^(Removing|Erasing)( dependent packages| unused dependencies| for dependencies| dependencies)?:$/, 'removed'],
];
const sizeUnit = /^(?:[kMGTP]|[KMGT]iB|B)$/;
const archWord = /^(noarch|x86_64|i[3-6]86|aarch64|ppc64le|ppc64|s390x|armv7hl|riscv64|src)$/;

/**
 * The packages a dnf or yum transaction table lists (dry run or real run alike), by section.
 * Rows are read as words, so a long name wrapped onto its own line reads the same: name, arch,
 * version, repository, size (and its unit). A `replacing` row names what the row before replaces.
 */
export function parseTransaction(output: string): PackageChange[] {
	const changes: PackageChange[] = [];
	let action: Action | undefined;
	let words: string[] = [];
	const flush = () => {
		for (let at = 0; at < words.length;) {
			if (words[at] === 'replacing') {
				// dnf 5: replacing name arch version repo size unit; dnf 4: replacing name.arch version.
				const long = archWord.test(words[at + 2] ?? '');
				const [name, arch] = long ? [words[at + 1] ?? '', words[at + 2] ?? ''] : splitNameArch(words[at + 1] ?? '');
				const version = words[at + (long ? 3 : 2)] ?? '';
				at += long ? 6 : 3;
				at += long && sizeUnit.test(words[at] ?? '') ? 1 : 0;
				const previous = changes.at(-1);
				if (previous?.name === name && previous.arch === arch) {
					changes[changes.length - 1] = {...previous, from: version};
				} else {
					changes.push({action: 'removed', name, arch, version});
				}

				continue;
			}

			const [name = '', arch = '', version = ''] = words.slice(at, at + 3);
			changes.push({action: action!, name, arch, version});
			at += 5;
			at += sizeUnit.test(words[at] ?? '') ? 1 : 0;
		}

		words = [];
	};

	for (const line of output.split('\n')) {
		if (line.startsWith(' ') && action !== undefined) {
			words.push(...line.trim().split(/\s+/).filter(Boolean));
			continue;
		}

		if (!line.startsWith(' ')) {
			flush();
			action = sectionActions.find(([header]) => header.test(line.trim()))?.[1];
		}
	}

	flush();
	return changes;
}

function splitNameArch(word: string): [string, string] {
	const dot = word.lastIndexOf('.');
	return dot < 0 ? [word, ''] : [word.slice(0, dot), word.slice(dot + 1)];
}

/** Changes of several commands as one: a package two dry runs both upgrade is upgraded once. */
function merged(changes: readonly PackageChange[]): PackageChange[] {
	const byKey = new Map<string, PackageChange>();
	for (const change of changes) {
		const key = `${change.name}.${change.arch}`;
		if (!byKey.has(key)) {
			byKey.set(key, change);
		}
	}

	return [...byKey.values()];
}

const noise = /^(Unable to detect release version|Last metadata expiration check|Dependencies resolved|Nothing to do|Complete!|Operation aborted|Exiting on user command|Is this ok)/;

/** What dnf said went wrong, without its progress lines and tables. */
function failureText(output: string): string {
	const lines = output.split('\n').map(line => line.trimEnd()).filter(line => line.trim() !== '' && !noise.test(line.trim()));
	const errors = lines.filter(line => /^(Error|Problem|No match for argument|RPM: error|error:|  - )/.test(line.trimStart()));
	return (errors.length > 0 ? errors : lines.slice(-5)).map(line => line.trim()).join('; ');
}

/** A dry run that ended in an error: rc 0 is nothing to do, and --assumeno ends a resolved transaction with 'Operation aborted'. */
function dryRunError(run: DryRun): string | undefined {
	return run.code === 0 || /^(Operation aborted|Exiting on user command)/m.test(run.output) ? undefined : failureText(run.output);
}

function nevra(change: Pick<PackageChange, 'name' | 'version' | 'arch'>): string {
	return `${change.name}-${change.version}.${change.arch}`;
}

const resultWords: Readonly<Record<Action, string>> = {installed: 'Installed', upgraded: 'Upgraded', downgraded: 'Downgraded', reinstalled: 'Reinstalled', removed: 'Removed'};

/** Registered values: Ansible's `results` lines and the packages acted on. */
function transactionResult(manager: string, changes: readonly PackageChange[]): Record<string, unknown> {
	return {
		manager,
		results: changes.map(change => `${resultWords[change.action]}: ${nevra(change)}`),
		packages: changes.map(change => ({...change})),
	};
}

/** One line for a person: 'installed a-1-1.noarch, b-2-1.noarch; upgraded c-3-1.noarch'. */
function transactionMessage(changes: readonly PackageChange[]): string {
	const actions: Action[] = ['installed', 'upgraded', 'downgraded', 'reinstalled', 'removed'];
	return actions.flatMap(action => {
		const acted = changes.filter(change => change.action === action);
		return acted.length === 0 ? [] : [`${action} ${acted.map(change => nevra(change)).join(', ')}`];
	}).join('; ');
}

/** The packages' versions before and after, key by key (name.arch: version, or absent). */
function transactionDiff(changes: readonly PackageChange[], versions: ReadonlyMap<string, string>): {header: string; before: string; after: string} {
	const rows = [...changes].sort((a, b) => `${a.name}.${a.arch}`.localeCompare(`${b.name}.${b.arch}`)).map(change => {
		const key = `${change.name}.${change.arch}`;
		const before = change.action === 'installed' ? 'absent' : change.action === 'removed' ? change.version : change.from ?? versions.get(key) ?? 'installed';
		const after = change.action === 'removed' ? 'absent' : change.version;
		return {key, before, after};
	});
	return {header: 'packages', before: rows.map(row => `${row.key}: ${row.before}\n`).join(''), after: rows.map(row => `${row.key}: ${row.after}\n`).join('')};
}

/**
 * Check mode: what the transaction leaves on disk, for later tasks to find. A directory is a
 * shipped path with another below it, or one rpm makes to hold them; the file lists say no more,
 * so the rest (ghost files and empty directories too) read as files.
 */
function predictedFiles(shipped: readonly string[], removedFiles: readonly string[]): PredictedPath[] {
	const directories = new Set<string>();
	for (const path of shipped) {
		for (let parent = posix.dirname(path); parent !== '/' && !directories.has(parent); parent = posix.dirname(parent)) {
			directories.add(parent);
		}
	}

	const predicted = new Map<string, PredictedPath>(removedFiles.map(path => [path, {path, type: 'absent'}]));
	for (const path of [...directories, ...shipped]) {
		predicted.set(path, {path, type: directories.has(path) ? 'directory' : 'file'});
	}

	return [...predicted.values()];
}

/** Why nothing needs doing, naming what rpm found. */
function unchangedMessage(state: Extract<YumState, {kind: 'read'}>, params: YumParams): string {
	const found = params.name.flatMap(spec => state.installed.get(spec) ?? []);
	const names = params.name.join(', ');
	if (params.state === 'absent' || params.state === 'removed') {
		return `${names}: not installed`;
	}

	const which = found.length > 0 ? ` (${found.join(', ')})` : '';
	return params.state === 'latest' ? `${names}: installed, at the latest version the repositories offer${which}` : `${names}: installed${which}`;
}

interface YumParams {
	readonly name: readonly string[];
	readonly state: string;
	readonly enablerepo: readonly string[];
	readonly disablerepo: readonly string[];
	readonly disable_gpg_check: boolean;
	readonly update_cache: boolean;
}

const lockMessage = /transaction lock|rpmdb.*lock|database is locked/i;

export default defineModule({
	name: 'yum',
	summary: 'Install, upgrade or remove rpm packages with the host\'s dnf (or yum); --check lists dnf\'s own dry run',
	params: {
		name: {type: 'list', elements: 'str', required: true, aliases: ['pkg'], description: 'Packages as dnf takes them: names, name-version[-release], globs (pb-*), provides, a local .rpm path or URL; one or a list'},
		state: {type: 'str', choices: ['present', 'installed', 'latest', 'absent', 'removed'], default: 'present', description: 'present/installed: install what is missing; latest: also upgrade what is installed; absent/removed: remove (with the dependencies nothing else needs)'},
		enablerepo: {type: 'list', elements: 'str', default: [], description: 'Repository ids (globs allowed) enabled for this task only'},
		disablerepo: {type: 'list', elements: 'str', default: [], description: 'Repository ids (globs allowed) disabled for this task only; applied before enablerepo'},
		disable_gpg_check: {type: 'bool', default: false, description: 'Install packages whose signatures are not checked (dnf --nogpgcheck)'},
		update_cache: {type: 'bool', default: false, aliases: ['expire-cache'], description: 'Fetch fresh repository metadata before deciding (dnf --refresh), instead of a cache not yet expired'},
	},
	example: `- name: Install iSulad from the lab repository
  yum:
    name: [iSulad, pb-hello-1.1]
    state: present
    enablerepo: lab`,
	validate(params) {
		if (params.name.length === 0) {
			return 'name is empty: give a package, or a list of them';
		}

		const bad = [...params.name, ...params.enablerepo, ...params.disablerepo].find(word => word === '' || /\s|['"`$\\;&|]/.test(word) || word.startsWith('-'));
		if (bad !== undefined) {
			return `${JSON.stringify(bad)} is not a package or repository as dnf takes them: one word, no spaces, quotes or leading dash (write a version as name-version, e.g. pb-hello-1.1)`;
		}

		return undefined;
	},
	async read(ctx, params): Promise<YumState> {
		const result = await ctx.run(readScript(ctx, params));
		if (result.code !== 0) {
			throw new Error(`cannot ask dnf or yum about ${params.name.join(', ')} on ${ctx.host}: ${result.stderr.trim() || result.stdout.trim()}`);
		}

		return parseRead(result.stdout, message => ctx.warn(message));
	},
	plan(state, params): Plan<YumSteps> {
		const fail = (failed: string): Plan<YumSteps> => ({changed: false, msg: '', steps: {manager: '', commands: []}, failed});
		if (state.kind === 'no-manager') {
			return fail(`yum works on hosts with dnf or yum; this host has ${state.found ?? 'neither (nor another package manager pb knows)'}`);
		}

		if (state.kind === 'not-root') {
			return fail(`${state.manager} changes packages as root only, and this task runs as ${state.user}: add become: true`);
		}

		if (state.kind === 'no-sandbox') {
			return {
				changed: false, msg: '', steps: {manager: state.manager, commands: []},
				unpredictable: `--check cannot ask ${state.manager} for a dry run on this host without writing to it (the dry run runs in a private mount namespace, and ${state.reason}); run without --check to install`,
			};
		}

		for (const run of state.dryRuns) {
			const error = dryRunError(run);
			if (error !== undefined) {
				return {...fail(`${state.manager} ${run.verb} ${run.specs.join(' ')}: ${error}`), result: {manager: state.manager, results: [], packages: []}};
			}
		}

		const acting = state.dryRuns.map(run => ({run, changes: parseTransaction(run.output)})).filter(({changes}) => changes.length > 0);
		const changes = merged(acting.flatMap(({changes}) => changes));
		const steps = {manager: state.manager, commands: acting.map(({run}) => ({verb: run.verb, specs: run.specs}))};
		if (changes.length === 0) {
			return {changed: false, msg: unchangedMessage(state, params), steps, result: transactionResult(state.manager, [])};
		}

		return {
			changed: true,
			msg: transactionMessage(changes),
			diff: [transactionDiff(changes, state.versions)],
			steps,
			result: transactionResult(state.manager, changes),
			predicts: predictedFiles(state.shipped, state.removedFiles),
		};
	},
	async apply(ctx, params, plan) {
		const {manager, commands} = plan.steps;
		const options = managerOptions(params);
		const script = [
			'export LC_ALL=C; set -f',
			...commands.map(({verb, specs}) => `echo "${marker} run ${verb}"; ${manager} ${options} -y ${verb} ${specs.map(spec => quoteShell(spec)).join(' ')} 2>&1 || { echo "${marker} failed ${verb}"; exit 0; }`),
		].join('\n');
		const result = await ctx.run(script);
		const parts = sections(result.stdout);
		// A command's table is what it did only when it did not fail: a lock error comes after the table.
		const done = parts.filter((part, index) => part.words[0] === 'run' && parts[index + 1]?.words[0] !== 'failed');
		const changes = merged(done.flatMap(part => parseTransaction(part.body)));
		const failedAt = parts.findIndex(part => part.words[0] === 'failed');
		if (result.code !== 0 || failedAt >= 0) {
			const output = parts[failedAt - 1]?.body ?? result.stderr;
			const command = commands.find(({verb}) => verb === parts[failedAt]?.words[1]) ?? commands[0];
			const what = `${manager} ${command?.verb ?? ''} ${command?.specs.join(' ') ?? ''}`;
			const failed = lockMessage.test(output)
				? `${what}: the rpm database on ${ctx.host} is locked by another process (another dnf, yum or rpm is running): ${failureText(output)}; run again once it has finished`
				: `${what} failed on ${ctx.host}: ${failureText(output)}`;
			return {failed, changed: changes.length > 0, result: transactionResult(manager, changes)};
		}

		return changes.length === 0
			? {changed: false, msg: `${manager} had nothing to do after all (the dry run expected: ${plan.msg})`, result: transactionResult(manager, [])}
			: {msg: transactionMessage(changes), result: transactionResult(manager, changes)};
	},
});
