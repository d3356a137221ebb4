import {type Facts, type Sections, valueOf} from './sections.js';

/*
 * Ansible's DMI facts from /sys/devices/virtual/dmi/id (hardware/linux.py, get_dmi_facts): each
 * file's text, NA where it is missing, empty or unreadable (product_serial and others are root's
 * only). Where the kernel has no such folder Ansible asks dmidecode instead; pb does not: NA.
 */

const files: ReadonlyArray<[fact: string, file: string]> = [
	['bios_date', 'bios_date'], ['bios_vendor', 'bios_vendor'], ['bios_version', 'bios_version'], ['board_asset_tag', 'board_asset_tag'],
	['board_name', 'board_name'], ['board_serial', 'board_serial'], ['board_vendor', 'board_vendor'], ['board_version', 'board_version'],
	['chassis_asset_tag', 'chassis_asset_tag'], ['chassis_serial', 'chassis_serial'], ['chassis_vendor', 'chassis_vendor'],
	['chassis_version', 'chassis_version'], ['form_factor', 'chassis_type'], ['product_name', 'product_name'],
	['product_serial', 'product_serial'], ['product_uuid', 'product_uuid'], ['product_version', 'product_version'], ['system_vendor', 'sys_vendor'],
];

// SMBIOS chassis types, by number, as Ansible names them.
const formFactors = [
	'Unknown', 'Other', 'Unknown', 'Desktop', 'Low Profile Desktop', 'Pizza Box', 'Mini Tower', 'Tower', 'Portable', 'Laptop', 'Notebook',
	'Hand Held', 'Docking Station', 'All In One', 'Sub Notebook', 'Space-saving', 'Lunch Box', 'Main Server Chassis', 'Expansion Chassis',
	'Sub Chassis', 'Bus Expansion Chassis', 'Peripheral Chassis', 'RAID Chassis', 'Rack Mount Chassis', 'Sealed-case PC', 'Multi-system',
	'CompactPCI', 'AdvancedTCA', 'Blade', 'Blade Enclosure', 'Tablet', 'Convertible', 'Detachable', 'IoT Gateway', 'Embedded PC', 'Mini PC',
	'Stick PC',
];

export function dmiFacts(sections: Sections): Facts {
	const facts: Facts = {};
	for (const [fact, file] of files) {
		const value = valueOf(sections, `dmi ${file}`);
		facts[fact] = value === undefined ? 'NA' : fact === 'form_factor' ? formFactors[Number(value)] ?? `unknown (${value})` : value;
	}

	return facts;
}
