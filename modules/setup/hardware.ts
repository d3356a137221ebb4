import {dmiFacts} from './dmi.js';
import {type Facts, type Sections, linesOf, valueOf} from './sections.js';

/* Ansible's hardware facts that pb gathers: CPUs, memory, mounts, uptime and DMI (module_utils/facts/hardware/linux.py). */

/**
 * Ansible's count from /proc/cpuinfo, step by step as it counts (including its quirks: a
 * `siblings` line counts for the core id seen before it), so the numbers agree with it.
 */
function cpuFacts(sections: Sections, architecture: unknown): Facts {
	const xen = valueOf(sections, 'hypervisor') === 'xen';
	const processor: string[] = [];
	const sockets = new Map<string, number>();
	const cores = new Map<string, number>();
	let count = 0;
	let vendors = 0;
	let models = 0;
	let processors = 0;
	// Python starts both at the number 0, which no id read from the file equals.
	let physicalId = '(none)';
	let coreId = '(none)';
	let xenParavirtual = false;
	let declaredCores: number | undefined;
	for (const line of linesOf(sections, 'cpuinfo')) {
		const at = line.indexOf(':');
		const key = (at === -1 ? line : line.slice(0, at)).trim();
		const value = at === -1 ? '' : line.slice(at + 1).trim();
		if (xen && key === 'flags' && !value.split(/\s+/).includes('vme')) {
			xenParavirtual = true;
		}

		if (['model name', 'Processor', 'vendor_id', 'cpu', 'Vendor', 'processor'].includes(key)) {
			processor.push(value);
			vendors += key === 'vendor_id' ? 1 : 0;
			models += key === 'model name' ? 1 : 0;
			processors += key === 'processor' ? 1 : 0;
			count++;
		} else if (key === 'physical id') {
			physicalId = value;
			if (!sockets.has(value)) {
				sockets.set(value, 1);
			}
		} else if (key === 'core id') {
			coreId = value;
			if (!sockets.has(value)) {
				cores.set(value, 1);
			}
		} else if (key === 'cpu cores') {
			sockets.set(physicalId, Number.parseInt(value, 10));
		} else if (key === 'siblings') {
			cores.set(coreId, Number.parseInt(value, 10));
		} else if (key === '# processors') {
			declaredCores = Number.parseInt(value, 10);
		} else if (key === 'ncpus active') {
			count = Number.parseInt(value, 10);
		}
	}

	if (vendors > 0 && vendors === models) {
		count = vendors;
	}

	if (typeof architecture === 'string' && /^(?:armv|aarch|ppc)/.test(architecture)) {
		count = processors;
	}

	const facts: Facts = {processor, ...(declaredCores === undefined ? {} : {processor_cores: declaredCores})};
	if (architecture === 's390x') {
		return facts;
	}

	if (xenParavirtual) {
		return {...facts, processor_count: count, processor_cores: count, processor_threads_per_core: 1, processor_vcpus: count};
	}

	const processorCount = sockets.size > 0 ? sockets.size : count;
	const processorCores = [...sockets.values()][0] || 1;
	const threads = Math.floor(([...cores.values()][0] ?? 1) / processorCores);
	return {
		...facts,
		processor_count: processorCount,
		processor_cores: processorCores,
		processor_threads_per_core: threads,
		processor_vcpus: threads * processorCount * processorCores,
		// The CPUs this process may run on (Python's sched_getaffinity), from the kernel's list of ranges.
		processor_nproc: cpusInList(valueOf(sections, 'affinity')) ?? processors,
	};
}

/** How many CPUs a kernel list of ranges names (`0-3,6,8-9` is 7); undefined when it cannot tell. */
function cpusInList(list: string | undefined): number | undefined {
	let count = 0;
	for (const range of list?.split(',') ?? []) {
		const [first, last = first] = range.split('-').map(Number);
		if (!Number.isInteger(first) || !Number.isInteger(last) || last! < first!) {
			return undefined;
		}

		count += last! - first! + 1;
	}

	return count > 0 ? count : undefined;
}

/** MB as Ansible computes them: kB from /proc/meminfo, divided by 1024 and rounded down. */
function memoryFacts(sections: Sections): Facts {
	const mb: Record<string, number> = {};
	for (const line of linesOf(sections, 'meminfo')) {
		const [key = '', value = ''] = line.split(/\s+/);
		mb[key.replace(/:$/, '').toLowerCase()] = Math.floor(Number.parseInt(value, 10) / 1024);
	}

	const {memtotal, memfree, swaptotal, swapfree, buffers, cached, swapcached} = mb;
	const difference = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? null : a - b);
	const nocacheFree = cached === undefined || memfree === undefined || buffers === undefined ? undefined : cached + memfree + buffers;
	const facts: Facts = {};
	for (const [key, value] of Object.entries({memtotal, memfree, swaptotal, swapfree})) {
		if (value !== undefined) {
			facts[`${key}_mb`] = value;
		}
	}

	facts.memory_mb = {
		real: {total: memtotal ?? null, used: difference(memtotal, memfree), free: memfree ?? null},
		nocache: {free: nocacheFree ?? null, used: difference(memtotal, nocacheFree)},
		swap: {total: swaptotal ?? null, free: swapfree ?? null, used: difference(swaptotal, swapfree), cached: swapcached ?? null},
	};
	return facts;
}

/** /etc/mtab writes blanks and such as octal escapes (`\040`). */
function unescapeMount(field: string): string {
	return field.replaceAll(/\\([0-7]{3})/g, (_, octal: string) => String.fromCodePoint(Number.parseInt(octal, 8)));
}

/** Mounts of devices (a path, or a network source `host:/path`), as Ansible lists them; sizes and uuids are not read. */
function mountFacts(sections: Sections): Facts {
	const mounts = linesOf(sections, 'mounts').map(line => {
		const [device = '', mount = '', fstype = '', options = ''] = line.split(/\s+/).map(field => unescapeMount(field));
		return {mount, device, fstype, options};
	}).filter(({device, fstype}) => (/^[/\\]/.test(device) || device.includes(':/')) && fstype !== 'none');
	return {mounts};
}

/** Whole seconds since boot, from /proc/uptime. */
function uptimeFacts(sections: Sections): Facts {
	const seconds = Number.parseFloat(valueOf(sections, 'uptime') ?? '');
	return Number.isNaN(seconds) ? {} : {uptime_seconds: Math.trunc(seconds)};
}

export function hardwareFacts(sections: Sections, architecture: unknown): Facts {
	return {...cpuFacts(sections, architecture), ...memoryFacts(sections), ...mountFacts(sections), ...uptimeFacts(sections), ...dmiFacts(sections)};
}
