import {writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import {quoteShell} from '../../engine/shell-words.js';
import type {BenchHost} from '../bench-hosts.js';
import type {Scenario, ScenarioPlaybooks} from './scenario.js';

/*
 * Scenario 2: fifty small tasks per host (directories, files with host-specific content, links,
 * net.* sysctls, commands), to measure what each task costs beyond its work. Everything is under
 * /srv, the part of a light host that is its own, and the sysctls are per network namespace.
 */

const root = '/srv/pb-bench';

type SmallTask =
	| {readonly kind: 'directory'; readonly path: string; readonly mode: string}
	| {readonly kind: 'file'; readonly path: string; readonly mode: string; readonly content: string}
	| {readonly kind: 'link'; readonly path: string; readonly src: string}
	| {readonly kind: 'sysctl'; readonly key: string; readonly value: string}
	| {readonly kind: 'read'; readonly path: string}
	| {readonly kind: 'made'; readonly path: string};

const pad = (n: number) => String(n).padStart(2, '0');
const hostToken = '{{ inventory_hostname }}';

/** Values unlike a fresh namespace's defaults, so a first run changes every one. */
const sysctls: ReadonlyArray<readonly [string, string]> = [
	['net.ipv4.ip_forward', '1'],
	['net.ipv4.tcp_fin_timeout', '30'],
	['net.ipv4.tcp_keepalive_time', '600'],
	['net.ipv4.tcp_keepalive_intvl', '30'],
	['net.ipv4.tcp_keepalive_probes', '5'],
	['net.ipv4.tcp_syn_retries', '4'],
	['net.ipv4.tcp_retries2', '8'],
	['net.ipv4.ip_default_ttl', '65'],
	['net.ipv4.tcp_tw_reuse', '1'],
	['net.core.somaxconn', '8192'],
];

function smallTasks(): SmallTask[] {
	const directories = Array.from({length: 9}, (_, i) => `${root}/d${pad(i + 1)}`);
	const files = Array.from({length: 15}, (_, i) => ({directory: directories[i % 9]!, name: `f${pad(i + 1)}.conf`}));
	return [
		{kind: 'directory', path: root, mode: '0755'},
		...directories.map((path): SmallTask => ({kind: 'directory', path, mode: '0750'})),
		...files.map(({directory, name}, i): SmallTask => ({kind: 'file', path: `${directory}/${name}`, mode: '0640', content: `# bench file ${i + 1}\nhost = ${hostToken}\nvalue = ${i * 7}\n`})),
		...files.slice(0, 5).map(({directory, name}, i): SmallTask => ({kind: 'link', path: `${root}/link-${i + 1}`, src: `${directory.slice(root.length + 1)}/${name}`})),
		...sysctls.map(([key, value]): SmallTask => ({kind: 'sysctl', key, value})),
		...files.slice(5, 10).map(({directory, name}): SmallTask => ({kind: 'read', path: `${directory}/${name}`})),
		...Array.from({length: 5}, (_, i): SmallTask => ({kind: 'made', path: `${root}/made-${i + 1}`})),
	];
}

const tasks = smallTasks();

/** JSON strings are YAML double-quoted strings: every value is written safely for both tools. */
const y = (value: string) => JSON.stringify(value);

function sysctlScript(key: string, value: string): string {
	return `if [ "$(sysctl -n ${key})" = ${value} ]; then echo unchanged; else sysctl -qw ${key}=${value} && echo changed; fi`;
}

/** The task in YAML: pb and ansible-playbook read the same words for these modules. */
function taskYaml(task: SmallTask, position: number): string {
	switch (task.kind) {
		case 'directory': {
			return `    - name: directory ${task.path}\n      file: {path: ${y(task.path)}, state: directory, mode: ${y(task.mode)}}`;
		}

		case 'file': {
			return `    - name: file ${task.path}\n      copy: {dest: ${y(task.path)}, content: ${y(task.content)}, mode: ${y(task.mode)}}`;
		}

		case 'link': {
			return `    - name: link ${task.path}\n      file: {path: ${y(task.path)}, src: ${y(task.src)}, state: link}`;
		}

		case 'sysctl': {
			const name = `sysctl_${position}`;
			return `    - name: sysctl ${task.key}\n      shell: ${y(sysctlScript(task.key, task.value))}\n      register: ${name}\n      changed_when: ${y(`${name}.stdout == 'changed'`)}`;
		}

		case 'read': {
			return `    - name: read ${task.path}\n      command: {cmd: ${y(`cat ${task.path}`)}}\n      changed_when: false\n      check_mode: false`;
		}

		case 'made': {
			return `    - name: make ${task.path}\n      command: {cmd: ${y(`mkdir ${task.path}`)}, creates: ${y(task.path)}}`;
		}
	}
}

function playbookYaml(): string {
	return ['- hosts: all', '  gather_facts: false', '  tasks:', ...tasks.map((task, position) => taskYaml(task, position)), ''].join('\n');
}

function floorCommand(task: SmallTask, host: BenchHost): string {
	switch (task.kind) {
		case 'directory': {
			return `mkdir -p ${task.path} && chmod ${task.mode} ${task.path}`;
		}

		case 'file': {
			return `printf '%s' ${quoteShell(task.content.replaceAll(hostToken, host.name))} > ${task.path} && chmod ${task.mode} ${task.path}`;
		}

		case 'link': {
			return `ln -sfn ${task.src} ${task.path}`;
		}

		case 'sysctl': {
			return `sysctl -qw ${task.key}=${task.value}`;
		}

		case 'read': {
			return `cat ${task.path} > /dev/null`;
		}

		case 'made': {
			return `[ -e ${task.path} ] || mkdir ${task.path}`;
		}
	}
}

const paths = tasks.flatMap(task => ('path' in task ? [task.path] : []));

export const smallTasksScenario: Scenario = {
	id: 'small-tasks',
	title: '50 small tasks per host',
	tasksPerHost: tasks.length,

	async writePlaybooks(directory: string): Promise<ScenarioPlaybooks> {
		const playbook = join(directory, 'small-tasks.yml');
		await writeFile(playbook, playbookYaml());
		return {pb: playbook, ansible: playbook, extraVars: []};
	},

	floorApply(host: BenchHost): string {
		return ['set -e', ...tasks.map(task => floorCommand(task, host)), ''].join('\n');
	},

	floorCheck(): string {
		return [
			'set -e',
			`stat -c '%n %F %a %U %G' ${paths.join(' ')} > /dev/null`,
			`readlink ${tasks.flatMap(task => (task.kind === 'link' ? [task.path] : [])).join(' ')} > /dev/null`,
			`cat ${tasks.flatMap(task => (task.kind === 'file' ? [task.path] : [])).join(' ')} > /dev/null`,
			`sysctl -n ${sysctls.map(([key]) => key).join(' ')} > /dev/null`,
			...tasks.flatMap(task => (task.kind === 'read' ? [`cat ${task.path} > /dev/null`] : [])),
			'',
		].join('\n');
	},

	fingerprint(host: BenchHost): string {
		return [
			`cd ${root}`,
			'find . -printf \'%p %y %m %u %g %l\\n\' | sort',
			`find . -type f | sort | while read -r f; do printf '%s ' "$f"; sed ${quoteShell(`s/${host.name}/HOST/g`)} "$f" | sha256sum; done`,
			`sysctl ${sysctls.map(([key]) => key).join(' ')}`,
			'',
		].join('\n');
	},
};
