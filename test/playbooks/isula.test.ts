import test from 'ava';
import {changedTasks, mispredictions, unpredictableTasks} from './helpers/check-predicts-run.js';
import {usePlaybookLab} from './helpers/playbook-lab.js';
import {unitRun} from './helpers/units.js';

/*
 * playbooks/isula.yml on a fresh host of the lab's dnf flavour (Debian with dnf and rpm, as an
 * openEuler node installs packages): the stand-in iSulad rpm from the mirror's yum repository,
 * installed by the real dnf, and the fixture crictl.
 */

const sandboxImage = 'lab.example/pb-pause:3.10-isula';
const {lab, checkThenRun, secondRunChangesNothing, sh} = usePlaybookLab(test, {hosts: 1, flavour: 'dnf', extraVars: [`sandbox_image=${sandboxImage}`]});
const host = () => lab().hosts[0]!;

test.serial('--check --diff on a fresh host lists every change the real run then makes, and changes nothing', async t => {
	t.timeout(15 * 60_000);
	const {check, real} = await checkThenRun(t, 'isula.yml');
	// The package ships /etc/isulad/daemon.json before pb's template rewrites it: check mode knows
	// from dnf that the file will be there, not what it will hold, so it cannot show its old lines.
	t.deepEqual(mispredictions(check.results, real.results, {'isula : iSulad\'s configuration': 'status and message'}), []);
	t.deepEqual(unpredictableTasks(check.results), []);
	t.deepEqual(changedTasks(real.results, host().name), [
		'cri_prerequisites : Kernel modules loaded at boot',
		'cri_prerequisites : Bridged traffic goes through iptables, and IP forwarding is on',
		'isula : The yum repository iSulad comes from',
		'isula : iSulad installed',
		'isula : iSulad\'s configuration',
		'isula : iSulad enabled and started',
		'isula : Downloaded archives are kept in /var/cache/pb/artifacts',
		'crictl : crictl 1.33.0 release',
		'crictl : crictl in /usr/local/bin',
		'crictl : crictl talks to iSulad',
	]);
	t.like(real.results.find(result => result.task === 'isula : restart isulad'), {status: 'skipped'}, 'an isulad started by this run already read its new configuration: no restart');
});

test.serial('isulad runs with pb\'s configuration and answers isula and crictl', async t => {
	t.timeout(5 * 60_000);
	t.like(await unitRun(t, sh, host(), 'isulad'), {activeState: 'active', unitFileState: 'enabled'});
	t.regex(await sh(t, host(), 'rpm -q iSulad'), /^iSulad-2\.1\.5-1\./);
	t.regex(await sh(t, host(), 'isula version'), /^Server:\n\s+Version:\s+2\.1\.5$/m, 'the daemon answers on its socket');
	t.like(JSON.parse(await sh(t, host(), 'isula info')), {
		'pod-sandbox-image': sandboxImage, 'network-plugin': 'cni', 'cni-bin-dir': '/opt/cni/bin', 'cni-conf-dir': '/etc/cni/net.d', 'registry-mirrors': [],
	});
	t.is(await sh(t, host(), 'stat -c %a /etc/isulad/daemon.json'), '600\n');
	t.is(await sh(t, host(), 'grep -v "^#" /etc/crictl.yaml'), 'runtime-endpoint: unix:///var/run/isulad.sock\nimage-endpoint: unix:///var/run/isulad.sock\ntimeout: 10\n');
	t.regex(await sh(t, host(), 'crictl version'), /^RuntimeName:\s+iSulad\nRuntimeVersion:\s+2\.1\.5$/m);
	t.like(JSON.parse(await sh(t, host(), 'crictl info')), {config: {'pod-sandbox-image': sandboxImage}});
});

test.serial('a second run changes nothing and restarts nothing', async t => {
	t.timeout(10 * 60_000);
	await secondRunChangesNothing(t, 'isula.yml', 'isulad');
});
