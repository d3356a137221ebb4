import {defineModule} from '../engine/module.js';

/*
 * Facts in one round trip: a POSIX sh script prints key=value lines, parsed on the controller.
 * Names follow Ansible's (ansible_facts.os_family, ...), plus `arch` as release artifacts name
 * it (amd64, arm64), so a mixed-architecture inventory picks the right download per host.
 * Facts are gathered on every run, so the script reads files with the shell's own `read` and
 * leaves counting to the controller: three processes on the host (hostname, uname, id) where
 * one per fact would cost a few milliseconds of the host's CPU each.
 */
const script = String.raw`
if [ -r /etc/os-release ]; then . /etc/os-release; fi
echo "os_id=$ID"
echo "os_like=$ID_LIKE"
echo "os_version=$VERSION_ID"
h=; read -r h < /proc/sys/kernel/hostname
echo "hostname=$h"
echo "fqdn=$(hostname -f 2>/dev/null || echo "$h")"
echo "uname=$(uname -r -m)"
c=; { read -r c < /proc/1/comm; } 2>/dev/null
echo "pid1=$c"
for m in dnf yum apt-get zypper apk; do if command -v $m >/dev/null 2>&1; then echo "pkg=$m"; break; fi; done
o=; { read -r o < /sys/devices/system/cpu/online; } 2>/dev/null
echo "cpus_online=$o"
while read -r k v _; do if [ "$k" = MemTotal: ]; then echo "memkb=$v"; break; fi; done < /proc/meminfo
echo "user=$(id -un)"
`;

/** How many CPUs a kernel list of ranges names (`0-3,6,8-9` is 7); 1 when it cannot tell. */
export function countCpus(online: string): number {
	let count = 0;
	for (const range of online.split(',')) {
		const [first, last = first] = range.split('-').map(Number);
		if (!Number.isInteger(first) || !Number.isInteger(last) || last! < first!) {
			return 1;
		}

		count += last! - first! + 1;
	}

	return Math.max(count, 1);
}

const distributions: Readonly<Record<string, string>> = {
	debian: 'Debian', ubuntu: 'Ubuntu', centos: 'CentOS', rhel: 'RedHat', fedora: 'Fedora', rocky: 'Rocky',
	almalinux: 'AlmaLinux', openEuler: 'openEuler', ol: 'OracleLinux', opensuse: 'openSUSE', sles: 'SLES', alpine: 'Alpine',
};

const redHatLike = new Set(['rhel', 'centos', 'fedora', 'rocky', 'almalinux', 'openEuler', 'ol']);

const goArch: Readonly<Record<string, string>> = {x86_64: 'amd64', aarch64: 'arm64', armv7l: 'arm', ppc64le: 'ppc64le', s390x: 's390x'};

function osFamily(id: string, like: string): string {
	if (id === 'debian' || id === 'ubuntu' || like.split(' ').includes('debian')) {
		return 'Debian';
	}

	if (redHatLike.has(id) || /rhel|fedora|centos/.test(like)) {
		return 'RedHat';
	}

	return distributions[id] ?? (id || 'unknown');
}

/** Pure: the script's output -> Ansible-style facts. */
export function parseFacts(output: string): Record<string, unknown> {
	const raw: Record<string, string> = {};
	for (const line of output.split('\n')) {
		const at = line.indexOf('=');
		if (at > 0) {
			raw[line.slice(0, at)] = line.slice(at + 1).trim().replaceAll(/^"|"$/g, '');
		}
	}

	const id = raw.os_id ?? '';
	const version = raw.os_version ?? '';
	const [kernel = '', machine = ''] = (raw.uname ?? '').split(' ');
	return {
		hostname: raw.hostname,
		fqdn: raw.fqdn,
		nodename: raw.hostname,
		system: 'Linux',
		kernel,
		distribution: distributions[id] ?? id,
		distribution_version: version,
		distribution_major_version: version.split('.')[0] ?? '',
		os_family: osFamily(id, raw.os_like ?? ''),
		architecture: machine,
		machine,
		arch: goArch[machine] ?? machine,
		pkg_mgr: raw.pkg === 'apt-get' ? 'apt' : raw.pkg ?? 'unknown',
		service_mgr: raw.pid1 === 'systemd' ? 'systemd' : raw.pid1 || 'unknown',
		processor_vcpus: countCpus(raw.cpus_online ?? ''),
		memtotal_mb: Math.round((Number(raw.memkb) || 0) / 1024),
		user_id: raw.user,
	};
}

export default defineModule({
	name: 'setup',
	summary: 'Gathers facts about the host in one round trip (run for you when a play has gather_facts)',
	params: {},
	example: '- setup:',
	async read(ctx) {
		const {stdout} = await ctx.run(script);
		return stdout;
	},
	plan(output: string) {
		const facts = parseFacts(output);
		return {changed: false, msg: `${String(facts.distribution)} ${String(facts.distribution_version)} ${String(facts.arch)}`, steps: undefined, effects: {facts}};
	},
	async apply() {
		return {};
	},
});
