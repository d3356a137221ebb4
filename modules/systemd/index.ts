import {posix} from 'node:path';
import {defineModule, type HostContext, type Plan} from '../../engine/module.js';
import {quoteShell} from '../../engine/shell-words.js';
import {parseReadOutput, type SinceLoad, unitsNeedingReload} from './parse.js';
import {applyScript, readScript, type Scope, systemctl, type Verb} from './script.js';

/** The unit as `systemctl show` describes it (Id, LoadState, ActiveState, UnitFileState...). */
interface UnitInfo {
	readonly name: string;
	readonly properties: Readonly<Record<string, string>>;
	/**
	 * Check mode, when systemd has no such unit: the unit file an earlier task would write, and
	 * whether it has an [Install] section (without one the unit is static).
	 */
	readonly predictedFile?: {readonly path: string; readonly installable: boolean};
}

type SystemdState =
	| {readonly kind: 'no-systemd'; readonly reason: string}
	| {
		readonly kind: 'systemd';
		readonly unit: UnitInfo | undefined;
		/** Loaded units whose files changed on disk since systemd read them, and units given a drop-in since its last load (read when daemon_reload is asked). */
		readonly needReload: readonly string[];
	};

const pastTense: Readonly<Record<Verb, string>> = {
	'daemon-reload': 'daemon reloaded', mask: 'masked', unmask: 'unmasked', enable: 'enabled', disable: 'disabled',
	start: 'started', stop: 'stopped', restart: 'restarted', reload: 'reloaded',
};

const unitSuffix = /\.(?:service|socket|device|mount|automount|swap|target|path|timer|slice|scope)$/;

/** `name` as systemctl reads it: without a type, a service. */
export function unitName(name: string): string {
	return unitSuffix.test(name) ? name : `${name}.service`;
}

/** Unit file states `systemctl is-enabled` counts as enabled and `disable` can undo. */
const enabledStates = new Set(['enabled', 'enabled-runtime', 'alias']);
/** Enabled by something else than the unit's own [Install] section: disable cannot change them. */
const fixedStates = new Set(['static', 'indirect', 'generated', 'transient']);
const disabledStates = new Set(['disabled', 'linked', 'linked-runtime']);
const activeStates = new Set(['active', 'activating', 'reloading']);

/** Where systemd looks for unit files, most local first. */
function unitDirectories(scope: Scope, home: string): string[] {
	return scope === 'user'
		? [posix.join(home, '.config/systemd/user'), '/etc/systemd/user', '/run/systemd/user', '/usr/local/lib/systemd/user', '/usr/lib/systemd/user', '/lib/systemd/user']
		: ['/etc/systemd/system', '/run/systemd/system', '/usr/local/lib/systemd/system', '/usr/lib/systemd/system', '/lib/systemd/system'];
}

/** The unit's key among the states predicted in check mode (HostContext.predictedState). */
function unitKey(scope: Scope, unit: string): string {
	return `systemd ${scope} ${unit}`;
}

/**
 * What `verbs` leave of the unit, for later tasks in check mode; undefined after unmask, which
 * leaves whatever the unit's own file says, unread here.
 */
function predictedProperties(view: Readonly<Record<string, string>>, verbs: readonly Verb[]): Record<string, string> | undefined {
	if (verbs.includes('unmask')) {
		return undefined;
	}

	const after: Record<string, string> = {LoadState: view['LoadState'] ?? '', UnitFileState: view['UnitFileState'] ?? '', ActiveState: view['ActiveState'] ?? ''};
	if (verbs.includes('mask')) {
		after['LoadState'] = 'masked';
		after['UnitFileState'] = 'masked';
	} else if (verbs.includes('enable') || verbs.includes('disable')) {
		after['UnitFileState'] = verbs.includes('enable') ? 'enabled' : 'disabled';
	}

	if (verbs.some(verb => verb === 'start' || verb === 'restart' || verb === 'reload')) {
		after['ActiveState'] = 'active';
	} else if (verbs.includes('stop')) {
		after['ActiveState'] = 'inactive';
	}

	return after;
}

