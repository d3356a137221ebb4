import {selectedByTags} from './tags.js';
import type {Play, Playbook, Task} from './types.js';

/*
 * --list-hosts, --list-tasks and --list-tags, laid out as ansible-playbook prints them: each play
 * with its tags, then its hosts, its tasks (blocks flattened, a role's as `role : task`, each with
 * its play's and blocks' tags) and the union of their tags. A task --tags or --skip-tags leaves out
 * is not listed.
 */

export interface Listings {
	readonly tasks: boolean;
	readonly tags: boolean;
	/** The hosts a play would run on, for --list-hosts. */
	readonly hosts: ((play: Play) => readonly string[]) | undefined;
	readonly only: readonly string[];
	readonly skip: readonly string[];
}

interface Listed {
	readonly name: string;
	readonly tags: readonly string[];
}

function listed(play: Play, only: readonly string[], skip: readonly string[]): Listed[] {
	const entries: Listed[] = [];
	const walk = (tasks: readonly Task[], inherited: readonly string[]) => {
		for (const task of tasks) {
			const tags = [...new Set([...inherited, ...task.tags])].sort();
			if (task.kind === 'block') {
				walk([...task.block, ...task.rescue, ...task.always], tags);
			} else if (selectedByTags(new Set(tags), only, skip)) {
				// As Ansible names a task: `role : name` when it has a name, else its action.
				const action = task.kind === 'module' ? task.module.name : task.kind === 'include' ? 'include_tasks' : 'include_role';
				entries.push({name: task.name === undefined ? action : `${task.role ? `${task.role.name} : ` : ''}${task.name}`, tags});
			}
		}
	};

	walk([...play.preTasks, ...play.tasks, ...play.postTasks], play.tags);
	return entries;
}

export function listPlaybook(playbook: Playbook, shownAs: string, what: Listings): string {
	const lines = ['', `playbook: ${shownAs}`];
	for (const [index, play] of playbook.plays.entries()) {
		// The play's own tags as Ansible joins them, without a space.
		lines.push('', `  play #${index + 1} (${play.hosts}): ${play.name}\tTAGS: [${[...new Set(play.tags)].sort().join(',')}]`);
		const hosts = what.hosts?.(play);
		if (hosts) {
			lines.push(`    pattern: ['${play.hosts}']`, `    hosts (${hosts.length}):`, ...hosts.map(host => `      ${host}`));
		}

		const tasks = what.tasks || what.tags ? listed(play, what.only, what.skip) : [];
		if (what.tasks) {
			lines.push('    tasks:', ...tasks.map(task => `      ${task.name}\tTAGS: [${task.tags.join(', ')}]`));
		}

		if (what.tags) {
			lines.push(`      TASK TAGS: [${[...new Set([...play.tags, ...tasks.flatMap(task => task.tags)])].sort().join(', ')}]`);
		}
	}

	return lines.join('\n');
}
