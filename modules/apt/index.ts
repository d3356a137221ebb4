import {defineModule, type Plan} from '../../engine/module.js';
import {type AptChange, type AptState, failureText, missingPackage, parseRead, parseSimulation, sections} from './parse.js';
import {type AptSteps, applyScript, readScript, splitSpec} from './script.js';

/*
 * apt: Debian packages through the host's own apt-get. What a run would do is apt's own answer,
 * from its simulation (`apt-get -s`), made in a private mount namespace where apt's lists, caches
 * and logs and dpkg's directory are overlays over a tmpfs: on a fresh host with no lists yet, the
 * `apt-get update` that update_cache asks for runs there too, so --check lists exactly what the real
 * run does and writes nothing on the host. Check mode also shows apt the sources files earlier
 * tasks would write.
 */

type ReadState = Extract<AptState, {kind: 'read'}>;

/** What a package removed without purge leaves: dpkg lists it as config-files, with no version installed. */
const leftovers = 'configuration files';

const actions: ReadonlyArray<AptChange['action']> = ['installed', 'upgraded', 'downgraded', 'removed', 'purged'];

/** One line for a person: 'installed socat 1.7.4.4-2, libwrap0 7.6.q-32; upgraded curl 7.88.1-10 -> 7.88.1-11'. */
function transactionMessage(changes: readonly AptChange[]): string {
	return actions.flatMap(action => {
		const acted = changes.filter(change => change.action === action);
		const versions = (change: AptChange) => (change.from === undefined ? change.version || leftovers : `${change.from} -> ${change.version}`);
		return acted.length === 0 ? [] : [`${action} ${acted.map(change => `${change.name} ${versions(change)}`).join(', ')}`];
	}).join('; ');
}

/** The packages' versions before and after, one line each (name: version, or absent). */
function transactionDiff(changes: readonly AptChange[]): {header: string; before: string; after: string} {
	const sorted = [...changes].sort((a, b) => a.name.localeCompare(b.name));
	const before = sorted.map(change => `${change.name}: ${change.action === 'installed' ? 'absent' : change.from ?? (change.version || leftovers)}\n`);
	const after = sorted.map(change => `${change.name}: ${change.action === 'removed' || change.action === 'purged' ? 'absent' : change.version}\n`);
	return {header: 'packages', before: before.join(''), after: after.join('')};
}

/** Why nothing needs doing. */
function unchangedMessage(state: ReadState, params: {readonly name: readonly string[]; readonly state: string; readonly deb?: string | undefined}): string {
	if (state.deb !== undefined) {
		return `${state.deb.name} ${state.deb.version}: installed`;
	}

	const names = params.name.map(spec => splitSpec(spec).name).join(', ');
	if (names === '') {
		return state.updated ? 'the package lists are up to date' : 'nothing to remove';
	}

	return params.state === 'absent' ? `${names}: not installed` : `${names}: installed${params.state === 'latest' ? ', at the candidate version' : ''}`;
}

function failedPlan(failed: string): Plan<AptSteps> {
	return {changed: false, msg: '', steps: {update: false, commands: [], manual: []}, failed};
}

