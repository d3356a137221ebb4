import {defineModule, type Plan} from '../engine/module.js';
import {quoteShell} from '../engine/shell-words.js';

/** A file's bytes in base64, or why there are none, as Ansible's slurp words it. */
type SlurpState = {readonly content: string} | {readonly problem: string};

export default defineModule({
	name: 'slurp',
	summary: 'Read a file on the host into a registered variable, base64-encoded (never changes anything)',
	params: {
		src: {type: 'path', required: true, aliases: ['path'], description: 'The file on the host'},
	},
	example: `- name: Read the kubelet's flags
  slurp:
    src: /var/lib/kubelet/kubeadm-flags.env
  register: flags

- debug:
    msg: "{{ flags.content | b64decode }}"`,
	async read(ctx, params): Promise<SlurpState> {
		// One round trip, and a read only: check mode runs it too, as Ansible does.
		const script = [
			`p=${quoteShell(params.src)}`,
			'if [ -d "$p" ]; then echo directory',
			'elif [ ! -e "$p" ]; then echo missing',
			'elif [ ! -r "$p" ]; then echo unreadable',
			'else echo content; base64 < "$p"; fi',
		].join('\n');
		const result = await ctx.run(script, {inline: true});
		const [first = '', ...rest] = result.stdout.split('\n');
		if (result.code !== 0 || first !== 'content') {
			const problems: Record<string, string> = {directory: 'source is a directory and must be a file', missing: `file not found: ${params.src}`, unreadable: `file is not readable: ${params.src}`};
			return {problem: problems[first] ?? `cannot read ${params.src} on ${ctx.host}: ${result.stderr.trim()}`};
		}

		return {content: rest.join('')};
	},
	plan(state, params): Plan<undefined> {
		if ('problem' in state) {
			return {changed: false, msg: '', steps: undefined, failed: state.problem};
		}

		return {changed: false, msg: `${params.src}: ${Buffer.from(state.content, 'base64').length} bytes`, steps: undefined, result: {content: state.content, encoding: 'base64', source: params.src}};
	},
	async apply() {
		// The plan is never changed, so the engine never calls this.
		return {};
	},
});
