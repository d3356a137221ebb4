import test from 'ava';
import {findArtifact} from '../lab/fixtures/artifacts.js';
import {changedTasks, mispredictions, unpredictableTasks} from './helpers/check-predicts-run.js';
import {usePlaybookLab} from './helpers/playbook-lab.js';
import {unitRun} from './helpers/units.js';

/*
 * playbooks/containerd.yml on 3 fresh lab hosts, with Debian's real containerd and runc and the
 * fixture crictl from the lab's mirror. A sandbox image no default has proves the configuration
 * pb writes is the one containerd reads (containerd 1.6 reads schema version 2, not 3).
 */

const sandboxImage = 'lab.example/pb-pause:3.10-containerd';
const {lab, play, checkThenRun, secondRunChangesNothing, served, sh} = usePlaybookLab(test, {hosts: 3, extraVars: [`sandbox_image=${sandboxImage}`]});
const hostNames = () => lab().hosts.map(host => host.name);

test.serial('--check --diff on fresh hosts lists every change the real run then makes, and changes nothing', async t => {
	t.timeout(15 * 60_000);
	const {check, real} = await checkThenRun(t, 'containerd.yml');
	t.deepEqual(mispredictions(check.results, real.results), []);
	t.deepEqual(unpredictableTasks(check.results), [], 'nothing in containerd.yml is left unpredicted: modprobe is skipped where the kernel has the modules');
	t.deepEqual(changedTasks(real.results, hostNames()[0]!), [
		'cri_prerequisites : Kernel modules loaded at boot',
		'cri_prerequisites : Bridged traffic goes through iptables, and IP forwarding is on',
		'containerd : Downloaded archives are kept in /var/cache/pb/artifacts',
		'containerd : runc 1.1.5',
		'containerd : containerd 1.6.20 release',
		'containerd : containerd in /usr/local/bin',
		'containerd : containerd\'s configuration directory',
		'containerd : containerd\'s configuration (schema for containerd 1.6.20)',
		'containerd : containerd\'s systemd unit',
		'containerd : containerd enabled and started',
		'crictl : crictl 1.33.0 release',
		'crictl : crictl in /usr/local/bin',
		'crictl : crictl talks to containerd',
	]);
	t.deepEqual(real.results.filter(result => result.task === 'containerd : restart containerd').map(result => result.status), ['skipped', 'skipped', 'skipped'],
		'a containerd started by this run already read its new configuration: no restart');
});

test.serial('every host runs containerd with the configured sandbox image; runc and crictl are in place', async t => {
	t.timeout(5 * 60_000);
	const {version} = findArtifact(served().artifacts, 'containerd');
	await Promise.all(lab().hosts.map(async host => {
		t.like(await unitRun(t, sh, host, 'containerd'), {activeState: 'active', unitFileState: 'enabled'}, host.name);
		t.regex(await sh(t, host, 'ctr version'), new RegExp(`^Server:\\n\\s+Version:\\s+${version.replaceAll('.', '\\.')}`, 'm'), 'the server answers on its socket');
		const config = await sh(t, host, 'containerd config dump');
		t.regex(config, new RegExp(`^\\s+sandbox_image = "${sandboxImage}"$`, 'm'), 'the sandbox image in effect is the configured one');
		t.regex(config, /^\s+SystemdCgroup = true$/m);
		t.regex(await sh(t, host, 'runc --version'), /^runc version 1\.1\.5/);
		t.is(await sh(t, host, 'stat -c %a /usr/local/sbin/runc'), '755\n');
		t.is(await sh(t, host, 'grep -v "^#" /etc/crictl.yaml'), 'runtime-endpoint: unix:///run/containerd/containerd.sock\nimage-endpoint: unix:///run/containerd/containerd.sock\ntimeout: 10\n');
		const crictl = await sh(t, host, 'crictl version');
		t.regex(crictl, /^RuntimeName:\s+containerd$/m);
		t.regex(crictl, new RegExp(`^RuntimeVersion:\\s+${version.replaceAll('.', '\\.')}`, 'm'));
		t.like(JSON.parse(await sh(t, host, 'crictl info')), {runtimeName: 'containerd', status: {conditions: [{type: 'RuntimeReady', status: true}, {type: 'NetworkReady', status: true}]}});
	}));
});

test.serial('a second run changes nothing and restarts nothing', async t => {
	t.timeout(10 * 60_000);
	await secondRunChangesNothing(t, 'containerd.yml', 'containerd');
});

test.serial('a changed configuration restarts the running containerd, which then uses it', async t => {
	t.timeout(10 * 60_000);
	const [host] = lab().hosts;
	const before = await unitRun(t, sh, host!, 'containerd');
	const image = 'lab.example/pb-pause:changed';
	const run = await play('containerd.yml', ['--limit', host!.name, '-e', `sandbox_image=${image}`]);
	t.is(run.code, 0, run.output);
	t.deepEqual(changedTasks(run.results, host!.name), ['containerd : containerd\'s configuration (schema for containerd 1.6.20)', 'containerd : restart containerd']);
	const after = await unitRun(t, sh, host!, 'containerd');
	t.like(after, {activeState: 'active', unitFileState: 'enabled'});
	t.not(after.mainPid, before.mainPid, 'restarted');
	t.regex(await sh(t, host!, 'containerd config dump'), new RegExp(`sandbox_image = "${image}"`));
});
