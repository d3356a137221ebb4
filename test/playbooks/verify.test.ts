import test from 'ava';
import {findArtifact} from '../lab/fixtures/artifacts.js';
import {usePlaybookLab} from './helpers/playbook-lab.js';

/*
 * playbooks/verify.yml on 2 lab hosts, one given containerd (containerd.yml), the other CRI-O
 * (crio.yml): its table names each host's runtime as the runtime answers over the CRI, and says
 * the socket answers.
 */

const {lab, play, served} = usePlaybookLab(test, {hosts: 2});

test.serial('the table shows each host\'s runtime://version, and that its socket answers; --check shows the same, and nothing changes', async t => {
	t.timeout(15 * 60_000);
	const [containerdHost, crioHost] = lab().hosts;
	const installs = await Promise.all([
		play('containerd.yml', ['--limit', containerdHost!.name]),
		play('crio.yml', ['--limit', crioHost!.name]),
	]);
	for (const install of installs) {
		t.is(install.code, 0, install.output);
	}

	const table = async (flags: string[]) => {
		const run = await play('verify.yml', flags);
		t.is(run.code, 0, run.output);
		t.deepEqual(run.changed, {[containerdHost!.name]: 0, [crioHost!.name]: 0});
		return run.results.find(result => result.task === 'The cluster\'s nodes')?.msg ?? run.output;
	};

	const shown = await table([]);
	const row = (name: string, address: string, runtime: string) => new RegExp(`^${name} +${address.replaceAll('.', '\\.')} +amd64 +Debian GNU/Linux 12 \\(bookworm\\) +${runtime.replaceAll('.', '\\.')} +answers$`, 'm');
	t.regex(shown, /^NODE +ADDRESS +ARCH +OS IMAGE +CONTAINER RUNTIME +SOCKET$/m);
	t.regex(shown, row(containerdHost!.name, containerdHost!.address, `containerd://${findArtifact(served().artifacts, 'containerd').version}~ds1`));
	t.regex(shown, row(crioHost!.name, crioHost!.address, `cri-o://${findArtifact(served().artifacts, 'crio').version}`));
	t.is(await table(['--check']), shown, 'the probe only reads, so --check runs it and shows the same table');
});
