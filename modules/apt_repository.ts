import {createHash} from 'node:crypto';
import {posix} from 'node:path';
import {parseMode} from '../engine/host/attributes.js';
import {HostFileError} from '../engine/host/file-state.js';
import {writeFileAtomic} from '../engine/host/write-file.js';
import {defineModule, type Plan} from '../engine/module.js';
import {quoteShell} from '../engine/shell-words.js';
import {predictedFilesIn} from './dry-run-namespace.js';
import {markedSections} from './package-output.js';
import {aptListsKey} from './apt/script.js';

/*
 * apt_repository: one source line in apt's one-line sources files, as Ansible keeps them: a line
 * already there (in any .list file, or sources.list) is left alone, a commented-out one is enabled
 * again, a new one goes into sources.list.d/FILENAME.list, named after the repository's address
 * unless `filename` says; absent removes the line wherever it is, and a file left empty goes. apt-get update follows a change, as update_cache (on by default) asks.
 */

const marker = '@@pb-apt-repository';
const sourcesList = '/etc/apt/sources.list';
const sourcesDirectory = '/etc/apt/sources.list.d';

/** A repository line with its words collapsed, the way lines are compared. */
function normalized(line: string): string {
	return line.trim().split(/\s+/).join(' ');
}

/** Ansible's file name for a repository: its address without options, scheme or credentials, other characters as _. */
export function suggestedFilename(repo: string): string {
	const words = repo.replaceAll(/\[[^\]]+\]/g, '').replaceAll(/\w+:\/\//g, '').split(/\s+/).filter(word => word !== '' && word !== 'deb' && word !== 'deb-src');
	const address = (words[0] ?? '').replace(/^[^@/]*@/, '');
	return address.replaceAll(/[^a-zA-Z0-9]/g, ' ').trim().split(/\s+/).join('_');
}

