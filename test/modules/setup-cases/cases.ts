import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import type {FactGroup} from '../../../modules/setup/subsets.js';
import {repoRoot} from '../../helpers/playbook-run.js';

/** What the fact script printed on a host, and the facts Ansible's setup gives there (the parts to compare). */
export interface FactCase {
	readonly title: string;
	readonly output: string;
	readonly groups: readonly FactGroup[];
	/** gather_subset as asked, which the facts repeat (default all). */
	readonly subsets?: readonly string[];
	readonly facts: Readonly<Record<string, unknown>>;
	/** Facts that must not be there. */
	readonly absent?: readonly string[];
}

const output = (name: string) => readFileSync(join(repoRoot, 'test/modules/setup-cases', name), 'utf8');

const all: readonly FactGroup[] = ['min', 'hardware', 'network', 'virtual'];

export const factCases: readonly FactCase[] = [
	{
		// Captured on a Debian 12 VM in a container; the facts are what `ansible localhost -m setup` (ansible-core 2.14.18) gave there.
		title: 'Debian 12 VM: the values ansible-core 2.14 gave on it',
		output: output('debian12-vm.txt'),
		groups: all,
		facts: {
			architecture: 'x86_64', machine: 'x86_64', system: 'Linux', kernel: '6.18.44-fc-v1147', kernel_version: '#1 SMP PREEMPT_DYNAMIC @0',
			hostname: 'vm', nodename: 'vm', fqdn: 'localhost', domain: '', arch: 'amd64',
			distribution: 'Debian', distribution_version: '12.11', distribution_major_version: '12', distribution_minor_version: '11',
			distribution_release: 'bookworm', os_family: 'Debian',
			lsb: {codename: 'bookworm', description: 'Debian GNU/Linux 12 (bookworm)', id: 'Debian', major_release: '12', release: '12'},
			date_time: {
				date: '2026-12-03', day: '03', epoch: '1796297560', epoch_int: '1796297560', hour: '11', iso8601: '2026-12-03T11:32:40Z',
				iso8601_basic: '20261203T113240759628', iso8601_basic_short: '20261203T113240', iso8601_micro: '2026-12-03T11:32:40.759628Z',
				minute: '32', month: '12', second: '40', time: '11:32:40', tz: 'UTC', tz_offset: '+0000', weekday: 'Thursday',
				weekday_number: '4', weeknumber: '48', year: '2026',
			},
			user_id: 'root', user_uid: 0, user_gid: 0, user_gecos: 'root', user_dir: '/root', user_shell: '/bin/bash',
			real_user_id: 0, effective_user_id: 0, real_group_id: 0, effective_group_id: 0,
			env: {HOME: '/root', PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C.UTF-8', PWD: '/tmp/facts-work'},
			pkg_mgr: 'apt', service_mgr: 'process_api', dns: {nameservers: ['10.255.255.53']}, machine_id: '3d1219c7c4c5404aaa1f6d2a48adfda4',
			processor: ['0', 'AuthenticAMD', 'AMD EPYC', '1', 'AuthenticAMD', 'AMD EPYC'],
			processor_count: 1, processor_cores: 2, processor_threads_per_core: 1, processor_vcpus: 2, processor_nproc: 2,
			uptime_seconds: 1875, bios_date: 'NA', product_name: 'NA', system_vendor: 'NA', form_factor: 'NA', product_uuid: 'NA',
			memtotal_mb: 24105, swaptotal_mb: 0, swapfree_mb: 0,
			mounts: [
				{mount: '/', device: '/dev/vda', fstype: 'ext4', options: 'rw,relatime,discard,resv_strict,resuid=65534,resgid=65534'},
				{mount: '/run/netns', device: '/dev/vda', fstype: 'ext4', options: 'rw,relatime,discard,resv_strict,resuid=65534,resgid=65534'},
			],
			default_ipv4: {
				address: '192.0.2.2', alias: 'eth0', broadcast: '192.0.2.255', gateway: '192.0.2.1', interface: 'eth0',
				macaddress: '02:fc:00:00:00:01', mtu: 1400, netmask: '255.255.255.0', network: '192.0.2.0', prefix: '24', type: 'ether',
			},
			all_ipv4_addresses: ['192.0.2.2'],
			default_ipv6: {
				address: 'fd00::2', gateway: 'fd00::1', interface: 'eth0', macaddress: '02:fc:00:00:00:01', mtu: 1400, prefix: '64', scope: 'global', type: 'ether',
			},
			all_ipv6_addresses: ['fd00::2', 'fe80::fc:ff:fe00:1'],
			eth0: {
				active: true, device: 'eth0', macaddress: '02:fc:00:00:00:01', mtu: 1400, promisc: false, type: 'ether',
				ipv4: {address: '192.0.2.2', broadcast: '192.0.2.255', netmask: '255.255.255.0', network: '192.0.2.0', prefix: '24'},
				ipv6: [{address: 'fd00::2', prefix: '64', scope: 'global'}, {address: 'fe80::fc:ff:fe00:1', prefix: '64', scope: 'link'}],
			},
			lo: {
				active: true, device: 'lo', mtu: 65_536, promisc: false, type: 'loopback',
				ipv4: {address: '127.0.0.1', broadcast: '', netmask: '255.0.0.0', network: '127.0.0.0', prefix: '8'},
				ipv6: [{address: '::1', prefix: '128', scope: 'host'}],
			},
			ifb0: {active: false, device: 'ifb0', macaddress: 'fe:5e:29:9a:2b:c5', mtu: 1500, promisc: false, type: 'ether'},
			virtualization_type: 'docker', virtualization_role: 'guest',
			gather_subset: ['all'], module_setup: true,
		},
	},
	{
		title: 'a lab host: Debian 12 in systemd-nspawn, dnf installed beside apt, no default route, an address labelled host0:vip, a point-to-point tunnel',
		output: output('debian12-lab.txt'),
		groups: all,
		facts: {
			hostname: 'pblab-1', nodename: 'pblab-1', fqdn: 'pblab-1.lab', domain: 'lab',
			kernel_version: '#1 SMP PREEMPT_DYNAMIC Debian 6.1.119-1 (2024-11-22)',
			// No python3-distro on the lab's hosts: ansible-playbook gives os-release's "12" there.
			distribution_version: '12', distribution_minor_version: '8', distribution_release: 'bookworm', lsb: {},
			date_time: {
				date: '2025-01-01', time: '05:29:59', year: '2025', month: '01', day: '01', hour: '05', minute: '29', second: '59',
				weekday: 'Wednesday', weekday_number: '3', weeknumber: '00', epoch: '1735689599', iso8601: '2024-12-31T23:59:59Z',
				iso8601_micro: '2024-12-31T23:59:59.250000Z', iso8601_basic: '20250101T052959250000', iso8601_basic_short: '20250101T052959',
				tz: 'IST', tz_offset: '+0530',
			},
			user_id: 'deploy', user_uid: 1000, user_gid: 1000, user_gecos: 'Deploy User,,,', user_dir: '/home/deploy', user_shell: '/bin/bash',
			env: {HOME: '/home/deploy', PATH: '/usr/bin:/bin', MULTI: 'line one\nline two'},
			pkg_mgr: 'apt', service_mgr: 'systemd',
			dns: {search: ['lab', 'example.com'], nameservers: ['10.213.0.1', '10.213.0.2'], options: {ndots: '2', rotate: true}},
			processor_count: 1, processor_cores: 2, processor_threads_per_core: 2, processor_vcpus: 4, processor_nproc: 4, uptime_seconds: 12,
			product_name: 'Standard PC (i440FX + PIIX, 1996)', system_vendor: 'QEMU', form_factor: 'Other', product_serial: 'NA',
			memtotal_mb: 2000, memfree_mb: 1000, swaptotal_mb: 1024, swapfree_mb: 976,
			memory_mb: {real: {total: 2000, used: 1000, free: 1000}, nocache: {free: 1012, used: 988}, swap: {total: 1024, free: 976, used: 48, cached: 0}},
			mounts: [{mount: '/srv/my data', device: '/dev/sda1', fstype: 'ext4', options: 'rw,relatime'}],
			default_ipv4: {},
			default_ipv6: {},
			all_ipv6_addresses: ['fd01::1'],
			interfaces: ['host0', 'host0_vip', 'lo', 'tun0'],
			tun0: {device: 'tun0', type: 'tunnel', mtu: 1500, active: true, ipv6: [{address: 'fd01::1', prefix: '128', scope: 'global'}]},
			all_ipv4_addresses: ['10.213.0.10', '10.213.0.99'],
			host0: {
				device: 'host0', active: true, macaddress: '6a:1f:00:00:00:0a',
				ipv4: {address: '10.213.0.10', broadcast: '10.213.0.255', netmask: '255.255.255.0', network: '10.213.0.0', prefix: '24'},
				ipv4_secondaries: [{address: '10.213.0.99', broadcast: '10.213.0.255', netmask: '255.255.255.0', network: '10.213.0.0', prefix: '24'}],
			},
			host0_vip: {ipv4_secondaries: [{address: '10.213.0.99', broadcast: '10.213.0.255', netmask: '255.255.255.0', network: '10.213.0.0', prefix: '24'}]},
			virtualization_type: 'container', virtualization_role: 'guest',
		},
	},
	{
		title: 'CentOS 7 on KVM, only min, network and virtual gathered: version from redhat-release, yum, a bonded interface',
		output: output('centos7-kvm.txt'),
		groups: ['min', 'network', 'virtual'],
		facts: {
			hostname: 'db1', nodename: 'db1.example.com', fqdn: 'db1.example.com', domain: 'example.com',
			distribution: 'CentOS', distribution_version: '7.9', distribution_major_version: '7', distribution_release: 'Core', os_family: 'RedHat',
			date_time: {date: '2023-11-14', time: '17:13:20', weekday: 'Tuesday', weekday_number: '2', weeknumber: '46', iso8601_micro: '2023-11-14T22:13:20.000000Z', tz: 'EST', tz_offset: '-0500'},
			pkg_mgr: 'yum', service_mgr: 'systemd',
			default_ipv4: {
				interface: 'eth0', address: '192.168.1.20', gateway: '192.168.1.1', broadcast: '192.168.1.255', netmask: '255.255.255.0',
				network: '192.168.1.0', prefix: '24', macaddress: '52:54:00:12:34:56', mtu: 9000, type: 'bonding', alias: 'eth0',
			},
			eth0: {device: 'eth0', type: 'bonding', promisc: true, mtu: 9000},
			virtualization_type: 'kvm', virtualization_role: 'guest',
		},
		absent: ['memtotal_mb', 'processor_vcpus', 'mounts', 'distribution_minor_version', 'product_name', 'machine_id'],
	},
	{
		title: 'gather_subset !all: only the minimal facts',
		output: output('debian12-vm.txt'),
		groups: ['min'],
		subsets: ['!all'],
		facts: {distribution: 'Debian', pkg_mgr: 'apt', gather_subset: ['!all']},
		absent: ['memtotal_mb', 'processor_vcpus', 'default_ipv4', 'interfaces', 'eth0', 'virtualization_type'],
	},
	{
		title: 'no ip command on the host: no network facts, as Ansible',
		output: output('debian12-vm.txt').replace('### ip\n', ''),
		groups: ['network'],
		facts: {module_setup: true},
		absent: ['interfaces', 'default_ipv4', 'default_ipv6', 'all_ipv4_addresses', 'all_ipv6_addresses', 'eth0', 'distribution'],
	},
];
