import type {SourcePosition} from '../errors.js';
import type {AnyModule} from '../module.js';
import type {RoleInstance} from '../roles/role.js';
import type {Templated} from './play-limits.js';
import type {VarsPrompt} from './vars-prompt.js';

/** A `when`/`changed_when`/`failed_when`/`until` expression, with where it was written. */
export interface ConditionSource {
	readonly text: string;
	readonly where: SourcePosition;
}

/** Keywords every kind of task shares (Ansible's task and block keywords). */
export interface TaskCommon {
	readonly name: string | undefined;
	readonly where: SourcePosition;
	readonly when: readonly ConditionSource[];
	readonly tags: readonly string[];
	readonly vars: Readonly<Record<string, unknown>>;
	readonly become: boolean | undefined;
	readonly becomeUser: string | undefined;
	readonly environment: Readonly<Record<string, unknown>> | undefined;
	readonly checkMode: boolean | undefined;
	readonly noLog: boolean;
	readonly ignoreErrors: boolean;
	readonly delegateTo: string | undefined;
	readonly runOnce: boolean;
	/** The file the task was written in: relative paths (src, templates) start from its folder. */
	readonly dir: string;
	/**
	 * Where the values of its keywords were written (name, vars, environment, delegate_to, loop,
	 * label, include_tasks, include_role's name), for errors about them; a keyword not here points
	 * at the task.
	 */
	readonly keyWhere: Readonly<Record<string, SourcePosition>>;
	/** The role whose files the task was written in: its variables, role_name, its templates/ and files/. */
	readonly role?: RoleInstance;
	/**
	 * include_role's vars and loop item, on the block it runs the role's tasks in: Ansible's
	 * include params, above set_fact (block vars are below it).
	 */
	readonly includeParams?: Readonly<Record<string, unknown>>;
}

/** Where the task's `key` was written, or the task itself when that is not known. */
export function whereOf(task: TaskCommon, key: string): SourcePosition {
	return task.keyWhere[key] ?? task.where;
}

export interface ModuleTask extends TaskCommon {
	/** Gathering Facts, added by the engine: --start-at-task does not pass it over. */
	readonly implicit?: true;
	readonly kind: 'module';
	readonly module: AnyModule;
	/** Parameters as written (templates not yet rendered), defaults applied at run time. */
	readonly args: Readonly<Record<string, unknown>>;
	/** Where each parameter was written, for run-time errors. */
	readonly argWhere: Readonly<Record<string, SourcePosition>>;
	readonly register: string | undefined;
	readonly notify: readonly string[];
	readonly loop: unknown;
	/** `with_<lookup>`: the loop's items are that lookup's results for the rendered `loop` terms. */
	readonly loopWith: string | undefined;
	readonly loopVar: string;
	readonly loopLabel: string | undefined;
	/** loop_control.index_var: the item's index (from 0) under this name. */
	readonly loopIndexVar: string | undefined;
	/** loop_control.pause: seconds between items. */
	readonly loopPause: number;
	/** loop_control.extended: each item sees ansible_loop (index, first, last, previtem...). */
	readonly loopExtended: boolean;
	/** loop_control.extended_allitems: ansible_loop.allitems too (Ansible's default: true). */
	readonly loopExtendedAllitems: boolean;
	readonly changedWhen: readonly ConditionSource[] | undefined;
	readonly failedWhen: readonly ConditionSource[] | undefined;
	readonly until: readonly ConditionSource[] | undefined;
	/** A count, or a template rendered when the task runs (`retries: "{{ ready_retries }}"`, as Ansible allows). */
	readonly retries: number | Templated;
	readonly delay: number | Templated;
	/** Handlers only: the topics it answers besides its name. */
	readonly listen: readonly string[];
	/** `verify: content`: files the task reads are hashed in full, whatever sums pb kept of them. */
	readonly verify?: 'content';
	/**
	 * A role's handler: the keywords of where the role was named (a `roles:` entry, a dependency,
	 * an import_role), outermost first, which hold for it as for the role's tasks.
	 */
	readonly enclosing?: readonly TaskCommon[];
}

/** What a handler answers to: its name, its `listen` topics, and `role : name` for a role's. */
export function handlerTopics(handler: ModuleTask): string[] {
	const named = handler.name === undefined ? [] : [handler.name, ...(handler.role ? [`${handler.role.name} : ${handler.name}`] : [])];
	return [...named, ...handler.listen];
}

