import {posix} from 'node:path';
import {defineModule, type Plan} from '../../engine/module.js';
import type {PredictedPath} from '../../engine/host/file-state.js';
import {type Action, dryRunError, failureText, type PackageChange, parseRead, parseTransaction, sections, type Verb, type YumState} from './parse.js';
import {applyScript, managerOptions, readScript, type YumParams} from './script.js';

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

interface YumSteps {
	readonly manager: string;
	readonly commands: ReadonlyArray<{readonly verb: Verb; readonly specs: readonly string[]}>;
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

const lockMessage = /transaction lock|rpmdb.*lock|database is locked/i;

/** The module under one of Ansible's two names for it: yum and dnf take the same parameters here and both run the host's own dnf (or yum). */
function rpmPackages(name: 'yum' | 'dnf') {
	return defineModule({
		name,
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
	  ${name}:
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
				return fail(`${name} works on hosts with dnf or yum; this host has ${state.found ?? 'neither (nor another package manager pb knows)'}`);
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
			const result = await ctx.run(applyScript(manager, managerOptions(params), commands));
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
}

export default rpmPackages('yum');
export const dnf = rpmPackages('dnf');