/** Check mode: the unit file of `unit` an earlier task of this run would write. */
function predictedUnitFile(ctx: HostContext, unit: string, scope: Scope, home: string): UnitInfo['predictedFile'] {
	// An instance (getty@tty1.service) is made from its template's file (getty@.service).
	const names = [unit, unit.replace(/@[^.]+\./, '@.')];
	for (const directory of unitDirectories(scope, home)) {
		for (const name of new Set(names)) {
			const predicted = ctx.predictedPath?.(posix.join(directory, name));
			if (predicted?.type === 'file' || predicted?.type === 'link') {
				const text = predicted.content?.toString('utf8');
				return {path: predicted.path, installable: text === undefined || /^\s*\[Install\]/m.test(text)};
			}
		}
	}

	return undefined;
}

/**
 * A drop-in directory in one of `directories`, or a file in one, and the unit it configures
 * (`x.service` for /etc/systemd/system/x.service.d or its y.conf); undefined for anything else.
 */
function dropInOf(path: string, directories: readonly string[]): {readonly unit: string; readonly file: string | undefined} | undefined {
	const directory = directories.find(directory => path.startsWith(`${directory}/`));
	const match = directory === undefined ? undefined : /^([^/]+)\.d(?:\/([^/]+))?$/.exec(path.slice(directory.length + 1));
	return match ? {unit: match[1]!, file: match[2]} : undefined;
}

/** The unit a drop-in file (`*.conf`) in one of `directories` configures. */
function dropInUnit(path: string, directories: readonly string[]): string | undefined {
	const dropIn = dropInOf(path, directories);
	return dropIn?.file?.endsWith('.conf') ? dropIn.unit : undefined;
}

/**
 * What calls for a daemon-reload: the loaded units systemd says changed on disk, and the units
 * given a drop-in since the last load, which systemd 252 misses (in check mode, also those an
 * earlier task would write).
 */
function changedOnDisk(ctx: HostContext, units: readonly string[], sinceLoad: SinceLoad): string[] {
	if (!sinceLoad.known) {
		return [...units];
	}

	const predicted = sinceLoad.watched.flatMap(directory => (ctx.predictedBelow?.(directory) ?? []).map(below => below.path));
	const dropIns = [...sinceLoad.changed, ...predicted].flatMap(path => dropInUnit(path, sinceLoad.watched) ?? []);
	return [...new Set([...units, ...dropIns])];
}

/**
 * The units whose NeedDaemonReload to ask, when files changed since the last load: those the
 * changed unit files and drop-ins name, far cheaper than asking every unit (`'*'`: 50-150 ms of
 * PID 1's time on each host, as it reads every unit's cgroup). Every unit still, when a watched
 * directory changed with nothing changed inside it: a file removed, which names no unit. (A file
 * removed beside one added is taken for the addition alone.)
 */
export function unitsToAsk(sinceLoad: Extract<SinceLoad, {known: true}>): string[] {
	const {changed, watched} = sinceLoad;
	const emptied = changed.some(path => watched.includes(path) && !changed.some(inside => inside.startsWith(`${path}/`)));
	if (emptied) {
		return ['*'];
	}

	const names = changed.filter(path => !watched.includes(path)).map(path => dropInOf(path, watched)?.unit ?? posix.basename(path));
	// A drop-in for a whole type (service.d) or a prefix (web-.service.d) is every such unit's.
	if (names.some(name => !name.includes('.') || /-\.[^.]+$/.test(name))) {
		return ['*'];
	}

	// A template's file is its instances' (web@.service: web@*.service).
	return [...new Set(names.map(name => name.replace(/@(\.[^.]+)$/, '@*$1')))];
}

/** The loaded units among `units` (names or patterns) that systemd says need a daemon-reload. */
async function askReload(ctx: HostContext, scope: Scope, units: readonly string[]): Promise<string[]> {
	const result = await ctx.run(`${systemctl(scope)} show --property=Id,NeedDaemonReload -- ${units.map(unit => quoteShell(unit)).join(' ')}`, {inline: true});
	if (result.code !== 0) {
		throw new Error(`cannot ask systemd which units need a daemon-reload on ${ctx.host}: ${result.stderr.trim()}`);
	}

	return unitsNeedingReload(result.stdout);
}

