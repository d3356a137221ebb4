import {createHash} from 'node:crypto';
import {posix} from 'node:path';
import {type FileState, HostFileError, type PredictedPath} from '../../engine/host/file-state.js';
import {readFileStates} from '../../engine/host/read-files.js';
import {writeFileAtomic} from '../../engine/host/write-file.js';
import {defineModule, type Diff, type Plan} from '../../engine/module.js';
import {quoteShell} from '../../engine/shell-words.js';
import {type CronEdit, editEnv, editJob, envNames, jobLine, jobNames, listedLines, renderCrontab, splitCrontab} from './crontab.js';
import {backupScript, installCrontabScript, noCrontab, readCrontabScript} from './script.js';

type CronState =
	| {readonly kind: 'file'; readonly file: FileState}
	/** `listed`: what crontab -l printed; undefined when the host has no crontab command. */
	| {readonly kind: 'user'; readonly listed: string | undefined};

interface CronSteps {
	/** The crontab's text before, kept in /tmp when backup is asked. */
	readonly backup?: string;
	readonly write?: {readonly text: string; readonly file?: {readonly path: string; readonly isNew: boolean}};
	readonly removeFile?: string;
}

/** cron_file as a path: a bare name is in /etc/cron.d. */
function cronFilePath(cronFile: string): string {
	return posix.isAbsolute(cronFile) ? cronFile : posix.join('/etc/cron.d', cronFile);
}

/** The key under which check mode predicts a user's crontab for later tasks. */
function crontabKey(user: string | undefined): string {
	return `crontab:${user ?? ''}`;
}

const timeFields = ['minute', 'hour', 'day', 'month', 'weekday'] as const;

