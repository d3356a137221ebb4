import {type AnyModule, defineModule, type Plan} from '../engine/module.js';
import {checkParams} from '../engine/playbook/params.js';
import apt from './apt/index.js';
import yum, {dnf} from './yum/index.js';

/*
 * package: the host's own package manager, as Ansible picks it: the pkg_mgr fact (gathered facts,
 * or asked of the host when the play gathers none), or `use`. The work is the chosen module's:
 * its read, plan and apply, with name and state passed on.
 */

const backends: Readonly<Record<string, AnyModule>> = {apt, dnf, yum};

/** The manager Ansible's pkg_mgr fact would name, when no facts were gathered: apt on Debian's family, else dnf, else yum. */
const detectScript = 'for m in apt-get:apt dnf:dnf yum:yum; do command -v "${m%%:*}" >/dev/null 2>&1 && { echo "${m#*:}"; exit 0; }; done; echo unknown';

interface Delegated {
	readonly backend: AnyModule;
	readonly params: Record<string, unknown>;
	readonly state: unknown;
}

function factOf(vars: Readonly<Record<string, unknown>>): string | undefined {
	const facts = vars['ansible_facts'] as Record<string, unknown> | undefined;
	const found = facts?.['pkg_mgr'] ?? vars['ansible_pkg_mgr'];
	return typeof found === 'string' ? found : undefined;
}

export default defineModule({
	name: 'package',
	summary: 'Install or remove packages with the host\'s own package manager (apt, dnf or yum), picked from the pkg_mgr fact',
	params: {
		name: {type: 'list', elements: 'str', required: true, description: 'Packages, as the host\'s package manager names them; one or a list'},
		state: {type: 'str', required: true, choices: ['present', 'absent', 'latest', 'installed', 'removed'], description: 'present/installed, latest, or absent/removed'},
		use: {type: 'str', default: 'auto', description: 'The module to use (apt, dnf, yum); auto: the host\'s pkg_mgr fact'},
	},
	example: `- name: Node prerequisites, whatever the distribution
  package:
    name: [socat, conntrack]
    state: present`,
	async read(ctx, params): Promise<Delegated> {
		let manager = params.use === 'auto' ? factOf(ctx.vars) : params.use;
		if (manager === undefined) {
			manager = (await ctx.run(detectScript)).stdout.trim();
		}

		const backend = backends[manager];
		if (backend === undefined) {
			throw new Error(`package: the package manager of ${ctx.host} is ${manager}, and pb's package works with ${Object.keys(backends).join(', ')}; use that manager's own module`);
		}

		// apt knows present and absent only; dnf and yum take Ansible's older words too.
		const state = backend === apt ? ({installed: 'present', removed: 'absent'}[params.state as string] ?? params.state) : params.state;
		// The chosen module's own checks and defaults, as if the task had named it.
		const delegated = checkParams(backend, {name: params.name, state}, () => ctx.where, 'run');
		return {backend, params: delegated, state: await backend.read(ctx, delegated)};
	},
	plan({backend, params, state}): Plan<Delegated & {readonly plan: Plan<unknown>}> {
		const plan = backend.plan(state, params);
		return {...plan, steps: {backend, params, state, plan}};
	},
	async apply(ctx, _params, plan) {
		const {backend, params, plan: delegatedPlan} = plan.steps;
		return backend.apply(ctx, params, delegatedPlan);
	},
});
