import {existsSync, readFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {readAnsibleCfg} from '../config/ansible-cfg.js';

/** `pb --version`, laid out as ansible-playbook's: pb's version, the configuration file in use, Node's version. */
export function versionText(): string {
	const {version} = JSON.parse(readFileSync(ownPackageJson(), 'utf8')) as {version: string};
	return [
		`pb ${version}`,
		`  config file = ${readAnsibleCfg().file ?? 'None'}`,
		`  executable location = ${process.argv[1] ?? 'pb'}`,
		`  node version = ${process.version}`,
	].join('\n');
}

/** The nearest package.json above this code: pb's own, whether it runs compiled (dist/engine/commands/) or bundled (dist/pb.js). */
function ownPackageJson(): string {
	let dir = dirname(fileURLToPath(import.meta.url));
	while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) {
		dir = dirname(dir);
	}

	return join(dir, 'package.json');
}