export default defineModule({
	name: 'cron',
	summary: 'Manage a cron job or variable, named by an #Ansible: comment, in a user\'s crontab or a cron file',
	params: {
		name: {type: 'str', required: true, description: 'The job\'s name (its #Ansible: comment), or with env: true the variable\'s name'},
		job: {type: 'str', aliases: ['value'], description: 'The command to run, or with env: true the variable\'s value; needed with state: present'},
		user: {type: 'str', description: 'Whose crontab to edit (default: the user the task runs as); with cron_file, the user the job runs as'},
		cron_file: {type: 'path', description: 'A file in /etc/cron.d (a bare name) or any absolute path, edited instead of a user\'s crontab; removed when its last job is. Needs no crontab command'},
		state: {type: 'str', choices: ['present', 'absent'], default: 'present', description: 'present: the job or variable is there as given; absent: it is removed'},
		backup: {type: 'bool', default: false, description: 'Keep the crontab as it was in /tmp/crontabXXXXXXXX when it changes (backup_file says where)'},
		minute: {type: 'str', default: '*', description: 'Minute field: 0-59, *, */5, ...'},
		hour: {type: 'str', default: '*', description: 'Hour field: 0-23, *, ...'},
		day: {type: 'str', default: '*', aliases: ['dom'], description: 'Day of the month field: 1-31, *, ...'},
		month: {type: 'str', default: '*', description: 'Month field: 1-12, *, ...'},
		weekday: {type: 'str', default: '*', aliases: ['dow'], description: 'Day of the week field: 0-6 for Sunday-Saturday, *, ...'},
		special_time: {type: 'str', choices: ['reboot', 'yearly', 'annually', 'monthly', 'weekly', 'daily', 'hourly'], description: 'Instead of the five fields: @reboot, @daily, ...'},
		disabled: {type: 'bool', default: false, description: 'Write the job commented out (state: present only)'},
		env: {type: 'bool', default: false, description: 'Manage a variable (NAME="job") instead of a job; a new one goes first in the crontab'},
		insertafter: {type: 'str', description: 'With env: true: a new variable goes after this variable'},
		insertbefore: {type: 'str', description: 'With env: true: a new variable goes before this variable'},
	},
	example: `- name: Prune unused container images every night
  cron:
    name: prune images
    minute: '30'
    hour: '3'
    user: root
    job: crictl rmi --prune
    cron_file: pb-prune-images`,
	rules: {mutually_exclusive: [['insertafter', 'insertbefore']]},
	validate(params) {
		if (params.cron_file !== undefined && cronFilePath(params.cron_file) === '/etc/crontab') {
			return 'Will not manage /etc/crontab via cron_file: it is the system crontab, edit a file in /etc/cron.d instead';
		}

		if (params.special_time !== undefined && timeFields.some(field => params[field] !== '*')) {
			return 'You must specify time and date fields or special time, not both';
		}

		if (params.env && params.name.includes(' ')) {
			return `Invalid name for environment variable: ${JSON.stringify(params.name)} has a space`;
		}

		if (params.state !== 'present') {
			return undefined;
		}

		if (params.cron_file !== undefined && params.user === undefined) {
			return 'To use cron_file=... parameter you must specify user=... as well (the user the job runs as)';
		}

		if (params.job === undefined) {
			return 'You must specify \'job\' to install a new cron job or variable';
		}

		return (params.insertafter ?? params.insertbefore) !== undefined && !params.env ? 'Insertafter and insertbefore parameters are valid only with env=yes' : undefined;
	},
	readsAhead: params => (params.cron_file === undefined ? [] : [{path: cronFilePath(params.cron_file), options: {content: true}}]),
	async read(ctx, params): Promise<CronState> {
		if (params.cron_file !== undefined && !/^[\w-]+$/.test(posix.basename(params.cron_file))) {
			ctx.warn(`Filename portion of cron_file ("${posix.basename(params.cron_file)}") should consist solely of upper- and lower-case letters, digits, underscores, and hyphens: cron skips other files in /etc/cron.d`);
		}

		if (params.state === 'present' && !params.env && /[\r\n]/.test((params.job ?? '').replace(/^[\r\n]+|[\r\n]+$/g, ''))) {
			ctx.warn('Job should not contain line breaks');
		}

		if (params.cron_file !== undefined) {
			const [file] = await readFileStates(ctx, [{path: cronFilePath(params.cron_file), options: {content: true}}]);
			return {kind: 'file', file: file!};
		}

		const predicted = ctx.predictedState?.(crontabKey(params.user));
		if (typeof predicted === 'string') {
			return {kind: 'user', listed: predicted};
		}

		const listed = await ctx.run(readCrontabScript(params.user));
		if (listed.code === noCrontab) {
			return {kind: 'user', listed: undefined};
		}

		if (listed.code !== 0 && listed.code !== 1) {
			throw new HostFileError(ctx.host, 'crontab', `cannot read the crontab${params.user === undefined ? '' : ` of ${params.user}`} on ${ctx.host}`, listed.stderr);
		}

		return {kind: 'user', listed: listed.stdout};
	},
	plan(state, params): Plan<CronSteps> {
		const none: CronSteps = {};
		const fail = (failed: string): Plan<CronSteps> => ({changed: false, msg: '', steps: none, failed});
		let existing: string;
		let lines: string[];
		if (state.kind === 'file') {
			const {file} = state;
			if (file.exists && (file.type !== 'file' || file.content === undefined)) {
				return fail(`cron_file ${file.path} is ${file.type === 'file' ? 'too big to edit (over 1 MiB)' : `a ${file.type}, not a file`}`);
			}

			if (!file.exists && !file.parentIsDir && params.state === 'present') {
				return fail(`directory ${posix.dirname(file.path)} does not exist on the host; install cron (it makes /etc/cron.d), or create it first`);
			}

			existing = file.exists ? file.content!.toString('utf8') : '';
			lines = splitCrontab(existing);
		} else {
			if (state.listed === undefined) {
				return fail('Failed to find required executable "crontab": install cron on the host, or give cron_file to write a file in /etc/cron.d instead');
			}

			({existing, lines} = listedLines(state.listed));
		}

		const present = params.state === 'present';
		const filePath = params.cron_file === undefined ? undefined : cronFilePath(params.cron_file);
		const edit: CronEdit = params.env
			? editEnv(lines, params.name, present ? params.job : undefined, params)
			: editJob(lines, params.name, present ? jobLine(params, params.job ?? '', filePath === undefined ? undefined : params.user) : undefined, filePath !== undefined);
		if (edit.failed !== undefined) {
			return fail(edit.failed);
		}

		const header = filePath ?? (params.user === undefined ? 'crontab' : `crontab for user "${params.user}"`);
		const what = `${params.env ? 'variable' : 'job'} ${JSON.stringify(params.name)}`;
		const backup = params.backup ? {backup: renderCrontab(lines)} : {};
		if (edit.removeFile && filePath !== undefined) {
			return {
				changed: true,
				msg: `${what} removed: ${filePath} left empty, so removed`,
				diff: [{header, before: existing, after: ''}],
				steps: {...backup, removeFile: filePath},
				result: {cron_file: params.cron_file, state: params.state},
				predicts: [{path: filePath, type: 'absent'}],
			};
		}

		// A crontab without a final line break is rewritten with one, as Ansible does.
		const changed = edit.changed || (existing !== '' && !/[\r\n]$/.test(existing));
		const result = {jobs: jobNames(edit.lines), envs: envNames(edit.lines), ...(params.cron_file === undefined ? {} : {cron_file: params.cron_file})};
		if (!changed) {
			return {changed: false, msg: `${what} is ${present ? 'as wanted' : 'absent'} in ${header}`, steps: none, result};
		}

		const text = renderCrontab(edit.lines);
		const diff: Diff[] = [{header, before: existing, after: text}];
		const isNew = state.kind === 'file' && !state.file.exists;
		const content = Buffer.from(text);
		const predicts: PredictedPath[] = filePath === undefined
			? []
			: [{path: filePath, type: 'file', ...(isNew ? {mode: 0o644} : {}), sha256: createHash('sha256').update(content).digest('hex'), content}];
		return {
			changed: true,
			msg: `${what} ${edit.changed ? (present ? 'written' : 'removed') : 'unchanged, final line break added'} in ${header}`,
			diff,
			steps: {...backup, write: {text, ...(filePath === undefined ? {} : {file: {path: filePath, isNew}})}},
			result,
			predicts,
			...(filePath === undefined ? {predictsStates: {[crontabKey(params.user)]: text}} : {}),
		};
	},
	async apply(ctx, params, plan) {
		const {backup, write, removeFile} = plan.steps;
		let backupFile: string | undefined;
		if (backup !== undefined) {
			const made = await ctx.run(backupScript(backup));
			if (made.code !== 0) {
				return {changed: false, failed: `cannot keep a backup of the crontab in /tmp on ${ctx.host}: ${made.stderr.trim()}; the crontab was left as it was`};
			}

			backupFile = made.stdout.trim();
		}

		const result = backupFile === undefined ? {} : {result: {...plan.result, backup_file: backupFile}};
		if (removeFile !== undefined) {
			const removed = await ctx.run(`rm -f -- ${quoteShell(removeFile)}`);
			return removed.code === 0 ? result : {changed: false, failed: `cannot remove ${removeFile} on ${ctx.host}: ${removed.stderr.trim()}`};
		}

		if (write?.file !== undefined) {
			try {
				await writeFileAtomic(ctx, write.file.path, write.text, write.file.isNew ? {mode: 0o644} : {});
			} catch (error) {
				if (error instanceof HostFileError) {
					return {changed: false, failed: error.message};
				}

				throw error;
			}
		} else if (write !== undefined) {
			const installed = await ctx.run(installCrontabScript(params.user, write.text));
			if (installed.code !== 0) {
				return {changed: false, failed: `crontab refused the new crontab${params.user === undefined ? '' : ` of ${params.user}`} on ${ctx.host}: ${installed.stderr.trim()}`};
			}
		}

		return result;
	},
});
