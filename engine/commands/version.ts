import {readFileSync} from 'node:fs';
import {readAnsibleCfg} from '../config/ansible-cfg.js';

/** `pb --version`, laid out as ansible-playbook's: pb's version, the configuration file in use, Node's version. */
export function versionText(): string {
	// dist/engine/commands/ -> the package's own package.json.
	const {version} = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {version: string};
	return [
		`pb ${version}`,
		`  config file = ${readAnsibleCfg().file ?? 'None'}`,
		`  executable location = ${process.argv[1] ?? 'pb'}`,
		`  node version = ${process.version}`,
	].join('\n');
}
