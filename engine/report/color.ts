import chalk from 'chalk';

/** Ansible's reading of a boolean setting from the environment. */
const truthy = (value: string | undefined) => value !== undefined && ['1', 'true', 'yes', 'on', 'y', 't'].includes(value.trim().toLowerCase());

/**
 * Colour as ansible-playbook decides it, over chalk's own choice (a terminal gets colour):
 * ANSIBLE_NOCOLOR, or NO_COLOR set to anything (no-color.org), turns it off; ANSIBLE_FORCE_COLOR
 * turns it on even into a pipe, and wins, as in Ansible.
 */
export function setColor(env: Readonly<Record<string, string | undefined>> = process.env): void {
	if (truthy(env.ANSIBLE_FORCE_COLOR)) {
		chalk.level = Math.max(chalk.level, 1) as typeof chalk.level;
	} else if (truthy(env.ANSIBLE_NOCOLOR) || (env.NO_COLOR ?? '') !== '') {
		chalk.level = 0;
	}
}