export default defineModule({
	name: 'apt',
	summary: 'Install, upgrade or remove Debian packages with the host\'s apt-get; --check lists apt\'s own simulation',
	params: {
		name: {type: 'list', elements: 'str', default: [], aliases: ['package', 'pkg'], description: 'Packages: names, name=version (a glob allowed in the version), name>=version; one or a list'},
		state: {type: 'str', choices: ['present', 'absent', 'latest', 'fixed'], default: 'present', description: 'present: install what is missing; latest: also upgrade to the candidate version; absent: remove; fixed: install with --fix-broken'},
		update_cache: {type: 'bool', aliases: ['update-cache'], description: 'Run apt-get update first (when the lists are older than cache_valid_time)'},
		cache_valid_time: {type: 'int', default: 0, minimum: 0, description: 'Seconds the lists stay fresh: apt-get update only when they are older (implies update_cache)'},
		install_recommends: {type: 'bool', aliases: ['install-recommends'], description: 'Install recommended packages too (yes) or not (no); unset: apt\'s own setting'},
		deb: {type: 'path', description: 'A .deb file on the host, or a URL the host fetches, installed with what it depends on'},
		default_release: {type: 'str', aliases: ['default-release'], description: 'The release to prefer (apt-get -t), e.g. bookworm-backports'},
		allow_downgrade: {type: 'bool', default: false, aliases: ['allow-downgrade', 'allow_downgrades', 'allow-downgrades'], description: 'Let a name=version install an older version than the one installed'},
		purge: {type: 'bool', default: false, description: 'With state absent: remove configuration files too (apt-get --purge)'},
		autoremove: {type: 'bool', default: false, description: 'Also remove the dependencies nothing needs any more; alone, only that'},
		force_apt_get: {type: 'bool', default: false, description: 'Accepted for Ansible\'s sake: pb always uses apt-get'},
		lock_timeout: {type: 'int', default: 60, minimum: 0, description: 'Seconds to wait for another apt or dpkg to release its lock'},
	},
	rules: {
		mutually_exclusive: [['deb', 'name']],
		required_one_of: [['autoremove', 'deb', 'name', 'update_cache']],
	},
	example: `- name: Node prerequisites from the site's mirror
  apt:
    name: [socat, conntrack]
    state: present
    update_cache: true
    cache_valid_time: 3600`,
	validate(params) {
		const bad = params.name.find(spec => spec === '' || /[\s'"`$\\;&|<]/.test(spec) || spec.startsWith('-') || (spec.match(/=/g) ?? []).length > 1);
		if (bad !== undefined) {
			return `invalid package spec: ${JSON.stringify(bad)}: write a name, name=version or name>=version, one word, no spaces or quotes`;
		}

		const glob = params.name.find(spec => /[*?[\]!]/.test(splitSpec(spec).name));
		if (glob !== undefined) {
			return `${JSON.stringify(glob)}: pb's apt takes package names without wildcards (a wildcard may stand in the version, after =)`;
		}

		if (params.deb !== undefined && params.state !== 'present') {
			return 'deb only supports state=present';
		}

		return undefined;
	},
	async read(ctx, params): Promise<AptState> {
		const result = await ctx.run(readScript(ctx, params));
		if (result.code !== 0) {
			throw new Error(`cannot ask apt about ${params.name.join(', ') || params.deb || 'its lists'} on ${ctx.host}: ${result.stderr.trim() || result.stdout.trim()}`);
		}

		return parseRead(result.stdout);
	},
	plan(state, params): Plan<AptSteps> {
		switch (state.kind) {
			case 'no-manager': {
				return failedPlan(`apt works on hosts with apt-get; this host has ${state.found ?? 'none (nor another package manager pb knows)'}`);
			}

			case 'not-root': {
				return failedPlan(`apt-get changes packages as root only, and this task runs as ${state.user}: add become: true`);
			}

			case 'no-sandbox': {
				return {
					changed: false, msg: '', steps: {update: false, commands: [], manual: []},
					unpredictable: `--check cannot ask apt-get for a simulation on this host without writing to it (it runs in a private mount namespace, and ${state.reason}); run without --check`,
				};
			}

			case 'failed': {
				return failedPlan(state.message);
			}

			default:
		}

		// As Ansible counts it, the lists were updated only when the update changed their time.
		const listsChanged = state.updated && state.cacheTime !== state.cacheTimeBefore;
		const cache = {cache_updated: listsChanged, cache_update_time: state.cacheTime};
		for (const run of state.dryRuns) {
			if (run.code !== 0) {
				return {...failedPlan(missingPackage(run.output) ?? `'apt-get ${run.verb} ${run.specs.join(' ')}' failed: ${failureText(run.output)}`), result: {...cache, stdout: run.output, stderr: ''}};
			}
		}

		const acting = state.dryRuns.map(run => ({run, changes: parseSimulation(run.output)})).filter(({changes}) => changes.length > 0);
		const changes = acting.flatMap(({changes}) => changes);
		const installs = acting.some(({run}) => run.verb === 'install');
		const manual = !installs ? [] : state.deb === undefined
			? params.name.map(spec => splitSpec(spec).name)
			: changes.filter(change => change.action === 'installed' && change.name !== state.deb?.name).map(change => change.name);
		const steps = {update: state.updated, commands: acting.map(({run}) => ({verb: run.verb, specs: run.specs})), manual};
		if (changes.length === 0) {
			// Only the lists to update: that is the change, as Ansible counts it.
			const onlyLists = params.name.length === 0 && params.deb === undefined && !params.autoremove;
			if (onlyLists && listsChanged) {
				return {changed: true, msg: 'apt-get update', steps, result: cache};
			}

			// apply does not run, so neither does the update: the lists stay as they are.
			return {changed: false, msg: unchangedMessage(state, params), steps, result: {cache_updated: false, cache_update_time: state.cacheTimeBefore}};
		}

		return {
			changed: true,
			msg: transactionMessage(changes),
			diff: [transactionDiff(changes)],
			steps,
			result: {...cache, stdout: acting.map(({run}) => run.output).join('\n'), stderr: ''},
		};
	},
	async apply(ctx, params, plan) {
		const {update, commands} = plan.steps;
		const result = await ctx.run(applyScript(params, plan.steps));
		const parts = sections(result.stdout);
		const times = parts.filter(part => part.words[0] === 'cache').map(part => Number(part.words[1] ?? 0));
		const cacheTime = times.at(-1) ?? 0;
		const runs = parts.filter((part, index) => part.words[0] === 'run' && parts[index + 1]?.words[0] !== 'failed');
		const stdout = runs.map(part => part.body).join('\n');
		const failedAt = parts.findIndex(part => part.words[0] === 'failed');
		const cache = {cache_updated: update && cacheTime !== times[0], cache_update_time: cacheTime};
		if (result.code !== 0 || failedAt >= 0) {
			const output = parts[failedAt - 1]?.body ?? result.stderr;
			const verb = parts[failedAt]?.words[1] ?? 'install';
			const specs = commands.find(command => command.verb === verb)?.specs.join(' ') ?? '';
			const failed = verb === 'update' ? `Failed to update apt cache: ${failureText(output)}` : `'apt-get ${verb} ${specs}' failed on ${ctx.host}: ${failureText(output)}`;
			return {failed, result: {...cache, stdout: output, stderr: result.stderr}};
		}

		return {result: {...cache, stdout, stderr: result.stderr}};
	},
});
