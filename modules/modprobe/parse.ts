/** What the read script found (script.ts). */
export interface KernelModuleFacts {
	readonly release: string;
	/** The kernel has loadable module support (/proc/modules exists). */
	readonly modular: boolean;
	readonly loaded: boolean;
	/** Listed in modules.builtin, or in /sys/module without being loaded. */
	readonly builtin: boolean;
	readonly modprobe: string | undefined;
	readonly canLoad: boolean;
	/** modprobe -n's verdict when asked: 'yes', or its error. */
	readonly findable: string | undefined;
	/** Which of /etc/modules-load.d and /etc/modprobe.d exist. */
	readonly directories: readonly string[];
	/** Path -> text of each file in /etc/modules-load.d and /etc/modprobe.d. */
	readonly files: ReadonlyMap<string, string>;
}

export function parseReadOutput(stdout: string): KernelModuleFacts {
	const values = new Map<string, string>();
	const files = new Map<string, string>();
	const directories: string[] = [];
	let inFiles = false;
	let path: string | undefined;
	for (const line of stdout.split('\n')) {
		if (line.startsWith('== ')) {
			inFiles = true;
			const [directory = '', exists] = line.slice('== '.length).split(' ');
			if (exists === 'yes') {
				directories.push(directory);
			}

		} else if (inFiles && line.startsWith('=== ')) {
			path = line.slice('=== '.length);
		} else if (inFiles && path !== undefined) {
			files.set(path, Buffer.from(line, 'base64').toString('utf8'));
			path = undefined;
		} else if (!inFiles) {
			const at = line.indexOf(' ');
			values.set(at < 0 ? line : line.slice(0, at), at < 0 ? '' : line.slice(at + 1).trim());
		}
	}

	const loaded = values.has('loaded');
	return {
		release: values.get('release') ?? '',
		modular: values.has('proc'),
		loaded,
		builtin: values.has('builtin') || (values.has('sysfs') && !loaded),
		modprobe: values.get('modprobe'),
		canLoad: values.has('cap'),
		findable: values.get('findable'),
		directories,
		files,
	};
}
