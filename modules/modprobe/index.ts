import {createHash} from 'node:crypto';
import {posix} from 'node:path';
import {HostFileError, type PredictedPath} from '../../engine/host/file-state.js';
import {writeFileAtomic} from '../../engine/host/write-file.js';
import {defineModule, type Diff, type HostContext, type Plan} from '../../engine/module.js';
import {quoteShell, splitWords, UnclosedQuoteError} from '../../engine/shell-words.js';
import {persistenceEdits} from './config.js';
import {type KernelModuleFacts, parseReadOutput} from './parse.js';
import {kernelName, loadScript, modprobeDir, modulesLoadDir, readScript} from './script.js';

/*
 * community.general.modprobe: a kernel module loaded or unloaded now, and (persistent) loaded at
 * every boot with its parameters. A module built into the kernel counts as loaded; a kernel or a
 * host that cannot load modules (no module support, no modprobe, no CAP_SYS_MODULE in a
 * container) fails saying which, in check mode too.
 */

interface ModprobeSteps {
	readonly load?: boolean;
	/** Path -> the file's new text. */
	readonly files: Readonly<Record<string, string>>;
	/** The directories to make first (/etc/modprobe.d is not on every host). */
	readonly directories: readonly string[];
}

/** The params as modprobe gets them: shell words. */
function loadWords(params: string): string[] {
	return splitWords(params).map(word => word.text);
}

/** The params as the options file gets them: split at whitespace, as Ansible does. */
function optionWords(params: string): string[] {
	return params.split(/\s+/).filter(Boolean);
}

/** The key of a module's predicted state in check mode (HostContext.predictedState). */
function moduleKey(name: string): string {
	return `modprobe ${kernelName(name)}`;
}

/** Check mode: the files an earlier task of this run would have left in the two directories. */
function withPredictions(ctx: HostContext, files: ReadonlyMap<string, string>): Map<string, string> {
	const merged = new Map(files);
	for (const predicted of [...(ctx.predictedBelow?.(modulesLoadDir) ?? []), ...(ctx.predictedBelow?.(modprobeDir) ?? [])]) {
		const directory = posix.dirname(predicted.path);
		if (directory !== modulesLoadDir && directory !== modprobeDir) {
			continue;
		}

		if (predicted.type === 'file' && predicted.content !== undefined) {
			merged.set(predicted.path, predicted.content.toString('utf8'));
		} else if (predicted.type === 'absent') {
			merged.delete(predicted.path);
		}
	}

	return merged;
}

/** Why the module cannot be loaded or unloaded here, or undefined when it can. */
function cannotChange(facts: KernelModuleFacts, name: string, load: boolean): string | undefined {
	if (!load && facts.builtin) {
		return `${name} is built into the kernel (${facts.release}): it cannot be unloaded`;
	}

	if (!facts.modular) {
		return `the kernel (${facts.release}) has no loadable module support (no /proc/modules), and ${name} is not built into it (not in /lib/modules/${facts.release}/modules.builtin nor /sys/module)`;
	}

	if (facts.modprobe === undefined) {
		return `modprobe is not installed on the host: install kmod (apt-get install kmod, dnf install kmod)`;
	}

	if (!facts.canLoad) {
		return `this host may not ${load ? 'load' : 'unload'} kernel modules (no CAP_SYS_MODULE: a container?); ${load ? 'load' : 'unload'} ${name} on the machine that runs it`;
	}

	return load && facts.findable !== undefined && facts.findable !== 'yes' ? `modprobe cannot find ${name}: ${facts.findable.trim()}` : undefined;
}

