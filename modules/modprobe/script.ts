import {quoteShell} from '../../engine/shell-words.js';

export const modulesLoadDir = '/etc/modules-load.d';
export const modprobeDir = '/etc/modprobe.d';

/** The name as the kernel lists it: /proc/modules and /sys/module write - as _. */
export function kernelName(name: string): string {
	return name.replaceAll('-', '_');
}

/**
 * What decides whether the module can be loaded or unloaded, and the files that persist it,
 * printed as `key value` lines, then each file under `== DIR` as `=== PATH` and its base64.
 * With `tryLoad`, modprobe's dry run (-n) says whether it finds the module and its dependencies.
 */
export function readScript(name: string, params: readonly string[], tryLoad: boolean): string {
	const listed = quoteShell(`^${kernelName(name)} `);
	// modules.builtin lists paths like kernel/drivers/net/dummy.ko, with - or _ as the source has it.
	const builtinPattern = quoteShell(`/${name.replaceAll(/[-_]/g, '[-_]').replaceAll('.', '\\.')}\\.ko$`);
	const files = (directory: string) => [
		`if [ -d ${directory} ]; then echo "== ${directory} yes"; else echo "== ${directory} no"; fi`,
		`for f in ${directory}/*; do [ -f "$f" ] || continue; printf '=== %s\\n' "$f"; base64 -w0 < "$f"; echo; done`,
	];
	return [
		'r=$(uname -r); echo "release $r"',
		`if [ -e /proc/modules ]; then echo "proc yes"; if grep -q ${listed} /proc/modules; then echo "loaded yes"; fi; fi`,
		`if [ -f "/lib/modules/$r/modules.builtin" ] && grep -q ${builtinPattern} "/lib/modules/$r/modules.builtin"; then echo "builtin modules.builtin"; fi`,
		`if [ -d /sys/module/${quoteShell(kernelName(name))} ]; then echo "sysfs yes"; fi`,
		'if m=$(command -v modprobe); then echo "modprobe $m"; fi',
		// CAP_SYS_MODULE is bit 16 of the effective set.
		'c=$(sed -n "s/^CapEff:[[:space:]]*//p" /proc/self/status); if [ $(( 0x$c >> 16 & 1 )) = 1 ]; then echo "cap yes"; fi',
		tryLoad ? `if [ -n "$m" ]; then if e=$(modprobe -n -- ${[name, ...params].map(quoteShell).join(' ')} 2>&1); then echo "findable yes"; else echo "findable $e" | tr '\\n' ' '; echo; fi; fi` : '',
		...files(modulesLoadDir),
		...files(modprobeDir),
	].filter(Boolean).join('\n');
}

/** Loads or unloads the module. */
export function loadScript(name: string, params: readonly string[], load: boolean): string {
	return load ? `modprobe -- ${[name, ...params].map(quoteShell).join(' ')}` : `modprobe -r -- ${quoteShell(name)}`;
}
