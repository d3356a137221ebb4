import {fnmatch} from '../fnmatch.js';
import type {ModuleTask, Playbook, Task} from './types.js';

/*
 * --start-at-task: a task matches by its name or `role : name`, exactly or as an fnmatch pattern,
 * as ansible-playbook matches it. Only tasks read up front can be started at: those of imports and
 * roles, not of include_tasks or include_role, as in Ansible.
 */

export function startsHere(task: ModuleTask, pattern: string): boolean {
	if (task.name === undefined) {
		return false;
	}

	const names = task.role ? [task.name, `${task.role.name} : ${task.name}`] : [task.name];
	return names.some(name => name === pattern || fnmatch(name, pattern));
}

function* moduleTasks(tasks: readonly Task[]): Generator<ModuleTask> {
	for (const task of tasks) {
		if (task.kind === 'module') {
			yield task;
		} else if (task.kind === 'block') {
			yield* moduleTasks([...task.block, ...task.rescue, ...task.always]);
		}
	}
}

/** The names of the tasks --start-at-task could start at, in order, for an error's did-you-mean. */
export function startableNames(playbooks: readonly Playbook[]): string[] {
	return playbooks.flatMap(playbook => playbook.plays.flatMap(play => [...moduleTasks([...play.preTasks, ...play.tasks, ...play.postTasks])]))
		.flatMap(task => (task.name === undefined ? [] : [task.role ? `${task.role.name} : ${task.name}` : task.name]));
}

export function anyStartsHere(playbooks: readonly Playbook[], pattern: string): boolean {
	return playbooks.some(playbook => playbook.plays.some(play => [...moduleTasks([...play.preTasks, ...play.tasks, ...play.postTasks])].some(task => startsHere(task, pattern))));
}
