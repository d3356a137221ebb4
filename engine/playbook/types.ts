import type {SourcePosition} from '../errors.js';
import type {AnyModule} from '../module.js';

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
	 * label, include_tasks), for errors about them; a keyword not here points at the task.
	 */
	readonly keyWhere: Readonly<Record<string, SourcePosition>>;
}

/** Where the task's `key` was written, or the task itself when that is not known. */
export function whereOf(task: TaskCommon, key: string): SourcePosition {
	return task.keyWhere[key] ?? task.where;
}

export interface ModuleTask extends TaskCommon {
	readonly kind: 'module';
	readonly module: AnyModule;
	/** Parameters as written (templates not yet rendered), defaults applied at run time. */
	readonly args: Readonly<Record<string, unknown>>;
	/** Where each parameter was written, for run-time errors. */
	readonly argWhere: Readonly<Record<string, SourcePosition>>;
	readonly register: string | undefined;
	readonly notify: readonly string[];
	readonly loop: unknown;
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
	readonly retries: number;
	readonly delay: number;
	/** Handlers only: the topics it answers besides its name. */
	readonly listen: readonly string[];
}

export interface BlockTask extends TaskCommon {
	readonly kind: 'block';
	readonly block: readonly Task[];
	readonly rescue: readonly Task[];
	readonly always: readonly Task[];
}

/** include_tasks: a file read when the task is reached (its name may be templated). */
export interface IncludeTask extends TaskCommon {
	readonly kind: 'include';
	readonly file: string;
	readonly loop: unknown;
	readonly loopVar: string;
	/** loop_control.index_var, extended and extended_allitems, as a module task's. */
	readonly loopIndexVar: string | undefined;
	readonly loopExtended: boolean;
	readonly loopExtendedAllitems: boolean;
}

export type Task = ModuleTask | BlockTask | IncludeTask;

export type Strategy = 'linear' | 'free';

export interface Play {
	readonly name: string;
	readonly where: SourcePosition;
	readonly hosts: string;
	readonly vars: Readonly<Record<string, unknown>>;
	/** vars_files, already read (files named by templates are read when the play starts). */
	readonly varsFiles: readonly VarsFile[];
	/**
	 * defaults_files (pb's own keyword): variables below everything else, the inventory included,
	 * as a role's defaults/main.yml is in Ansible. Read up front (no templates in their names).
	 */
	readonly defaults: Readonly<Record<string, unknown>>;
	readonly gatherFacts: boolean;
	/** gather_subset as written (a list or a comma-separated string), handed to setup; undefined: all. */
	readonly gatherSubset: unknown;
	readonly become: boolean | undefined;
	readonly becomeUser: string | undefined;
	readonly strategy: Strategy;
	/** Batch sizes: numbers of hosts or percentages ('30%'); the last repeats. Empty: all at once. */
	readonly serial: ReadonlyArray<number | string>;
	readonly maxFailPercentage: number | undefined;
	readonly anyErrorsFatal: boolean;
	readonly preTasks: readonly Task[];
	readonly tasks: readonly Task[];
	readonly postTasks: readonly Task[];
	readonly handlers: readonly ModuleTask[];
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
