/** Loose version order, as Ansible's `version` test by default: `v1.24.3` > `1.9`; numeric parts compare as numbers. */
export function compareVersions(left: string, right: string): number {
	const parts = (version: string) => version.replace(/^v/, '').split(/[.\-+_]/);
	const [a, b] = [parts(left), parts(right)];
	for (let index = 0; index < Math.max(a.length, b.length); index++) {
		const [x = '0', y = '0'] = [a[index], b[index]];
		const order = /^\d+$/.test(x) && /^\d+$/.test(y) ? Number(x) - Number(y) : x.localeCompare(y);
		if (order !== 0) {
			return Math.sign(order);
		}
	}

	return 0;
}