/** Check mode: a unit whose file or drop-in an earlier task would rewrite would need a daemon-reload. */
function predictedChangeOnDisk(ctx: HostContext, unit: Readonly<Record<string, string>>): boolean {
	const files = [unit['FragmentPath'] ?? '', ...(unit['DropInPaths'] ?? '').split(' ')].filter(Boolean);
	return files.some(path => ctx.predictedPath?.(path) !== undefined);
}

function serviceManagerFact(vars: Readonly<Record<string, unknown>>): unknown {
	const facts = vars['ansible_facts'];
	return facts !== null && typeof facts === 'object' ? (facts as Record<string, unknown>)['service_mgr'] : undefined;
}

interface Wanted {
	readonly state?: 'started' | 'stopped' | 'restarted' | 'reloaded' | undefined;
	readonly enabled?: boolean | undefined;
	readonly masked?: boolean | undefined;
}

/** The unit as it would be now had earlier tasks run: a unit file predicted in check mode reads as a new, stopped unit. */
function currentView(unit: UnitInfo): Readonly<Record<string, string>> {
	if (unit.properties['LoadState'] !== 'not-found' || !unit.predictedFile) {
		return unit.properties;
	}

	return {
		...unit.properties, LoadState: 'loaded', ActiveState: 'inactive', SubState: 'dead', FragmentPath: unit.predictedFile.path,
		UnitFileState: unit.predictedFile.installable ? 'disabled' : 'static', CanReload: 'no',
	};
}

/** What must be done to the unit, in order, or why it cannot be. */
function unitVerbs(name: string, view: Readonly<Record<string, string>>, wanted: Wanted): Verb[] | string {
	const load = view['LoadState'] ?? '';
	const fileState = view['UnitFileState'] ?? '';
	const masked = load === 'masked' || fileState.startsWith('masked');
	const active = activeStates.has(view['ActiveState'] ?? '');
	const acts = wanted.state !== undefined || wanted.enabled !== undefined;
	if (load === 'not-found' && (acts || wanted.masked === false)) {
		return `unit ${name} not found: no unit file for it in /etc/systemd/system, /lib/systemd/system or the other unit directories; install its package, or write its unit file (copy, template) in an earlier task`;
	}

	if ((load === 'error' || load === 'bad-setting') && acts) {
		return `unit ${name} failed to load (${load}${view['LoadError'] ? `: ${view['LoadError']}` : ''}); see systemctl status ${name}`;
	}

	const stillMasked = masked && wanted.masked !== false;
	if (stillMasked && (wanted.enabled === true || (wanted.state !== undefined && wanted.state !== 'stopped'))) {
		return `unit ${name} is masked; add masked: false to unmask it before it can be enabled or started`;
	}

	const verbs: Verb[] = [];
	if (wanted.masked !== undefined && wanted.masked !== masked) {
		verbs.push(wanted.masked ? 'mask' : 'unmask');
	}

	if (wanted.enabled === false && fixedStates.has(fileState)) {
		return `unit ${name} is ${fileState} (enabled by something other than its own [Install] section): it cannot be disabled; mask it (masked: true) to keep it from starting`;
	}

	if (wanted.enabled !== undefined && !stillMasked && !fixedStates.has(fileState)) {
		const enabled = enabledStates.has(fileState);
		if (!enabled && !disabledStates.has(fileState) && !masked) {
			return `unit ${name} cannot be enabled or disabled (its unit file state is '${fileState || 'none'}'); drop enabled:`;
		}

		if (enabled !== wanted.enabled) {
			verbs.push(wanted.enabled ? 'enable' : 'disable');
		}
	}

	if (wanted.state === 'reloaded' && active && view['CanReload'] !== 'yes') {
		return `unit ${name} cannot reload (it has no ExecReload=); use state: restarted`;
	}

	const stateVerb: Record<NonNullable<Wanted['state']>, Verb | undefined> = {
		started: active ? undefined : 'start',
		stopped: active ? 'stop' : undefined,
		// Ran only when the task runs, typically as a handler of a change: always act.
		restarted: 'restart',
		// A stopped unit cannot reload: it starts, reading its configuration afresh.
		reloaded: active ? 'reload' : 'start',
	};
	const stateChange = wanted.state === undefined ? undefined : stateVerb[wanted.state];
	return stateChange === undefined ? verbs : [...verbs, stateChange];
}

