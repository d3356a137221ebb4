import {type Facts, type Sections, linesOf} from './sections.js';

/** Ansible's dns fact from /etc/resolv.conf: nameservers, domain, search, sortlist, options (a value, or true). */
export function dnsFacts(sections: Sections): Facts {
	const dns: Record<string, unknown> = {};
	for (const line of linesOf(sections, 'resolv.conf')) {
		const [keyword, ...values] = line.trim().split(/\s+/);
		if (keyword === undefined || keyword.startsWith('#') || keyword.startsWith(';')) {
			continue;
		}

		if (keyword === 'nameserver') {
			dns.nameservers = [...(dns.nameservers as string[] | undefined ?? []), ...values];
		} else if (keyword === 'domain' && values.length > 0) {
			dns.domain = values[0];
		} else if (keyword === 'search' || keyword === 'sortlist') {
			dns[keyword] = values;
		} else if (keyword === 'options') {
			dns.options = Object.fromEntries(values.map(option => {
				const at = option.indexOf(':');
				return at === -1 ? [option, true] : [option.slice(0, at), option.slice(at + 1) || true];
			}));
		}
	}

	return {dns};
}
