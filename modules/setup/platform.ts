import {type Facts, type Sections, linesOf, valueOf} from './sections.js';

// What release artifacts call each machine (Go's GOARCH): pb's own `arch` fact.
const goArch: Readonly<Record<string, string>> = {x86_64: 'amd64', aarch64: 'arm64', armv7l: 'arm', ppc64le: 'ppc64le', s390x: 's390x'};

/**
 * Python's socket.getfqdn() from `getent hosts ADDRESS` (the host's first address's names): the
 * first of them holding a dot, else the first; the hostname itself when nothing resolves.
 */
function fqdnOf(reverse: string | undefined, hostname: string): string {
	const names = reverse?.split(/\s+/).slice(1) ?? [];
	return names.find(name => name.includes('.')) ?? names[0] ?? hostname;
}

/** Ansible's platform facts (kernel, machine, names, machine_id), plus pb's `arch`. */
export function platformFacts(sections: Sections): Facts {
	const words = (valueOf(sections, 'uname') ?? '').split(/\s+/);
	const kernel = words[0] ?? '';
	const machine = words.length > 1 ? words.at(-1)! : '';
	const nodename = valueOf(sections, 'hostname') ?? '';
	const fqdn = fqdnOf(linesOf(sections, 'fqdn')[0], nodename);
	const machineId = valueOf(sections, 'machine-id');
	return {
		system: 'Linux',
		kernel,
		kernel_version: words.slice(1, -1).join(' '),
		machine,
		architecture: /^i[3-6]86$/.test(machine) ? 'i386' : machine,
		arch: goArch[machine] ?? machine,
		nodename,
		hostname: nodename.split('.')[0] ?? '',
		fqdn,
		domain: fqdn.split('.').slice(1).join('.'),
		...(machineId ? {machine_id: machineId} : {}),
	};
}
