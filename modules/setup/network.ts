import {type Facts, type Sections, linesOf} from './sections.js';

/*
 * Ansible's network facts (module_utils/facts/network/linux.py): the default routes' interface
 * and address from `ip -4 route get 8.8.8.8` and `ip -6 route get 2404:6800:400a:800::1012`
 * (which ask the kernel's routing table and send nothing), each interface from /sys/class/net,
 * its addresses from `ip -o addr`. ethtool features and bonding details are not read.
 */

// /sys/class/net/*/type, as Ansible names them.
const interfaceTypes: Readonly<Record<string, string>> = {1: 'ether', 32: 'infiniband', 512: 'ppp', 772: 'loopback', 65534: 'tunnel'};

interface Ipv4 {
	address: string;
	broadcast: string;
	netmask: string;
	network: string;
	prefix: string;
}

type Interface = Record<string, unknown>;

function dotted(bits: number): string {
	return [24, 16, 8, 0].map(shift => (bits >>> shift) & 255).join('.');
}

function ipv4Of(words: readonly string[]): Ipv4 {
	const [address = '', prefix = '32'] = words[1]!.split('/');
	const broadcast = words.length > 3 && words[2] === 'brd' ? words[3]! : '';
	const mask = Number(prefix) === 0 ? 0 : (0xFF_FF_FF_FF << (32 - Number(prefix))) >>> 0;
	const bits = address.split('.').reduce((sum, part) => ((sum * 256) + Number(part)), 0);
	return {address, broadcast, netmask: dotted(mask), network: dotted((bits & mask) >>> 0), prefix};
}

// The addresses Ansible asks the way to: Google's DNS, and ipv6.google.com.
const probes = {route: '8.8.8.8', route6: '2404:6800:400a:800::1012'} as const;

/** `ip route get PROBE`: dev, src and via of its first line, when it answers for the address asked. */
function defaultRoute(sections: Sections, section: keyof typeof probes): Record<string, unknown> {
	const probe = probes[section];
	const words = linesOf(sections, section)[0]?.trim().split(/\s+/) ?? [];
	const route: Record<string, unknown> = {};
	if (words[0] !== probe) {
		return route;
	}

	for (let index = 0; index < words.length - 1; index++) {
		const next = words[index + 1]!;
		if (words[index] === 'dev') {
			route.interface = next;
		} else if (words[index] === 'src') {
			route.address = next;
		} else if (words[index] === 'via' && next !== probe) {
			route.gateway = next;
		}
	}

	return route;
}

/** An inet6 line as Ansible reads it: `ADDR/PREFIX scope S`, or a point-to-point `ADDR peer PEER/PREFIX scope S`. */
function ipv6Of(words: readonly string[]): {address: string; prefix: string; scope: string} {
	const peer = words[2] === 'peer';
	const [address = '', prefix = ''] = peer ? [words[1], words[3]?.split('/')[1]] : words[1]!.split('/');
	return {address, prefix, scope: words[peer ? 5 : 3] ?? ''};
}

/** A sysfs line of the script: path, operstate, mtu, type, flags, bonding/bridge, mac ('-' for a file not there). */
function linkOf(line: string): Interface {
	const [path = '', operstate, mtu, type, flags, kind, mac] = line.split(/\s+/);
	const device = path.split('/').at(-1)!;
	const link: Interface = {device};
	const known = (value: string | undefined): value is string => value !== undefined && value !== '-';
	if (known(mac) && mac !== '00:00:00:00:00:00') {
		link.macaddress = mac;
	}

	if (known(mtu)) {
		link.mtu = Number(mtu);
	}

	if (known(operstate)) {
		link.active = operstate !== 'down';
	}

	if (known(type)) {
		link.type = interfaceTypes[type] ?? 'unknown';
	}

	if (known(kind)) {
		link.type = kind;
	}

	if (known(flags)) {
		link.promisc = (Number.parseInt(flags, 16) & 0x1_00) > 0;
	}

	return link;
}

/**
 * `ip -o` lines of one device and family: `N: dev    inet A/L brd B scope S [secondary] LABEL\  valid_lft ...`,
 * as words from `inet` (or `inet6`) to the label; primary addresses first, as Ansible asks for them first.
 */
function addressWords(sections: Sections, device: string, family: 'inet' | 'inet6'): Array<{words: string[]; secondary: boolean}> {
	const lines = linesOf(sections, 'addresses').map(line => line.split('\\')[0]!.trim().split(/\s+/));
	const own = lines.filter(words => words[1] === device && words[2] === family).map(words => ({words: words.slice(2), secondary: words.includes('secondary')}));
	return [...own.filter(entry => !entry.secondary), ...own.filter(entry => entry.secondary)];
}

export function networkFacts(sections: Sections): Facts {
	if (!sections.has('ip')) {
		// As Ansible: without the ip command, no network facts at all.
		return {};
	}

	const defaultIpv4 = defaultRoute(sections, 'route');
	const defaultIpv6 = defaultRoute(sections, 'route6');
	const interfaces = new Map<string, Interface>();
	const all: string[] = [];
	const all6: string[] = [];
	for (const line of linesOf(sections, 'links')) {
		const link = linkOf(line);
		const device = String(link.device);
		// The MAC address as read, even the 00:00:... that the interface's own facts leave out.
		const macaddress = line.split(/\s+/)[6];
		interfaces.set(device, link);
		for (const {words, secondary} of addressWords(sections, device, 'inet')) {
			const ipv4 = ipv4Of(words);
			const label = words.at(-1)!;
			if (label !== device) {
				// As Ansible: an address labelled eth0:1 makes an interface of its own, anew for each address.
				interfaces.set(label, {});
			}

			const target = interfaces.get(label)!;
			if (!secondary && target.ipv4 === undefined) {
				target.ipv4 = ipv4;
			} else {
				target.ipv4_secondaries = [...(target.ipv4_secondaries as Ipv4[] | undefined ?? []), ipv4];
			}

			if (secondary && label !== device) {
				link.ipv4_secondaries = [...(link.ipv4_secondaries as Ipv4[] | undefined ?? []), ipv4];
			}

			if (defaultIpv4.address === ipv4.address) {
				const {broadcast, netmask, network, prefix} = ipv4;
				Object.assign(defaultIpv4, {broadcast, netmask, network, prefix, macaddress, mtu: link.mtu, type: link.type ?? 'unknown', alias: label});
			}

			if (!ipv4.address.startsWith('127.')) {
				all.push(ipv4.address);
			}
		}

		for (const {words} of addressWords(sections, device, 'inet6')) {
			const ipv6 = ipv6Of(words);
			link.ipv6 = [...(link.ipv6 as unknown[] | undefined ?? []), ipv6];
			if (defaultIpv6.address === ipv6.address) {
				Object.assign(defaultIpv6, {prefix: ipv6.prefix, scope: ipv6.scope, macaddress, mtu: link.mtu, type: link.type ?? 'unknown'});
			}

			if (ipv6.address !== '::1') {
				all6.push(ipv6.address);
			}
		}
	}

	// As Ansible: eth0:1 is named eth0_1, easier to write in a template.
	const perInterface: Facts = {};
	for (const [name, values] of interfaces) {
		perInterface[name.replaceAll(':', '_')] = values;
	}

	return {
		interfaces: Object.keys(perInterface),
		...perInterface,
		default_ipv4: defaultIpv4,
		default_ipv6: defaultIpv6,
		all_ipv4_addresses: all,
		all_ipv6_addresses: all6,
	};
}
