import {HostFileError} from '../engine/host/file-state.js';
import {writeFileAtomic} from '../engine/host/write-file.js';
import {defineModule, type Plan} from '../engine/module.js';
import {quoteShell} from '../engine/shell-words.js';

/*
 * The host's name, live and across reboots. On a systemd host through hostnamectl, as Ansible's
 * systemd strategy does (static, then transient); elsewhere /etc/hostname and the kernel's live
 * name. Ansible's file strategy (Debian without systemd) writes only the file; here the live name
 * follows too, so the host is right without a reboot.
 */

type Strategy = 'systemd' | 'file';

interface HostnameState {
	readonly strategy: Strategy;
	/** The live (transient) name. */
	readonly current: string;
	/** The name kept across reboots: hostnamectl's static name, or /etc/hostname ('' when there is none). */
	readonly permanent: string;
}

interface HostnameSteps {
	readonly strategy: Strategy;
	readonly setPermanent: boolean;
	readonly setCurrent: boolean;
}

const hostnameFile = '/etc/hostname';

/**
 * Prints `strategy NAME`, the live name, then the permanent one (or that hostnamectl is missing).
 * Both names are read from the kernel and /etc/hostname, as hostnamectl's status would give them:
 * asking hostnamectl starts systemd-hostnamed, which leaves files behind even in check mode.
 */
function readScript(use: string | undefined): string {
	const names = [
		'cat /proc/sys/kernel/hostname || exit 1',
		// The first line that is not a comment, as systemd reads the file.
		`if [ -f ${hostnameFile} ]; then grep -v '^[[:space:]]*#' ${hostnameFile} | tr -d ' \t' | grep -m 1 .; fi; echo`,
	].join('\n');
	const hasHostnamectl = 'command -v hostnamectl >/dev/null 2>&1';
	if (use === 'systemd' || use === 'debian') {
		return `if ! ${hasHostnamectl}; then echo "no hostnamectl"; exit 0; fi\necho "strategy systemd"\n${names}`;
	}

	const strategy = use === 'alpine' ? 'echo "strategy file"' : `if ${hasHostnamectl} && [ -d /run/systemd/system ]; then echo "strategy systemd"; else echo "strategy file"; fi`;
	return `${strategy}\n${names}`;
}

/** The facts Ansible's hostname module sets from the new name. */
function factsOf(name: string): Record<string, string> {
	const at = name.indexOf('.');
	return {hostname: at < 0 ? name : name.slice(0, at), nodename: name, fqdn: name, domain: at < 0 ? '' : name.slice(at + 1)};
}

export default defineModule({
	name: 'hostname',
	summary: 'Sets the host\'s name, live and across reboots (hostnamectl on systemd hosts, else /etc/hostname)',
	params: {
		name: {type: 'str', required: true, description: 'The host name, e.g. node1 or node1.example.com'},
		use: {type: 'str', choices: ['systemd', 'debian', 'alpine'], description: 'How: systemd (or debian) through hostnamectl; alpine through /etc/hostname and the live name; unset: hostnamectl where systemd runs, else the file'},
	},
	example: `- name: Name the node as the inventory does
  hostname:
    name: "{{ inventory_hostname }}"`,
	validate({name}) {
		if (name.length > 64) {
			return `name ${name} is longer than 64 characters, which a host name cannot be`;
		}

		return /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/.test(name) ? undefined : `name ${JSON.stringify(name)} is not a host name: letters, digits, hyphens and dots, starting and ending with a letter or digit`;
	},
	async read(ctx, {use}): Promise<HostnameState> {
		const result = await ctx.run(readScript(use));
		if (result.stdout.startsWith('no hostnamectl')) {
			throw new Error(`use: ${use ?? ''} needs hostnamectl (systemd), which ${ctx.host} does not have; use: alpine writes /etc/hostname and sets the live name instead`);
		}

		const [strategyLine = '', current = '', permanent = ''] = result.stdout.split('\n');
		if (result.code !== 0) {
			throw new Error(`cannot read the host name of ${ctx.host}: ${result.stderr.trim()}`);
		}

		const strategy: Strategy = strategyLine === 'strategy systemd' ? 'systemd' : 'file';
		// Check mode: as an earlier task of this run would have left it.
		const predicted = ctx.predictedState?.('hostname') as string | undefined;
		return {strategy, current: predicted ?? current.trim(), permanent: predicted ?? permanent.trim()};
	},
	plan({strategy, current, permanent}, {name}): Plan<HostnameSteps> {
		const result = {name, ansible_facts: Object.fromEntries(Object.entries(factsOf(name)).map(([key, value]) => [`ansible_${key}`, value]))};
		const effects = {facts: factsOf(name)};
		const steps = {strategy, setPermanent: permanent !== name, setCurrent: current !== name};
		if (!steps.setPermanent && !steps.setCurrent) {
			return {changed: false, msg: `the host is named ${name}`, steps, result, effects};
		}

		const before = name === current ? permanent : current;
		const content = Buffer.from(`${name}\n`);
		return {
			changed: true,
			msg: `host name set to ${name} (${[steps.setPermanent ? `was ${permanent || 'unset'} across reboots` : '', steps.setCurrent ? `${current} live` : ''].filter(Boolean).join(', ')})`,
			diff: [{header: strategy === 'systemd' ? 'hostname (hostnamectl)' : hostnameFile, before: `hostname = ${before}\n`, after: `hostname = ${name}\n`}],
			steps,
			result,
			effects,
			...(steps.setPermanent ? {predicts: [{path: hostnameFile, type: 'file' as const, content}]} : {}),
			predictsStates: {hostname: name},
		};
	},
	async apply(ctx, {name}, plan) {
		const {strategy, setPermanent, setCurrent} = plan.steps;
		const quoted = quoteShell(name);
		if (strategy === 'systemd') {
			// systemd-hostnamed starts on the first call; on a busy host that call can time out while it
			// starts, and the next finds it running. Setting a name twice is harmless.
			const hostnamectl = (args: string) => `{ hostnamectl ${args} || { sleep 1; hostnamectl ${args}; }; }`;
			// Static first, as Ansible does: NetworkManager objects to a transient name set on its own.
			const script = [
				setPermanent ? `${hostnamectl(`--pretty --static set-hostname ${quoted}`)} || exit 1` : '',
				setCurrent ? `[ "$(cat /proc/sys/kernel/hostname)" = ${quoted} ] || ${hostnamectl(`--transient set-hostname ${quoted}`)} || exit 1` : '',
			].filter(Boolean).join('\n');
			const result = await ctx.run(script);
			return result.code === 0 ? {} : {failed: `hostnamectl could not set the host name of ${ctx.host} to ${name}: ${result.stderr.trim()}`};
		}

		try {
			if (setPermanent) {
				await writeFileAtomic(ctx, hostnameFile, `${name}\n`);
			}
		} catch (error) {
			if (error instanceof HostFileError) {
				return {failed: error.message};
			}

			throw error;
		}

		// sethostname(2) through hostname(1); /proc/sys is read-only in some containers.
		const live = setCurrent ? await ctx.run(`if command -v hostname >/dev/null 2>&1; then hostname ${quoted}; else printf '%s\\n' ${quoted} > /proc/sys/kernel/hostname; fi`) : undefined;
		return live === undefined || live.code === 0 ? {} : {failed: `cannot set the live host name of ${ctx.host} to ${name}: ${live.stderr.trim()}; ${hostnameFile} holds it for the next boot`};
	},
});