export default defineModule({
	name: 'modprobe',
	summary: 'Loads or unloads a kernel module, and loads it at boot with its parameters (persistent)',
	params: {
		name: {type: 'str', required: true, description: 'The kernel module, e.g. br_netfilter or overlay'},
		state: {type: 'str', choices: ['present', 'absent'], default: 'present', description: 'present: loaded (a module built into the kernel counts); absent: unloaded'},
		params: {type: 'str', default: '', description: 'Module parameters, e.g. \'numdummies=2\' (key=value words)'},
		persistent: {
			type: 'str', choices: ['disabled', 'present', 'absent'], default: 'disabled',
			description: `present: loaded at boot (${modulesLoadDir}/NAME.conf) with params (${modprobeDir}/NAME.conf); absent: such lines in those directories commented out; disabled: those files left as they are`,
		},
	},
	example: `- name: Kubernetes networking needs br_netfilter, now and at every boot
  community.general.modprobe:
    name: br_netfilter
    state: present
    persistent: present`,
	validate(params) {
		if (!/^[\w-]+$/.test(params.name)) {
			return `name ${JSON.stringify(params.name)} is not a kernel module's name (letters, digits, - and _)`;
		}

		try {
			loadWords(params.params);
			return undefined;
		} catch (error) {
			if (error instanceof UnclosedQuoteError) {
				return `params: ${error.message}`;
			}

			throw error;
		}
	},
	async read(ctx, params) {
		const predicted = ctx.predictedState?.(moduleKey(params.name)) as boolean | undefined;
		const result = await ctx.run(readScript(params.name, loadWords(params.params), params.state === 'present' && predicted !== true));
		if (result.code !== 0) {
			throw new Error(`cannot read the kernel modules of ${ctx.host}: ${result.stderr.trim()}`);
		}

		const facts = parseReadOutput(result.stdout);
		return {...facts, loaded: predicted ?? facts.loaded, files: withPredictions(ctx, facts.files)};
	},
	plan(facts, params): Plan<ModprobeSteps> {
		const {name} = params;
		const result = {name, params: params.params, state: params.state};
		const loaded = facts.loaded || facts.builtin;
		const load = params.state === 'present' ? (loaded ? undefined : true) : (loaded ? false : undefined);
		const why = load === undefined ? undefined : cannotChange(facts, name, load);
		if (why !== undefined) {
			return {changed: false, msg: '', steps: {files: {}, directories: []}, result, failed: why};
		}

		const edits = params.persistent === 'disabled' ? new Map<string, string>() : persistenceEdits(facts.files, name, optionWords(params.params), params.persistent);
		const files = Object.fromEntries([...edits].filter(([path, text]) => facts.files.get(path) !== text));
		const directories = [...new Set(Object.keys(files).map(path => posix.dirname(path)))].filter(directory => !facts.directories.includes(directory));
		const done = [load === undefined ? '' : load ? 'loaded' : 'unloaded', ...Object.keys(files).map(path => `${path} written`)].filter(Boolean);
		if (done.length === 0) {
			const now = params.state === 'absent' ? 'not loaded' : facts.builtin ? `built into the kernel (${facts.release})` : 'loaded';
			return {changed: false, msg: `${name} is ${now}${params.persistent === 'disabled' ? '' : params.persistent === 'present' ? ', and loaded at boot' : ', and not loaded at boot'}`, steps: {files, directories}, result};
		}

		const diff: Diff[] = [
			...(load === undefined ? [] : [{header: name, before: `loaded: ${load ? 'no' : 'yes'}\n`, after: `loaded: ${load ? 'yes' : 'no'}\n`}]),
			...Object.entries(files).map(([path, text]) => ({header: path, before: facts.files.get(path) ?? '', after: text})),
		];
		const predicts: PredictedPath[] = [
			...directories.map(path => ({path, type: 'directory' as const, mode: 0o755})),
			...Object.entries(files).map(([path, text]) => {
				const content = Buffer.from(text);
				return {path, type: 'file' as const, ...(facts.files.has(path) ? {} : {mode: 0o644}), sha256: createHash('sha256').update(content).digest('hex'), content};
			}),
		];
		return {
			changed: true,
			msg: `${name}: ${done.join(', ')}`,
			diff,
			steps: {...(load === undefined ? {} : {load}), files, directories},
			result,
			predicts,
			...(load === undefined ? {} : {predictsStates: {[moduleKey(name)]: load}}),
		};
	},
	async apply(ctx, params, plan) {
		const {load, files, directories} = plan.steps;
		if (load !== undefined) {
			const run = await ctx.run(loadScript(params.name, loadWords(params.params), load));
			if (run.code !== 0) {
				return {failed: `modprobe ${load ? '' : '-r '}${params.name} failed on ${ctx.host}: ${`${run.stdout}${run.stderr}`.trim()}`};
			}
		}

		if (directories.length > 0) {
			const made = await ctx.run(`mkdir -p -- ${directories.map(quoteShell).join(' ')}`);
			if (made.code !== 0) {
				return {failed: `cannot make ${directories.join(', ')} on ${ctx.host}: ${made.stderr.trim()}`};
			}
		}

		try {
			for (const [path, text] of Object.entries(files)) {
				// New files as modprobe.d(5) expects them; an existing one keeps its mode.
				await writeFileAtomic(ctx, path, text, plan.predicts?.some(predicted => predicted.path === path && predicted.mode !== undefined) ? {mode: 0o644} : {});
			}
		} catch (error) {
			if (error instanceof HostFileError) {
				return {failed: error.message};
			}

			throw error;
		}

		return {};
	},
});
