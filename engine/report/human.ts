import {relative} from 'node:path';
import chalk from 'chalk';
import {MultiBar, Presets, type SingleBar} from 'cli-progress';
import {createTwoFilesPatch} from 'diff';
import type {Diff} from '../module.js';
import {conditionFalse, type EventSink, type HostStatus, type Recap, type RunEvent} from './events.js';

/*
 * The terminal output ansible-playbook users know: PLAY and TASK banners, a line per host,
 * diffs with --diff, and the PLAY RECAP. Colour on a terminal, unless report/color.ts says otherwise.
 */

export interface HumanOptions {
	readonly verbosity: number;
	/** Draw progress bars (only on a terminal). */
	readonly tty: boolean;
	readonly write: (text: string) => void;
	readonly warn: (text: string) => void;
}

function shortPath(file: string): string {
	const near = relative(process.cwd(), file);
	return near.startsWith('..') ? file : near;
}

function banner(title: string): string {
	return `\n${title} ${'*'.repeat(Math.max(3, 79 - title.length))}`;
}

function seconds(ms: number): string {
	return `${(ms / 1000).toFixed(2)}s`;
}

// Coloured when used, not when this file loads: the command line sets the colour level after.
const statusWords: Readonly<Record<HostStatus, () => string>> = {
	ok: () => chalk.green('ok'),
	changed: () => chalk.yellow('changed'),
	skipped: () => chalk.cyan('skipping'),
	failed: () => chalk.red('fatal'),
	unreachable: () => chalk.red('fatal'),
};

function colourDiffLine(line: string): string {
	if (line.startsWith('+') && !line.startsWith('+++')) {
		return chalk.green(line);
	}

	if (line.startsWith('-') && !line.startsWith('---')) {
		return chalk.red(line);
	}

	return line.startsWith('@@') ? chalk.cyan(line) : line;
}

export function renderDiff(diff: Diff): string {
	const withNewline = (text: string) => (text === '' || text.endsWith('\n') ? text : `${text}\n`);
	const patch = createTwoFilesPatch(`before: ${diff.header}`, `after: ${diff.header}`, withNewline(diff.before), withNewline(diff.after), undefined, undefined, {context: 3});
	// The first line of jsdiff's patch is a row of '=': ours has the header lines instead.
	return patch.split('\n').slice(1).filter(Boolean).map(line => colourDiffLine(line)).join('\n');
}

function recapLine(host: string, recap: Recap, width: number): string {
	const count = (label: string, value: number, colour: (text: string) => string) => (value > 0 ? colour(`${label}=${value}`) : `${label}=${value}`);
	const name = recap.failed > 0 || recap.unreachable > 0 ? chalk.red(host) : recap.changed > 0 ? chalk.yellow(host) : chalk.green(host);
	return `${name}${' '.repeat(Math.max(1, width - host.length + 1))}: ${[
		count('ok', recap.ok, chalk.green),
		count('changed', recap.changed, chalk.yellow),
		count('unreachable', recap.unreachable, chalk.red),
		count('failed', recap.failed, chalk.red),
		count('skipped', recap.skipped, chalk.cyan),
		count('rescued', recap.rescued, chalk.green),
		count('ignored', recap.ignored, chalk.yellow),
	].join('    ')}`;
}

