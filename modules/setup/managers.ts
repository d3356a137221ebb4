import {type Facts, type Sections, linesOf} from './sections.js';

/* Ansible's pkg_mgr and service_mgr (module_utils/facts/system/pkg_mgr.py, service_mgr.py). */

// Ansible's PKG_MGRS that exist on Linux, in its order: the last one present wins.
const packageManagers: ReadonlyArray<[string, string]> = [
	['/usr/bin/rpm-ostree', 'atomic_container'], ['/usr/bin/yum', 'yum'], ['/usr/bin/dnf', 'dnf'], ['/usr/bin/apt-get', 'apt'],
	['/usr/bin/zypper', 'zypper'], ['/usr/sbin/urpmi', 'urpmi'], ['/usr/bin/pacman', 'pacman'], ['/bin/opkg', 'opkg'], ['/sbin/apk', 'apk'],
	['/usr/bin/emerge', 'portage'], ['/usr/bin/xbps-install', 'xbps'], ['/usr/bin/swupd', 'swupd'], ['/usr/sbin/sorcery', 'sorcery'],
];

/** Which of yum and dnf a Red Hat family system uses, by its release. */
function redHatPackageManager(found: string, present: ReadonlySet<string>, distribution: unknown, major: unknown): string {
	if (present.has('/run/ostree-booted')) {
		return 'atomic_container';
	}

	const version = Number.parseInt(String(major), 10);
	const newer = (since: number) => Number.isNaN(version) || version >= since;
	if (distribution === 'Fedora' || distribution === 'Amazon') {
		const wanted = newer(distribution === 'Fedora' ? 23 : 2022) ? 'dnf' : 'yum';
		return present.has(`/usr/bin/${wanted}`) || Number.isNaN(version) ? wanted : found;
	}

	return newer(8) ? 'dnf' : 'yum';
}

/** The distribution's own package manager, even where others are installed (dnf on Debian). */
export function packageManagerFact(sections: Sections, distribution: Facts): string {
	const present = new Set(linesOf(sections, 'pkg'));
	let found = 'unknown';
	for (const [path, name] of packageManagers) {
		if (present.has(path)) {
			found = name;
		}
	}

	const family = distribution.os_family;
	if (family === 'RedHat') {
		found = redHatPackageManager(found, present, distribution.distribution, distribution.distribution_major_version);
	} else if (family === 'Debian') {
		found = 'apt';
	} else if (family === 'Altlinux' && found === 'apt') {
		found = 'apt_rpm';
	}

	return found === 'apt' && present.has('apt-rpm') ? 'apt_rpm' : found;
}

const initNames: Readonly<Record<string, string>> = {procd: 'openwrt_init', 'runit-init': 'runit', svscan: 'svc', 'openrc-init': 'openrc'};

/** PID 1's name, unless it says nothing (init, a shell); then what the system's files say. */
export function serviceManagerFact(sections: Sections): string {
	const lines = linesOf(sections, 'init');
	const has = (line: string) => lines.includes(line);
	const comm = lines.find(line => line.startsWith('comm '))?.slice(5).trim() ?? '';
	const link = lines.find(line => line.startsWith('init-link '))?.slice(10).trim();
	const pid1 = (comm || link?.split('/').at(-1)) ?? '';
	if (pid1 !== '' && pid1 !== 'init' && !pid1.endsWith('sh')) {
		return initNames[pid1] ?? pid1;
	}

	if (has('systemctl') && ['/run/systemd/system/', '/dev/.run/systemd/', '/dev/.systemd/'].some(path => has(`exists ${path}`))) {
		return 'systemd';
	}

	if (has('initctl') && has('exists /etc/init/')) {
		return 'upstart';
	}

	if (has('exists /sbin/openrc')) {
		return 'openrc';
	}

	if (has('systemctl') && link?.split('/').at(-1) === 'systemd') {
		return 'systemd';
	}

	return has('exists /etc/init.d/') ? 'sysvinit' : 'service';
}
