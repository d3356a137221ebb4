import test from 'ava';
import {findArtifact} from '../lab/fixtures/artifacts.js';
import {changedTasks, mispredictions, unpredictableTasks} from './helpers/check-predicts-run.js';
import {usePlaybookLab} from './helpers/playbook-lab.js';
import {unitRun} from './helpers/units.js';

/*
 * playbooks/crio.yml on a fresh lab host, with the lab's CRI-O bundle (upstream's layout, its
 * Makefile and install script; stand-in crio and crictl that read the configuration as the real
 * ones do) from the lab's mirror.
 */

const sandboxImage = 'lab.example/pb-pause:3.10-crio';
const {lab, checkThenRun, secondRunChangesNothing, served, sh} = usePlaybookLab(test, {hosts: 1, extraVars: [`sandbox_image=${sandboxImage}`]});
const host = () => lab().hosts[0]!;
const makeInstall = 'crio : CRI-O 1.34.0 installed (the bundle\'s make install)';

test.serial('--check --diff on a fresh host lists every change the real run then makes, and changes nothing', async t => {
	t.timeout(15 * 60_000);
	const {check, real} = await checkThenRun(t, 'crio.yml');
	// make install is a command: check mode says it would run. It also installs the bundle's own
	// /etc/crictl.yaml, which pb's template then rewrites: check mode, which did not run make
	// install, predicts a new file where the real run finds the bundle's. Same change, other words.
	t.deepEqual(mispredictions(check.results, real.results, {'crictl : crictl talks to CRI-O': 'status'}), []);
	t.deepEqual(unpredictableTasks(check.results), [makeInstall]);
	t.deepEqual(changedTasks(real.results, host().name), [
		'cri_prerequisites : Kernel modules loaded at boot',
		'cri_prerequisites : Bridged traffic goes through iptables, and IP forwarding is on',
		'crio : fs.may_detach_mounts, where the kernel still has it',
		'crio : Downloaded archives are kept in /var/cache/pb/artifacts',
		'crio : CRI-O 1.34.0 release bundle',
		'crio : The bundle unpacked',
		'crio : CRI-O\'s drop-in directory',
		makeInstall,
		'crio : pb\'s settings for CRI-O',
		'crio : Registry mirrors directory',
		'crio : docker.io mirrors',
		'crio : CRI-O\'s systemd unit',
		'crictl : crictl talks to CRI-O',
		'crio : CRI-O enabled and started',
	]);
	t.like(real.results.find(result => result.task === 'crio : restart crio'), {status: 'skipped'}, 'a crio started by this run already read its new settings: no restart');
});

test.serial('crio runs with pb\'s settings, answers crictl; fs.may_detach_mounts is only persisted where the kernel lacks it', async t => {
	t.timeout(5 * 60_000);
	const {version} = findArtifact(served().artifacts, 'crio');
	t.like(await unitRun(t, sh, host(), 'crio'), {activeState: 'active', unitFileState: 'enabled'});
	t.regex(await sh(t, host(), '/usr/local/bin/crio --version'), new RegExp(`^crio version ${version.replaceAll('.', '\\.')} `));
	const config = await sh(t, host(), 'crio config');
	t.regex(config, new RegExp(`^pause_image = "${sandboxImage}"$`, 'm'), 'the pause image in effect is the configured one');
	t.regex(config, /^cgroup_manager = "systemd"$/m);
	t.is(await sh(t, host(), 'grep -v "^#" /etc/crictl.yaml'), 'runtime-endpoint: unix:///var/run/crio/crio.sock\nimage-endpoint: unix:///var/run/crio/crio.sock\ntimeout: 10\n');
	t.regex(await sh(t, host(), 'crictl version'), new RegExp(`^RuntimeName:\\s+cri-o\\nRuntimeVersion:\\s+${version.replaceAll('.', '\\.')}$`, 'm'));
	t.like(JSON.parse(await sh(t, host(), 'crictl info')), {config: {pause_image: sandboxImage, cgroup_manager: 'systemd', default_runtime: 'crun'}});
	t.is(await sh(t, host(), 'grep may_detach /etc/sysctl.d/99-k8s-cri.conf; test -e /proc/sys/fs/may_detach_mounts || echo absent'), 'fs.may_detach_mounts = 1\nabsent\n');
});

test.serial('a second run changes nothing, runs no make install and restarts nothing', async t => {
	t.timeout(10 * 60_000);
	const second = await secondRunChangesNothing(t, 'crio.yml', 'crio');
	t.like(second.results.find(result => result.task === makeInstall), {status: 'skipped', msg: 'Conditional result was False'}, 'CRI-O 1.34.0 is installed already');
});
