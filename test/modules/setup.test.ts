import {readFile, writeFile} from 'node:fs/promises';
import {cpus, hostname, machine, release, totalmem, userInfo} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import setup from '../../modules/setup/index.js';
import {parseFacts} from '../../modules/setup/parse.js';
import {factScript} from '../../modules/setup/script.js';
import {type FactGroup, resolveSubsets, subsetList, UnknownSubset} from '../../modules/setup/subsets.js';
import {localHost, runTask, withDefaults} from '../helpers/host-context.js';
import {runPlaybook, workspace} from '../helpers/playbook-run.js';
import {startSshd} from '../helpers/sshd.js';
import {type FactCase, factCases} from './setup-cases/cases.js';

const parses = test.macro({
	exec(t, factCase: FactCase) {
		const facts = parseFacts(factCase.output, new Set(factCase.groups), factCase.subsets ?? ['all']);
		t.like(facts, factCase.facts);
		for (const name of factCase.absent ?? []) {
			t.false(name in facts, `${name} should not be gathered`);
		}
	},
	title: (_, factCase: FactCase) => `script output -> facts: ${factCase.title}`,
});

for (const factCase of factCases) {
	test(parses, factCase);
}

const subsets: ReadonlyArray<[string, FactGroup[]]> = [
	['all', ['min', 'hardware', 'network', 'virtual']],
	['!all', ['min']],
	['!hardware', ['min']],
	['network', ['min', 'network']],
	['!all,!min', []],
	['!all,virtual', ['min', 'virtual']],
	['all,!network', ['min', 'hardware', 'virtual']],
	['!min,network', ['network']],
	['distribution,date_time', ['min']],
	['devices', ['min', 'hardware']],
	['!nonsense', ['min']],
];

for (const [written, groups] of subsets) {
	test(`gather_subset ${written} gathers ${groups.join(', ') || 'nothing but gather_subset'}, as Ansible 2.14`, t => {
		t.deepEqual([...resolveSubsets(subsetList(written))].sort(), [...groups].sort());
	});
}

test('gather_subset may be a list or a comma-separated string; empty means all', t => {
	t.deepEqual(subsetList(['!all', 'network']), ['!all', 'network']);
	t.deepEqual(subsetList(' !all , network '), ['!all', 'network']);
	t.deepEqual(subsetList(undefined), ['all']);
	t.deepEqual(subsetList([]), ['all']);
});

test('an unknown gather_subset is refused before the run, naming it and the subsets there are', t => {
	t.throws(() => resolveSubsets(['hardwar']), {instanceOf: UnknownSubset});
	const message = setup.validate?.(withDefaults(setup, {gather_subset: ['hardwar']}) as never);
	t.regex(message ?? '', /'hardwar'.*hardware/);
	t.is(setup.validate?.(withDefaults(setup, {}) as never), undefined);
});

test('a smaller subset runs less on the host', t => {
	const minimal = factScript(new Set(['min']));
	t.notRegex(minimal, /\/proc\/cpuinfo|ip -4|\/proc\/1\/cgroup/);
	t.regex(minimal, /env -0/);
	const network = factScript(new Set(['network']));
	t.regex(network, /ip -4 route get/);
	t.notRegex(network, /os-release|env -0|\/proc\/meminfo/);
	t.regex(factScript(new Set(['hardware'])), /\/proc\/meminfo/);
	t.regex(factScript(new Set(['virtual'])), /\/proc\/1\/cgroup/);
});