/** `key: value` lines for the keys the task asks about, before or after. */
function diffSide(keys: ReadonlyArray<readonly [string, string]>): string {
	return keys.map(([key, value]) => `${key}: ${value}\n`).join('');
}

function stateAfter(active: string, verbs: readonly Verb[]): string {
	if (verbs.includes('restart') || verbs.includes('reload')) {
		return `active (${verbs.includes('restart') ? 'restarted' : 'reloaded'})`;
	}

	if (verbs.includes('start')) {
		return 'active';
	}

	return verbs.includes('stop') ? 'inactive' : active;
}

export default defineModule({
	name: 'systemd',
	summary: 'Start, stop, restart, reload, enable, disable or mask a systemd unit',
	params: {
		name: {type: 'str', aliases: ['service', 'unit'], description: 'The unit, e.g. containerd or containerd.service (without a type, a service)'},
		state: {type: 'str', choices: ['started', 'stopped', 'restarted', 'reloaded'], description: 'started/stopped: only when not so already; restarted/reloaded: every time the task runs (use them in handlers)'},
		enabled: {type: 'bool', description: 'Whether the unit starts at boot'},
		masked: {type: 'bool', description: 'Whether the unit is masked (cannot be started at all)'},
		daemon_reload: {type: 'bool', default: false, aliases: ['daemon-reload'], description: 'Before anything else, systemctl daemon-reload when a loaded unit\'s files changed on disk, or a unit was given a drop-in, since systemd loaded units (reported as a change)'},
		scope: {type: 'str', choices: ['system', 'user'], default: 'system', description: 'The system manager, or the connecting user\'s own'},
	},
	example: `- name: Start containerd now and at boot
  systemd:
    name: containerd
    state: started
    enabled: true
    daemon_reload: true`,
	validate(params) {
		if (params.name === undefined && !params.daemon_reload) {
			return 'needs name (the unit), or daemon_reload: true alone';
		}

		if (params.name !== undefined && params.state === undefined && params.enabled === undefined && params.masked === undefined && !params.daemon_reload) {
			return `nothing asked of ${params.name}: give state, enabled, masked or daemon_reload`;
		}

		if (params.name === undefined && (params.state !== undefined || params.enabled !== undefined || params.masked !== undefined)) {
			return 'state, enabled and masked need name (the unit)';
		}

		if (params.masked === true && (params.enabled === true || (params.state !== undefined && params.state !== 'stopped'))) {
			return `masked: true contradicts ${params.enabled === true ? 'enabled: true' : `state: ${params.state}`}: a masked unit cannot be enabled or started`;
		}

		return undefined;
	},
	async read(ctx, params): Promise<SystemdState> {
		const manager = serviceManagerFact(ctx.vars);
		if (typeof manager === 'string' && manager !== 'systemd' && manager !== 'unknown') {
			return {kind: 'no-systemd', reason: `its service manager is ${manager} (ansible_facts.service_mgr)`};
		}

		const scope = params.scope;
		const name = params.name === undefined ? undefined : unitName(params.name);
		const result = await ctx.run(readScript(scope, name, params.daemon_reload), {inline: true});
		if (result.code !== 0) {
			throw new Error(`cannot read ${name ?? 'the units'} with systemctl on ${ctx.host}: ${result.stderr.trim()}`);
		}

		const output = parseReadOutput(result.stdout);
		if (output.kind === 'no-systemd') {
			return output;
		}

		const {home, sinceLoad} = output;
		const needReload = sinceLoad.known && sinceLoad.changed.length > 0 ? await askReload(ctx, scope, unitsToAsk(sinceLoad)) : output.needReload;
		if (name === undefined) {
			return {kind: 'systemd', unit: undefined, needReload: changedOnDisk(ctx, needReload, sinceLoad)};
		}

		const read = output.properties;
		// Check mode: as an earlier task of this run would have left it (started, enabled...).
		const predicted = ctx.predictedState?.(unitKey(scope, read['Id'] || name)) as Readonly<Record<string, string>> | undefined;
		const unit = {...read, ...predicted};
		const predictedFile = unit['LoadState'] === 'not-found' ? predictedUnitFile(ctx, name, scope, home) : undefined;
		const unitChanged = params.daemon_reload && unit['LoadState'] === 'loaded' && predictedChangeOnDisk(ctx, unit);
		return {
			kind: 'systemd',
			unit: {name: unit['Id'] || name, properties: unit, ...(predictedFile ? {predictedFile} : {})},
			needReload: changedOnDisk(ctx, unitChanged && !needReload.includes(unit['Id'] ?? '') ? [...needReload, unit['Id'] ?? name] : needReload, sinceLoad),
		};
	},
	plan(state, params): Plan<Verb[]> {
		if (state.kind === 'no-systemd') {
			return {changed: false, msg: '', steps: [], failed: `this host does not run systemd (${state.reason}); the systemd module manages systemd units only`};
		}

		const reload: Verb[] = params.daemon_reload && state.needReload.length > 0 ? ['daemon-reload'] : [];
		const reloadKeys = reload.length > 0 ? {before: [['daemon_reload', `needed (${state.needReload.join(', ')} changed on disk)`] as const], after: [['daemon_reload', 'done'] as const]} : {before: [], after: []};
		const {unit} = state;
		if (unit === undefined) {
			return reload.length === 0
				? {changed: false, msg: 'no unit file changed on disk: no daemon-reload needed', steps: []}
				: {changed: true, msg: pastTense['daemon-reload'], diff: [{header: 'systemd', before: diffSide(reloadKeys.before), after: diffSide(reloadKeys.after)}], steps: reload};
		}

		const view = currentView(unit);
		const verbs = unitVerbs(unit.name, view, params);
		const result = {name: unit.name, status: unit.properties};
		if (typeof verbs === 'string') {
			return {changed: false, msg: '', steps: [], result, failed: verbs};
		}

		const steps = [...reload, ...verbs];
		const fileState = view['UnitFileState'] ?? '';
		const masked = view['LoadState'] === 'masked' || fileState.startsWith('masked');
		const enabled = enabledStates.has(fileState) || fixedStates.has(fileState);
		const active = view['ActiveState'] ?? 'unknown';
		const keys = (after: boolean): Array<readonly [string, string]> => [
			...(params.masked === undefined ? [] : [['masked', String(after ? params.masked : masked)] as const]),
			...(params.enabled === undefined ? [] : [['enabled', String(after && !fixedStates.has(fileState) ? params.enabled : enabled)] as const]),
			...(params.state === undefined ? [] : [['state', after ? stateAfter(active, verbs) : active] as const]),
		];
		if (steps.length === 0) {
			return {changed: false, msg: `${unit.name} is already as wanted (${keys(false).map(([key, value]) => `${key}: ${value}`).join(', ')})`, steps, result};
		}

		const predicted = predictedProperties(view, verbs);
		return {
			changed: true,
			msg: `${unit.name}: ${steps.map(verb => pastTense[verb]).join(', ')}`,
			diff: [{header: unit.name, before: diffSide([...reloadKeys.before, ...keys(false)]), after: diffSide([...reloadKeys.after, ...keys(true)])}],
			steps,
			result,
			...(predicted === undefined ? {} : {predictsStates: {[unitKey(params.scope, unit.name)]: predicted}}),
		};
	},
	async apply(ctx, params, plan) {
		const name = String(plan.result?.['name'] ?? '');
		const result = await ctx.run(applyScript(params.scope, name, plan.steps), {subshell: true});
		if (result.code !== 0) {
			const verb = plan.steps[Number(/^failed (\d+)$/m.exec(result.stdout)?.[1] ?? -1)] ?? 'a command';
			return {failed: `systemctl ${verb}${verb === 'daemon-reload' ? '' : ` ${name}`} failed on ${ctx.host}: ${result.stderr.trim()}`};
		}

		return {};
	},
});
