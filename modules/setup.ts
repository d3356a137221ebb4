import {defineModule} from '../engine/module.js';

/*
 * Facts in one round trip: a POSIX sh script prints key=value lines, parsed on the controller.
 * Names follow Ansible's (ansible_facts.os_family, ...), plus `arch` as release artifacts name
 * it (amd64, arm64), so a mixed-architecture inventory picks the right download per host.
 */
const script = String.raw`
if [ -r /etc/os-release ]; then . /etc/os-release; fi
echo "os_id=$ID"
echo "os_like=$ID_LIKE"
echo "os_version=$VERSION_ID"
echo "hostname=$(cat /proc/sys/kernel/hostname)"
echo "fqdn=$(hostname -f 2>/dev/null || cat /proc/sys/kernel/hostname)"
echo "kernel=$(uname -r)"
echo "machine=$(uname -m)"
echo "pid1=$(cat /proc/1/comm 2>/dev/null)"
for m in dnf yum apt-get zypper apk; do if command -v $m >/dev/null 2>&1; then echo "pkg=$m"; break; fi; done
echo "cpus=$(getconf _NPROCESSORS_ONLN 2>/dev/null)"
echo "memkb=$(sed -n 's/^MemTotal: *\([0-9]*\).*/\1/p' /proc/meminfo)"
echo "user=$(id -un)"
`;

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
	const machine = raw.machine ?? '';
	return {
		hostname: raw.hostname,
		fqdn: raw.fqdn,
		nodename: raw.hostname,
		system: 'Linux',
		kernel: raw.kernel,
		distribution: distributions[id] ?? id,
		distribution_version: version,
		distribution_major_version: version.split('.')[0] ?? '',
		os_family: osFamily(id, raw.os_like ?? ''),
		architecture: machine,
		machine,
		arch: goArch[machine] ?? machine,
		pkg_mgr: raw.pkg === 'apt-get' ? 'apt' : raw.pkg ?? 'unknown',
		service_mgr: raw.pid1 === 'systemd' ? 'systemd' : raw.pid1 || 'unknown',
		processor_vcpus: Number(raw.cpus) || 1,
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