/** A line of a sources file: the source it names, enabled or commented out; undefined for anything else. */
function sourceOf(line: string): {source: string; enabled: boolean} | undefined {
	const match = /^\s*(#\s*)?(deb(?:-src)?\s.*?)\s*(?:#.*)?$/.exec(line);
	return match ? {source: normalized(match[2]!), enabled: match[1] === undefined} : undefined;
}

interface RepositoryFiles {
	/** Every one-line sources file and its text. */
	readonly files: ReadonlyMap<string, string>;
}

interface RepositorySteps {
	/** Files to write (new text) or remove (undefined). */
	readonly files: ReadonlyArray<{readonly path: string; readonly text: string | undefined}>;
	readonly update: boolean;
}

export default defineModule({
	name: 'apt_repository',
	summary: 'Adds or removes a repository line in apt\'s sources (sources.list.d/*.list), then updates apt\'s lists',
	params: {
		repo: {type: 'str', required: true, description: 'The source line, e.g. deb [signed-by=/etc/apt/keyrings/site.gpg] http://mirror/debian bookworm main'},
		state: {type: 'str', choices: ['present', 'absent'], default: 'present', description: 'present: the line is in a sources file (enabled); absent: in none'},
		filename: {type: 'str', description: 'The file in sources.list.d, without .list; default: made from the repository\'s address'},
		mode: {type: 'raw', description: 'Permissions of a file written: \'0644\' (quoted) or 0644'},
		update_cache: {type: 'bool', default: true, aliases: ['update-cache'], description: 'Run apt-get update after a change'},
		codename: {type: 'str', description: 'Accepted for Ansible\'s sake: used only for PPAs, which pb does not add'},
		install_python_apt: {type: 'bool', default: true, description: 'Accepted for Ansible\'s sake: pb needs no python3-apt'},
		validate_certs: {type: 'bool', default: true, description: 'Accepted for Ansible\'s sake: pb fetches no keys'},
	},
	example: `- name: The site's mirror, its key in a keyring of its own
  apt_repository:
    repo: deb [signed-by=/etc/apt/keyrings/site.gpg] http://mirror.example/debian bookworm main
    filename: site`,
	validate(params) {
		if (params.repo.startsWith('ppa:')) {
			return `${params.repo}: PPAs are Ubuntu's, and pb adds none; give the repository's deb line`;
		}

		return sourceOf(params.repo)?.enabled === true ? undefined : `Invalid repository string: ${params.repo} (write it as deb [OPTIONS] URI SUITE [COMPONENT...])`;
	},
	async read(ctx): Promise<RepositoryFiles> {
		const result = await ctx.run(`for f in ${sourcesList} ${sourcesDirectory}/*.list; do [ -f "$f" ] || continue; echo "${marker} $f"; cat -- "$f"; echo; done`);
		if (result.code !== 0) {
			throw new Error(`cannot read apt's sources on ${ctx.host}: ${result.stderr.trim()}`);
		}

		const files = new Map(markedSections(result.stdout, marker).map(({words, body}) => [words.join(' '), body]));
		// Check mode: the files earlier tasks would write or remove.
		for (const predicted of predictedFilesIn(ctx, ['/etc/apt', sourcesDirectory], path => path === sourcesList || (path.startsWith(`${sourcesDirectory}/`) && path.endsWith('.list')), 'apt_repository')) {
			if (predicted.content === undefined) {
				files.delete(predicted.path);
			} else {
				files.set(predicted.path, predicted.content.toString('utf8'));
			}
		}

		return {files};
	},
	plan({files}, params): Plan<RepositorySteps> {
		const wanted = normalized(params.repo);
		const target = posix.join(sourcesDirectory, `${params.filename ?? suggestedFilename(params.repo)}.list`);
		const result = {repo: params.repo, state: params.state};
		const changedFiles: Array<{path: string; before: string; text: string | undefined}> = [];
		for (const [path, text] of files) {
			const lines = text.split('\n');
			const kept = params.state === 'absent'
				? lines.filter(line => sourceOf(line)?.source !== wanted)
				: lines.map(line => (sourceOf(line)?.source === wanted && !sourceOf(line)?.enabled ? line.replace(/^\s*#\s*/, '') : line));
			const text2 = kept.join('\n');
			if (text2 !== text) {
				// As Ansible: a file with no line left at all goes.
				const empty = !kept.some(line => line.trim() !== '');
				changedFiles.push({path, before: text, text: empty ? undefined : `${text2.trimEnd()}\n`});
			}
		}

		const present = [...files.values()].some(text => text.split('\n').some(line => sourceOf(line)?.source === wanted && sourceOf(line)?.enabled));
		if (params.state === 'present' && !present && changedFiles.length === 0) {
			const before = files.get(target) ?? '';
			changedFiles.push({path: target, before, text: `${before.trimEnd()}${before.trim() === '' ? '' : '\n'}${wanted}\n`});
		}

		if (changedFiles.length === 0) {
			return {changed: false, msg: params.state === 'present' ? `${wanted}: in apt's sources` : `${wanted}: in none of apt's sources`, steps: {files: [], update: false}, result};
		}

		const mode = params.mode === undefined ? 0o644 : parseMode(params.mode);
		return {
			changed: true,
			msg: changedFiles.map(({path, text}) => `${path}: ${text === undefined ? 'removed' : files.has(path) ? 'changed' : 'new file'}`).join('; '),
			diff: changedFiles.map(({path, before, text}) => ({header: path, before, after: text ?? ''})),
			steps: {files: changedFiles.map(({path, text}) => ({path, text})), update: params.update_cache},
			result,
			// apt's --check in a later task updates its lists in private, as this task's update would have.
			...(params.update_cache ? {predictsStates: {[aptListsKey]: 'updated'}} : {}),
			predicts: changedFiles.map(({path, text}) => (text === undefined
				? {path, type: 'absent' as const}
				: {path, type: 'file' as const, mode, content: Buffer.from(text), sha256: createHash('sha256').update(text).digest('hex')})),
		};
	},
	async apply(ctx, params, plan) {
		const mode = params.mode === undefined ? 0o644 : parseMode(params.mode);
		try {
			for (const {path, text} of plan.steps.files) {
				if (text === undefined) {
					await ctx.run(`rm -f -- ${quoteShell(path)}`);
				} else {
					await writeFileAtomic(ctx, path, text, {mode});
				}
			}
		} catch (error) {
			if (error instanceof HostFileError) {
				return {failed: error.message};
			}

			throw error;
		}

		if (plan.steps.update) {
			const update = await ctx.run('LC_ALL=C apt-get update -q 2>&1');
			if (update.code !== 0) {
				return {failed: `apt-get update failed after ${params.repo} was ${params.state === 'present' ? 'added' : 'removed'}: ${update.stdout.trim().split('\n').filter(line => /^(E|W|Err):/.test(line)).join('; ')}`};
			}
		}

		return {};
	},
});
