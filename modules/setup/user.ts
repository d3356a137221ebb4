import {type Facts, type Sections, valueOf} from './sections.js';

/**
 * Ansible's user facts: the name and ids from `id`, the rest from the user's passwd entry.
 * Ansible's effective_group_id is the real group id (os.getgid()), so it is here too.
 */
export function userFacts(sections: Sections): Facts {
	const id = valueOf(sections, 'id') ?? '';
	const number = (key: string): number | undefined => {
		const found = new RegExp(`(?:^|\\s)${key}=(\\d+)`).exec(id)?.[1];
		return found === undefined ? undefined : Number(found);
	};

	const uid = number('uid');
	const gid = number('gid');
	const [name = '', , passwdUid, passwdGid, gecos = '', dir = '', shell = ''] = (valueOf(sections, 'passwd') ?? '').split(':');
	return {
		user_id: /^uid=\d+\(([^)]*)\)/.exec(id)?.[1] ?? name,
		user_uid: passwdUid === undefined ? uid : Number(passwdUid),
		user_gid: passwdGid === undefined ? gid : Number(passwdGid),
		user_gecos: gecos,
		user_dir: dir,
		user_shell: shell,
		real_user_id: uid,
		effective_user_id: number('euid') ?? uid,
		real_group_id: gid,
		effective_group_id: gid,
	};
}

/** The environment the host gave the script, as `env -0` (or, without -0, `env`) printed it. */
export function envFacts(sections: Sections): Record<string, string> {
	const text = sections.get('env') ?? '';
	const entries = text.includes('\0') ? text.split('\0') : text.split('\n');
	const env: Record<string, string> = {};
	for (const entry of entries) {
		const at = entry.indexOf('=');
		if (at > 0) {
			env[entry.slice(0, at)] = entry.slice(at + 1);
		}
	}

	return env;
}
