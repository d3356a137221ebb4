import {type Facts, type Sections, linesOf, valueOf} from './sections.js';

/**
 * Ansible's user facts: the name as Python's getpass.getuser() finds it (LOGNAME, USER... then
 * the passwd entry), the passwd entry's fields, the process's real and effective ids. Ansible's
 * effective_group_id is the real group id (os.getgid()), so it is here too.
 */
export function userFacts(sections: Sections): Facts {
	const lines = linesOf(sections, 'user');
	const ids = (key: string): number[] => lines.find(line => line.startsWith(`${key} `))?.split(/\s+/).slice(1).map(Number) ?? [];
	const [uid, euid] = ids('uid');
	const [gid] = ids('gid');
	const name = lines.find(line => line.startsWith('name '))?.slice(5).trim() ?? '';
	const [entryName = '', , passwdUid, passwdGid, gecos = '', dir = '', shell = ''] = (valueOf(sections, 'passwd') ?? '').split(':');
	return {
		user_id: name || entryName,
		user_uid: passwdUid === undefined ? uid : Number(passwdUid),
		user_gid: passwdGid === undefined ? gid : Number(passwdGid),
		user_gecos: gecos,
		user_dir: dir,
		user_shell: shell,
		real_user_id: uid,
		effective_user_id: euid ?? uid,
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
