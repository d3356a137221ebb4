import chalk from 'chalk';

/**
 * Colour as ansible-playbook decides it, over chalk's own choice (a terminal gets colour):
 * nocolor (ANSIBLE_NOCOLOR, NO_COLOR, ansible.cfg) turns it off; force_color turns it on even
 * into a pipe, and wins, as in Ansible.
 */
export function setColor({nocolor, forceColor}: {readonly nocolor: boolean; readonly forceColor: boolean}): void {
	if (forceColor) {
		chalk.level = Math.max(chalk.level, 1) as typeof chalk.level;
	} else if (nocolor) {
		chalk.level = 0;
	}
}