/** The type each fact has in ansible-core 2.14's output. */
const factTypes: Readonly<Record<string, 'string' | 'number' | 'object' | 'array' | 'boolean'>> = {
	os_family: 'string', distribution: 'string', distribution_version: 'string', distribution_major_version: 'string',
	distribution_release: 'string', hostname: 'string', nodename: 'string', fqdn: 'string', domain: 'string', architecture: 'string',
	machine: 'string', kernel: 'string', kernel_version: 'string', system: 'string', arch: 'string',
	processor_vcpus: 'number', processor_count: 'number', processor_cores: 'number', processor_threads_per_core: 'number',
	memtotal_mb: 'number', memfree_mb: 'number', swaptotal_mb: 'number', swapfree_mb: 'number', memory_mb: 'object',
	default_ipv4: 'object', all_ipv4_addresses: 'array', interfaces: 'array', env: 'object', date_time: 'object',
	user_id: 'string', user_uid: 'number', user_gid: 'number', user_dir: 'string', user_shell: 'string', user_gecos: 'string',
	pkg_mgr: 'string', service_mgr: 'string', mounts: 'array', lsb: 'object', virtualization_type: 'string',
	virtualization_role: 'string', gather_subset: 'array', module_setup: 'boolean', dns: 'object', processor_nproc: 'number',
	uptime_seconds: 'number', product_name: 'string', system_vendor: 'string', form_factor: 'string',
};

function typeOf(value: unknown): string {
	return Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
}

test('facts gathered on this machine, in one round trip: every one there, of Ansible\'s type, agreeing with what Node reads', async t => {
	const host = localHost();
	const report = await runTask(setup, {}, host);
	t.is(report.roundTrips, 1);
	const params = withDefaults(setup, {}) as never;
	const facts = setup.plan(await setup.read(host, params), params).effects?.facts ?? {};
	for (const [name, type] of Object.entries(factTypes)) {
		t.is(typeOf(facts[name]), type, name);
	}

	for (const [name, value] of Object.entries(facts['date_time'] as Record<string, unknown>)) {
		t.is(typeof value, 'string', `date_time.${name}`);
	}

	for (const name of facts['interfaces'] as string[]) {
		t.is(typeOf(facts[name]), 'object', `the interface ${name}`);
	}

	const user = userInfo();
	t.like(facts, {
		nodename: hostname(),
		kernel: release(),
		machine: machine(),
		memtotal_mb: Math.floor(totalmem() / 1024 / 1024),
		user_id: user.username,
		user_uid: user.uid,
		user_dir: user.homedir,
		env: {PATH: process.env['PATH']},
	});
	t.is(facts['processor_vcpus'], cpus().length);
	t.is(facts['arch'], machine() === 'x86_64' ? 'amd64' : machine() === 'aarch64' ? 'arm64' : machine());
	const debianVersion = await readFile('/etc/debian_version', 'utf8').catch(() => undefined);
	if (debianVersion !== undefined && /^\d+\.\d+$/.test(debianVersion.trim())) {
		t.is(facts['distribution_version'], debianVersion.trim());
	}

	t.true(Math.abs(Number((facts['date_time'] as Record<string, string>)['epoch']) - (Date.now() / 1000)) < 60);
});

test('over SSH, gathered for a play, the facts come through whole: the environment\'s NUL-separated entries too', async t => {
	const sshd = await startSshd();
	t.teardown(async () => sshd.stop());
	const knownHosts = join(sshd.dir, 'known_hosts-facts');
	await writeFile(knownHosts, `[${sshd.address}]:${sshd.port} ${sshd.hostKey}\n`);
	const {printed, recap} = await runPlaybook(workspace({
		hosts: `h1 ansible_host=${sshd.address} ansible_port=${sshd.port} ansible_user=root ansible_ssh_private_key_file=${sshd.userKeyFile} ansible_ssh_known_hosts_file=${knownHosts}\n`,
		'play.yml': '- hosts: all\n  tasks:\n    - debug: var=ansible_env.HOME\n    - debug: var=ansible_user_uid\n    - debug: var=ansible_facts.gather_subset\n',
	}));
	t.like(recap['h1'], {ok: 4, failed: 0, unreachable: 0});
	t.deepEqual(printed.map(line => JSON.parse(line.msg) as unknown), [{'ansible_env.HOME': '/root'}, {ansible_user_uid: 0}, {'ansible_facts.gather_subset': ['all']}]);
});