export interface BlockTask extends TaskCommon {
	readonly kind: 'block';
	/**
	 * A role's block (of roles:, import_role, a dependency): the role and the values it was
	 * given, so that it runs once per host in the play, even when include_role reads it again
	 * (unless the role allows duplicates), as Ansible's has_run.
	 */
	readonly onceKey?: string;
	readonly block: readonly Task[];
	readonly rescue: readonly Task[];
	readonly always: readonly Task[];
}

/** include_tasks: a file read when the task is reached (its name may be templated). */
export interface IncludeTask extends TaskCommon {
	readonly kind: 'include';
	readonly file: string;
	readonly loop: unknown;
	readonly loopWith: string | undefined;
	readonly loopVar: string;
	/** loop_control.index_var, extended and extended_allitems, as a module task's. */
	readonly loopIndexVar: string | undefined;
	readonly loopExtended: boolean;
	readonly loopExtendedAllitems: boolean;
}

/** What include_role and import_role name: the role, and which of its files to read. */
export interface RoleSpec {
	readonly name: string;
	readonly tasksFrom: string | undefined;
	readonly varsFrom: string | undefined;
	readonly defaultsFrom: string | undefined;
	readonly handlersFrom: string | undefined;
}

/** A role read: the instance, its dependencies' tasks then its own, and their handlers. */
export interface LoadedRole {
	readonly role: RoleInstance;
	readonly tasks: readonly Task[];
	readonly handlers: readonly ModuleTask[];
}

/** include_role's role: its roles named by import_role join the play's once it runs, as its handlers do. */
export interface IncludedRole extends LoadedRole {
	readonly imported: readonly RoleInstance[];
}

/**
 * include_role: a role run when reached, per host, once per loop item. Its `when` and tags decide
 * whether to include (`apply` gives keywords to the included tasks); its vars are include params.
 */
export interface IncludeRoleTask extends TaskCommon {
	readonly kind: 'include_role';
	readonly spec: RoleSpec;
	/** The role read up front (its errors found before the run), unless spec holds a template. */
	readonly loaded: IncludedRole | undefined;
	readonly loop: unknown;
	readonly loopWith: string | undefined;
	readonly loopVar: string;
	readonly apply: TaskCommon | undefined;
	/** Whether its defaults and vars stay visible to the play's later tasks. */
	readonly public: boolean;
}

export type Task = ModuleTask | BlockTask | IncludeTask | IncludeRoleTask;

export type Strategy = 'linear' | 'free';

export interface Play {
	readonly name: string;
	readonly where: SourcePosition;
	readonly hosts: string;
	readonly vars: Readonly<Record<string, unknown>>;
	/** vars_files, already read (files named by templates are read when the play starts). */
	readonly varsFiles: readonly VarsFile[];
	readonly varsPrompt: readonly VarsPrompt[];
	/**
	 * defaults_files (pb's own keyword): variables below everything else, the inventory included,
	 * as a role's defaults/main.yml is in Ansible. Read up front (no templates in their names).
	 */
	readonly defaults: Readonly<Record<string, unknown>>;
	/** As written; undefined: ansible.cfg's gathering decides (implicit: gather). */
	readonly gatherFacts: boolean | undefined;
	/** gather_subset as written (a list or a comma-separated string), handed to setup; undefined: all. */
	readonly gatherSubset: unknown;
	readonly become: boolean | undefined;
	readonly becomeUser: string | undefined;
	readonly strategy: Strategy;
	/** Batch sizes: numbers of hosts or percentages ('30%'); the last repeats. Empty: all at once. */
	readonly serial: ReadonlyArray<number | string> | Templated;
	readonly maxFailPercentage: number | Templated | undefined;
	readonly anyErrorsFatal: boolean;
	readonly preTasks: readonly Task[];
	readonly tasks: readonly Task[];
	readonly postTasks: readonly Task[];
	/** The roles' handlers (roles:, import_role), then the play's own. */
	readonly handlers: readonly ModuleTask[];
	/**
	 * Roles of `roles:` and import_role, with their dependencies, dependencies first: the whole
	 * play sees their defaults and vars, as in Ansible.
	 */
	readonly roles: readonly RoleInstance[];
	/** Where roles are looked for after roles/ beside the playbook (ansible.cfg, ANSIBLE_ROLES_PATH). */
	readonly rolesPath: readonly string[];
	readonly tags: readonly string[];
	readonly environment: Readonly<Record<string, unknown>> | undefined;
	readonly checkMode: boolean | undefined;
	readonly dir: string;
}

export interface VarsFile {
	readonly path: string;
	readonly where: SourcePosition;
	/** Undefined when the path is a template, read when the play starts. */
	readonly vars: Readonly<Record<string, unknown>> | undefined;
}

export interface Playbook {
	readonly file: string;
	readonly plays: readonly Play[];
}
