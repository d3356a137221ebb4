import {createHash} from 'node:crypto';
import {readFile, stat} from 'node:fs/promises';
import {hostname} from 'node:os';
import {posix} from 'node:path';
import {findSource} from '../engine/controller-source.js';
import {applyFileWrite, fileWriteParams, fileWriteProblem, planFileWrite, type FileWriteSteps} from '../engine/host/file-write.js';
import {parseMode} from '../engine/host/attributes.js';
import {type FileState} from '../engine/host/file-state.js';
import {readFileState} from '../engine/host/read-files.js';
import {defineModule, type Plan} from '../engine/module.js';
import {extendVars} from '../engine/vars/extend-vars.js';
import {renderFile} from '../engine/vars/template.js';

/** The variables Ansible's template module adds for the template alone (ansible_managed, template_path...). */
async function templateVars(file: string, src: string, dest: string): Promise<Record<string, unknown>> {
	const {uid} = await stat(file);
	return {
		ansible_managed: 'Ansible managed',
		template_path: src,
		template_fullpath: file,
		template_destpath: dest,
		template_host: hostname(),
		template_uid: await userNameOf(uid),
	};
}

/** The controller's name for a uid, from /etc/passwd, as Python's pwd.getpwuid gives it; the number when unnamed. */
async function userNameOf(uid: number): Promise<string> {
	const passwd = await readFile('/etc/passwd', 'utf8').catch(() => '');
	return passwd.split('\n').map(line => line.split(':')).find(fields => fields[2] === String(uid))?.[0] ?? String(uid);
}

interface TemplateState {
	readonly dest: FileState;
	/** The template rendered with the host's variables. */
	readonly content: Buffer;
	readonly sha256: string;
}

export default defineModule({
	name: 'template',
	summary: 'Render a template (Jinja for .j2, Handlebars for .hbs) on the controller with the host\'s variables and write it to the host (atomic, with backup and validate)',
	params: {
		src: {type: 'path', required: true, description: 'Template on the controller; a relative path is looked up in a role\'s templates/ (for a role\'s task), then in templates/ beside the task\'s file, then beside it, then the same beside the playbook that imports that file'},
		dest: {type: 'path', required: true, description: 'Path of the file on the host'},
		...fileWriteParams,
	},
	example: `- name: Configure containerd
  template:
    src: containerd/config.toml.hbs
    dest: /etc/containerd/config.toml
    mode: '0644'
    validate: containerd --config %s config dump`,
	validate(params) {
		if (params.dest.endsWith('/')) {
			return `dest ${params.dest} is a directory: dest must name the file to write`;
		}

		return fileWriteProblem(params);
	},
	readsAhead: params => [{path: params.dest}],
	lockstep: true,
	async read(ctx, params): Promise<TemplateState> {
		const file = await findSource(ctx, 'templates', params.src, 'template');
		// Strict: an undefined variable fails the task with the template's file:line, never renders as ''.
		const content = Buffer.from(renderFile(await readFile(file, 'utf8'), extendVars(ctx.vars as Record<string, unknown>, await templateVars(file, params.src, params.dest)), file));
		const dest = await readFileState(ctx, params.dest, {content: ctx.diff});
		return {dest, content, sha256: createHash('sha256').update(content).digest('hex')};
	},
	plan({dest, content, sha256}, params): Plan<FileWriteSteps> {
		return planFileWrite(dest, {
			module: 'template',
			path: dest.path,
			directory: posix.dirname(dest.path),
			content,
			sha256,
			attributes: {mode: params.mode === undefined ? undefined : parseMode(params.mode), owner: params.owner, group: params.group},
			force: true,
			result: {dest: dest.path, checksum: sha256, size: content.length},
		});
	},
	async apply(ctx, params, plan) {
		return applyFileWrite(ctx, plan, {backup: params.backup, validate: params.validate});
	},
});
