import {type Facts, type Sections, linesOf, valueOf} from './sections.js';

/*
 * Ansible's virtualization_type and virtualization_role (module_utils/facts/virtual/linux.py):
 * its checks in its order, the first found winning: containers (cgroups, PID 1's environment,
 * OpenVZ, systemd's container file, /.dockerenv), Xen, the DMI names of virtual machines, then the
 * kernel modules and /dev/kvm of a host. Its checks of /proc/self/status, /proc/cpuinfo and
 * dmidecode are not made. NA when nothing says.
 */

type Found = {type: string; role: string} | undefined;

function containerOf(sections: Sections): Found {
	const guest = (type: string): Found => ({type, role: 'guest'});
	for (const line of linesOf(sections, 'cgroup')) {
		if (/\/docker(\/|-[0-9a-f]+\.scope)/.test(line)) {
			return guest('docker');
		}

		if (/\/lxc\/|\/machine\.slice\/machine-lxc/.test(line)) {
			return guest('lxc');
		}

		if (line.includes('/system.slice/containerd.service')) {
			return guest('containerd');
		}
	}

	for (const entry of (sections.get('environ') ?? '').split(/[\0\n]/)) {
		if (entry.includes('container=lxc')) {
			return guest('lxc');
		}

		if (entry.includes('container=podman')) {
			return guest('podman');
		}

		if (/^container=./.test(entry)) {
			return guest('container');
		}
	}

	return undefined;
}

const productNames: Readonly<Record<string, string>> = {
	KVM: 'kvm', 'KVM Server': 'kvm', Bochs: 'kvm', AHV: 'kvm', 'VMware Virtual Platform': 'VMware', 'VMware7,1': 'VMware',
	'OpenStack Compute': 'openstack', 'OpenStack Nova': 'openstack',
};
const systemVendors: Readonly<Record<string, string>> = {
	oVirt: 'oVirt', QEMU: 'kvm', 'Amazon EC2': 'kvm', DigitalOcean: 'kvm', Google: 'kvm', Scaleway: 'kvm', Nutanix: 'kvm',
	KubeVirt: 'KubeVirt', 'Microsoft Corporation': 'VirtualPC', 'Parallels Software International Inc.': 'parallels', 'OpenStack Foundation': 'openstack',
};
const biosVendors: Readonly<Record<string, string>> = {
	Xen: 'xen', 'innotek GmbH': 'virtualbox', 'Amazon EC2': 'kvm', DigitalOcean: 'kvm', Hetzner: 'kvm',
};

/** A virtual machine by its DMI names, in Ansible's order of checks. */
function machineOf(sections: Sections): string | undefined {
	const dmi = (name: string) => valueOf(sections, `dmi ${name}`) ?? '';
	const product = dmi('product_name');
	const vendor = dmi('sys_vendor');
	const fromProduct = ['KVM', 'KVM Server', 'Bochs', 'AHV'].includes(product) ? 'kvm' : undefined;
	const redHat = vendor === 'Red Hat' ? (dmi('product_family') === 'RHV' ? 'RHV' : product === 'RHEV Hypervisor' ? 'RHEV' : undefined) : undefined;
	return fromProduct ?? (vendor === 'oVirt' ? 'oVirt' : undefined) ?? redHat ?? productNames[product] ?? biosVendors[dmi('bios_vendor')] ?? systemVendors[vendor];
}

function hostOf(sections: Sections, paths: ReadonlySet<string>): Found {
	const modules = new Set(linesOf(sections, 'modules'));
	if (modules.has('kvm')) {
		return {type: 'kvm', role: 'host'};
	}

	if (modules.has('vboxdrv')) {
		return {type: 'virtualbox', role: 'host'};
	}

	if (modules.has('virtio')) {
		return {type: 'kvm', role: 'guest'};
	}

	return paths.has('/dev/kvm') ? {type: 'kvm', role: 'host'} : undefined;
}

function virtualizationOf(sections: Sections): Found {
	const paths = new Set(linesOf(sections, 'paths'));
	const container = containerOf(sections);
	if (container) {
		return container;
	}

	if (paths.has('/proc/vz') && !paths.has('/proc/lve')) {
		return {type: 'openvz', role: paths.has('/proc/bc') ? 'host' : 'guest'};
	}

	const systemdContainer = valueOf(sections, 'systemd-container');
	if (systemdContainer) {
		return {type: systemdContainer, role: 'guest'};
	}

	if (paths.has('/.dockerenv') || paths.has('/.dockerinit')) {
		return {type: 'docker', role: 'guest'};
	}

	if (paths.has('/proc/xen')) {
		return {type: 'xen', role: linesOf(sections, 'xen-capabilities').some(line => line.includes('control_d')) ? 'host' : 'guest'};
	}

	const machine = machineOf(sections);
	return machine ? {type: machine, role: 'guest'} : hostOf(sections, paths);
}

export function virtualFacts(sections: Sections): Facts {
	const found = virtualizationOf(sections);
	return {virtualization_type: found?.type ?? 'NA', virtualization_role: found?.role ?? 'NA'};
}
