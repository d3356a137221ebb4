import {execFileSync} from 'node:child_process';
import {copyFile, mkdir, mkdtemp, readdir, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';

/*
 * A yum repository built at test time: tiny noarch rpms made with rpmbuild (AutoReqProv: no, so
 * they need nothing the host lacks) and indexed with createrepo_c. Needs Debian's rpm and
 * createrepo-c packages on the machine that runs the tests.
 */

export interface TestPackage {
	readonly name: string;
	readonly version: string;
	/** Another test package this one needs. */
	readonly requires?: string;
}

const spec = `Name: %{pkg}
Version: %{ver}
Release: 1
Summary: pb yum test package %{pkg}
License: MIT
BuildArch: noarch
AutoReqProv: no
%{?needs:Requires: %{needs}}
%description
A package pb's yum tests install and remove.
%install
mkdir -p %{buildroot}/usr/share/%{pkg}
echo %{ver} > %{buildroot}/usr/share/%{pkg}/version
%files
/usr/share/%{pkg}/version
`;

/** Builds `packages` into `repository` (made if missing) and indexes it again with createrepo_c. */
export async function addToRepository(repository: string, packages: readonly TestPackage[]): Promise<void> {
	const top = await mkdtemp(join(tmpdir(), 'pb-rpmbuild-'));
	try {
		await writeFile(join(top, 'package.spec'), spec);
		for (const {name, version, requires} of packages) {
			execFileSync('rpmbuild', [
				'--quiet', '-bb', '--define', `_topdir ${top}`, '--define', `pkg ${name}`, '--define', `ver ${version}`,
				...(requires ? ['--define', `needs ${requires}`] : []), join(top, 'package.spec'),
			], {stdio: 'pipe'});
		}

		await mkdir(repository, {recursive: true});
		const built = join(top, 'RPMS', 'noarch');
		for (const file of await readdir(built)) {
			await copyFile(join(built, file), join(repository, file));
		}

		execFileSync('createrepo_c', ['--quiet', '--update', repository], {stdio: 'pipe'});
	} finally {
		await rm(top, {recursive: true, force: true});
	}
}
