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
	/**
	 * Also ships a daemon as a distribution's package does: /usr/bin/NAME (it sleeps), its unit
	 * /usr/lib/systemd/system/NAME.service, and /etc/NAME/ holding defaults.conf.
	 */
	readonly service?: boolean;
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
%if 0%{?service}
mkdir -p %{buildroot}/usr/bin %{buildroot}/usr/lib/systemd/system %{buildroot}/etc/%{pkg}
printf '#!/bin/sh\\nexec sleep infinity\\n' > %{buildroot}/usr/bin/%{pkg}
printf '[Unit]\\nDescription=%{pkg}\\n[Service]\\nExecStart=/usr/bin/%{pkg}\\n[Install]\\nWantedBy=multi-user.target\\n' > %{buildroot}/usr/lib/systemd/system/%{pkg}.service
echo '# %{pkg} defaults' > %{buildroot}/etc/%{pkg}/defaults.conf
%endif
%files
/usr/share/%{pkg}/version
%if 0%{?service}
%attr(0755,root,root) /usr/bin/%{pkg}
/usr/lib/systemd/system/%{pkg}.service
%dir /etc/%{pkg}
%config(noreplace) /etc/%{pkg}/defaults.conf
%endif
`;

/** Builds `packages` into `repository` (made if missing) and indexes it again with createrepo_c. */
export async function addToRepository(repository: string, packages: readonly TestPackage[]): Promise<void> {
	const top = await mkdtemp(join(tmpdir(), 'pb-rpmbuild-'));
	try {
		await writeFile(join(top, 'package.spec'), spec);
		for (const {name, version, requires, service} of packages) {
			execFileSync('rpmbuild', [
				'--quiet', '-bb', '--define', `_topdir ${top}`, '--define', `pkg ${name}`, '--define', `ver ${version}`,
				...(requires ? ['--define', `needs ${requires}`] : []), ...(service ? ['--define', 'service 1'] : []), join(top, 'package.spec'),
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
