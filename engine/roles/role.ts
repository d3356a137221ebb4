/**
 * One use of a role in a play: its variable files read, with the values given where it was
 * named. The same role named twice with the same values is one instance (Ansible runs it once);
 * its tasks and handlers are parsed into ordinary tasks that point back at it.
 */
export interface RoleInstance {
	/** role_name: as named, or the folder's name for a role given as a path. */
	readonly name: string;
	/** role_path: the role's folder, absolute. */
	readonly path: string;
	/** defaults/main.yml (or defaults_from): below everything, the inventory included. */
	readonly defaults: Readonly<Record<string, unknown>>;
	/** vars/main.yml (or vars_from): above play vars and vars_files. */
	readonly vars: Readonly<Record<string, unknown>>;
	/** `vars:` where a `roles:` entry named it: with the role's vars, below vars/main.yml (ansible-core 2.14's order). */
	readonly invocationVars: Readonly<Record<string, unknown>>;
	/** The other keys of a `roles:` entry or a dependency (`- {role: x, port: 80}`): above set_fact. */
	readonly params: Readonly<Record<string, unknown>>;
	/** meta/main.yml dependencies, in order. */
	readonly dependencies: readonly RoleInstance[];
	/** The role whose dependency this is (the first one, when several depend on it). */
	readonly parent: RoleInstance | undefined;
	/** meta/main.yml allow_duplicates: run again when named again with the same values. */
	readonly allowDuplicates: boolean;
}

type Vars = Record<string, unknown>;

/** The roles that depend on this one, outermost first (Ansible's dependency chain). */
function chainOf(role: RoleInstance): RoleInstance[] {
	const chain: RoleInstance[] = [];
	for (let parent = role.parent; parent; parent = parent.parent) {
		chain.unshift(parent);
	}

	return chain;
}

/** A role's defaults with its dependencies' below them, as the play sees them. */
function defaultsWithDependencies(role: RoleInstance): Vars {
	return Object.assign({}, ...role.dependencies.map(dependency => defaultsWithDependencies(dependency)), role.defaults) as Vars;
}

/**
 * The defaults a task of `role` sees: its dependencies', then those of the roles depending on
 * it, then its own, as Ansible's get_default_vars(dep_chain).
 */
export function roleDefaults(role: RoleInstance): Vars {
	return Object.assign({}, ...role.dependencies.map(dependency => defaultsWithDependencies(dependency)), ...chainOf(role).map(parent => parent.defaults), role.defaults) as Vars;
}

/** A role's own vars: the `vars:` given with it, then its vars/main.yml (the whole play sees them, as in Ansible 2.14). */
export function ownVars(role: RoleInstance): Vars {
	return {...role.invocationVars, ...role.vars};
}

/** A role's vars with its dependencies' below them (Ansible's get_vars without params). */
function varsWithDependencies(role: RoleInstance): Vars {
	return Object.assign({}, ...role.dependencies.map(dependency => varsWithDependencies(dependency)), ownVars(role)) as Vars;
}

/** The vars a task of `role` sees at the role-vars level: those of the roles depending on it, then its own. */
export function roleVars(role: RoleInstance): Vars {
	return Object.assign({}, ...chainOf(role).map(parent => ownVars(parent)), varsWithDependencies(role)) as Vars;
}

/** Role params of the dependency chain, the role's own last. */
export function roleParams(role: RoleInstance): Vars {
	return Object.assign({}, ...chainOf(role).map(parent => parent.params), role.params) as Vars;
}

/** The role and everything it depends on, each once, dependencies first. */
export function withDependencies(role: RoleInstance): RoleInstance[] {
	const seen = new Set<RoleInstance>();
	const visit = (current: RoleInstance) => {
		for (const dependency of current.dependencies) {
			visit(dependency);
		}

		seen.add(current);
	};

	visit(role);
	return [...seen];
}