export function humanReporter(options: HumanOptions): EventSink {
	const {write, warn, verbosity, tty} = options;
	let bars: MultiBar | undefined;
	const openBars = new Map<string, SingleBar>();
	const handlers: {[K in RunEvent['kind']]: (event: Extract<RunEvent, {kind: K}>) => void} = {
		'playbook-start'(event) {
			if (event.check) {
				write(chalk.cyan(`\nCHECK MODE: nothing on the hosts is changed (${shortPath(event.file)})`));
			}
		},
		'play-start'(event) {
			write(banner(`PLAY [${event.name}]`));
			if (event.hosts.length === 0) {
				write(chalk.cyan('skipping: no hosts matched'));
			}
		},
		'task-start'(event) {
			write(banner(`${event.handler ? 'RUNNING HANDLER' : 'TASK'} [${event.name}]`) + (verbosity > 0 ? chalk.dim(`\ntask path: ${event.where}`) : ''));
		},
		'host-result'(event) {
			const target = event.delegatedTo ? `${event.host} -> ${event.delegatedTo}` : event.host;
			const item = event.item === undefined ? '' : ` => (item=${event.item})`;
			const time = chalk.dim(seconds(event.durationMs));
			let line = `${statusWords[event.status]()}: [${target}]${item} ${time}`;
			if (event.status === 'failed' || event.status === 'unreachable') {
				const word = event.status === 'unreachable' ? 'UNREACHABLE!' : 'FAILED!';
				line = `${chalk.red(`${event.item === undefined || event.status === 'unreachable' ? 'fatal' : 'failed'}: [${target}]${item}: ${word}`)} ${time} ${chalk.red(`=> ${event.msg}`)}`;
			} else if (event.status === 'skipped' && (verbosity > 0 || event.msg !== conditionFalse)) {
				// A skip that is not a false `when` says why (a command check mode cannot predict).
				line += chalk.dim(` (${event.msg})`);
			}

			write(line);
			if (event.ignored) {
				write(chalk.cyan('...ignoring'));
			}

			for (const diff of event.diff ?? []) {
				write(renderDiff(diff));
			}

			if (verbosity > 0 && event.result && event.status !== 'skipped') {
				write(chalk.dim(JSON.stringify(event.result, undefined, verbosity > 1 ? 2 : undefined)));
			}
		},
		'task-end'() {
			// Each host's line already shows its time.
		},
		progress(event) {
			if (!tty || event.total === undefined) {
				return;
			}

			bars ??= new MultiBar({format: '  {label} [{bar}] {percentage}% {value}/{total} bytes', hideCursor: true, clearOnComplete: true}, Presets.shades_classic);
			let bar = openBars.get(event.label);
			if (!bar) {
				bar = bars.create(event.total, 0, {label: event.label});
				openBars.set(event.label, bar);
			}

			bar.update(event.done);
			if (event.done >= event.total) {
				bars.remove(bar);
				openBars.delete(event.label);
				if (openBars.size === 0) {
					bars.stop();
					bars = undefined;
				}
			}
		},
		interrupted(event) {
			const running = event.running.map(({host, task}) => `  ${host}: TASK [${task}]`);
			warn(chalk.red([
				`[ERROR]: User interrupted execution (${event.signal})`,
				running.length === 0 ? 'No task was running: the recap follows.' : 'These hosts finish the task they are in, then nothing more runs (press Ctrl-C again to stop at once):',
				...running,
			].join('\n')));
		},
		warning(event) {
			warn(chalk.magenta(`[WARNING]: ${event.host ? `[${event.host}] ` : ''}${event.msg}`));
		},
		debug(event) {
			write(event.msg.trimEnd().split('\n').map(line => `    ${line}`).join('\n'));
		},
		slice(event) {
			const total = Object.keys(event.hosts).length;
			const mine = Object.values(event.hosts).filter(slice => slice === event.slice).length;
			write(banner(`SLICE [${event.slice} of ${event.of}]`));
			write(mine === 0 ? chalk.cyan(`none of the ${total} host(s) is in this slice: nothing to run`) : `${mine} of the ${total} host(s)`);
		},
		recap(event) {
			write(banner('PLAY RECAP'));
			const names = Object.keys(event.hosts);
			const width = Math.max(0, ...names.map(name => name.length));
			for (const name of names) {
				write(recapLine(name, event.hosts[name]!, width));
			}

			write(chalk.dim(`\nfinished in ${seconds(event.durationMs)}`));
		},
	};
	return event => {
		(handlers[event.kind] as (event: RunEvent) => void)(event);
	};
}
