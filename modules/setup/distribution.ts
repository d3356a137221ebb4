import {type Facts, type Sections, linesOf, shellAssignments, valueOf} from './sections.js';

/*
 * Ansible's distribution and lsb facts, from /etc/os-release and the files Ansible reads beside
 * it (module_utils/facts/system/distribution.py and lsb.py, with the distro library's choices).
 */

// os-release IDs whose Ansible name is not the ID capitalized.
const names: Readonly<Record<string, string>> = {
	centos: 'CentOS', rhel: 'RedHat', almalinux: 'AlmaLinux', openEuler: 'openEuler', openeuler: 'openEuler', ol: 'OracleLinux',
	opensuse: 'openSUSE', 'opensuse-leap': 'openSUSE Leap', 'opensuse-tumbleweed': 'openSUSE Tumbleweed', sles: 'SLES',
	amzn: 'Amazon', arch: 'Archlinux', linuxmint: 'Linux Mint', pop: 'Pop!_OS', raspbian: 'Debian', kylin: 'Kylin Linux Advanced Server',
};

// Ansible's OS_FAMILY_MAP; a distribution not listed is its own family.
const families: Readonly<Record<string, readonly string[]>> = {
	RedHat: ['RedHat', 'RHEL', 'Fedora', 'CentOS', 'Scientific', 'SLC', 'Ascendos', 'CloudLinux', 'PSBM', 'OracleLinux', 'OVS', 'OEL',
		'Amazon', 'Virtuozzo', 'XenServer', 'Alibaba', 'EulerOS', 'openEuler', 'AlmaLinux', 'Rocky', 'TencentOS', 'EuroLinux',
		'Kylin Linux Advanced Server'],
	Debian: ['Debian', 'Ubuntu', 'Raspbian', 'Neon', 'KDE neon', 'Linux Mint', 'SteamOS', 'Devuan', 'Kali', 'Cumulus Linux', 'Pop!_OS',
		'Parrot', 'Pardus GNU/Linux', 'Uos', 'Deepin', 'OSMC'],
	Suse: ['SuSE', 'SLES', 'SLED', 'openSUSE', 'openSUSE Tumbleweed', 'SLES_SAP', 'SUSE_LINUX', 'openSUSE Leap'],
	Archlinux: ['Archlinux', 'Antergos', 'Manjaro'],
	Alpine: ['Alpine'],
	Gentoo: ['Gentoo', 'Funtoo'],
	ClearLinux: ['Clear Linux OS', 'Clear Linux Mix'],
};

function familyOf(distribution: string): string {
	return Object.entries(families).find(([, members]) => members.includes(distribution))?.[0] ?? distribution;
}

/** Python's str.capitalize: the first letter upper, the rest lower. */
function capitalize(text: string): string {
	return text.charAt(0).toUpperCase() + text.slice(1).toLowerCase();
}

/**
 * The full version, as the distro library's best version gives it to Ansible: Debian's os-release
 * says only "12"; the system's python3-distro (1.7 on), which Ansible uses over its own bundled
 * copy where installed, adds /etc/debian_version's "12.11". CentOS's says "7", /etc/redhat-release
 * "7.9.2009", of which Ansible keeps "7.9".
 */
function versionOf(id: string, osRelease: Readonly<Record<string, string>>, sections: Sections): string {
	const debian = valueOf(sections, 'debian_version');
	if (id === 'debian' && valueOf(sections, 'python3-distro') === 'installed' && debian && /^\d+(?:\.\d+)*$/.test(debian)) {
		return debian;
	}

	const redhat = /release\s+(\d+(?:\.\d+)*)/.exec(valueOf(sections, 'redhat-release') ?? '')?.[1];
	if (id === 'centos' && redhat) {
		return redhat.split('.').slice(0, 2).join('.');
	}

	return osRelease.VERSION_ID || 'NA';
}

function releaseOf(distribution: string, text: string, osRelease: Readonly<Record<string, string>>, sections: Sections): string {
	if (distribution === 'Debian') {
		const pretty = /PRETTY_NAME=[^(]+ \(?([^)]+?)\)/.exec(text)?.[1];
		if (pretty) {
			return pretty;
		}
	}

	const redhat = /\((.*)\)/.exec(valueOf(sections, 'redhat-release') ?? '')?.[1];
	if (familyOf(distribution) === 'RedHat' && redhat) {
		return redhat;
	}

	return osRelease.VERSION_CODENAME ?? osRelease.UBUNTU_CODENAME ?? 'NA';
}

export function distributionFacts(sections: Sections): Facts {
	const text = sections.get('os-release') ?? '';
	const osRelease = shellAssignments(text);
	const id = osRelease.ID ?? '';
	const distribution = names[id] ?? (id === '' ? 'OtherLinux' : capitalize(id));
	const version = versionOf(id, osRelease, sections);
	const facts: Facts = {
		distribution,
		distribution_version: version,
		distribution_major_version: version.split('.')[0] || 'NA',
		distribution_release: releaseOf(distribution, text, osRelease, sections),
		os_family: familyOf(distribution),
	};
	const minor = /(\d+)\.(\d+)/.exec(valueOf(sections, 'debian_version') ?? '')?.[2];
	if (distribution === 'Debian' && minor !== undefined) {
		facts.distribution_minor_version = minor;
	}

	return {...facts, lsb: lsbFacts(sections)};
}

const lsbKeys: ReadonlyArray<[string, string]> = [
	['LSB Version:', 'release'], ['Distributor ID:', 'id'], ['Description:', 'description'], ['Release:', 'release'], ['Codename:', 'codename'],
];

/** `lsb_release -a` where it is installed, else /etc/lsb-release; quotes stripped as Ansible strips them. */
function lsbFacts(sections: Sections): Record<string, string> {
	const lsb: Record<string, string> = {};
	for (const line of linesOf(sections, 'lsb_release').filter(line => line.includes(':'))) {
		const key = lsbKeys.find(([label]) => line.includes(label))?.[1];
		if (key) {
			lsb[key] = line.slice(line.indexOf(':') + 1).trim();
		}
	}

	if (Object.keys(lsb).length === 0) {
		const file = shellAssignments(sections.get('lsb-release') ?? '');
		const fileKeys = {DISTRIB_ID: 'id', DISTRIB_RELEASE: 'release', DISTRIB_DESCRIPTION: 'description', DISTRIB_CODENAME: 'codename'};
		for (const [name, key] of Object.entries(fileKeys)) {
			if (file[name] !== undefined) {
				lsb[key] = file[name];
			}
		}
	}

	if (lsb.release !== undefined) {
		lsb.major_release = lsb.release.split('.')[0]!;
	}

	return Object.fromEntries(Object.entries(lsb).map(([key, value]) => [key, value.replace(/^['"\\]+|['"\\]+$/g, '')]));
}
