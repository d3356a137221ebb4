import {readFile, writeFile} from 'node:fs/promises';
import {basename, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {quoteShell} from '../../engine/shell-words.js';
import {renderFile} from '../../engine/vars/template.js';
import {findArtifact, type LabArtifacts, labArtifacts} from '../../test/lab/fixtures/artifacts.js';
import type {LabArtifact} from '../../test/lab/fixtures/fixture-build.js';
import {labPlaybookVars} from '../../test/lab/fixtures/playbook-vars.js';
import type {Scenario, ScenarioPlaybooks} from './scenario.js';

/*
 * Scenario 1: the containerd procedure. pb runs its bundled playbooks/containerd.yml; ansible-playbook
 * runs the same tasks in the same order in its own modules (get_url, unarchive, template,
 * ansible.posix.sysctl, systemd); the floor is the same steps as one shell script per host. All
 * three fetch the lab's artifacts (Debian's containerd and runc in upstream's layout, the crictl
 * stand-in) from the lab's mirror; ansible-playbook and the floor on each host, pb as --artifact-via
 * says (host unless told otherwise).
 */

const repository = fileURLToPath(new URL('../../../', import.meta.url));
const bundledPlaybook = join(repository, 'playbooks/containerd.yml');
/** The bundled roles' Handlebars templates, by file name. */
const bundledTemplates: Record<string, string> = {
	'containerd-config.toml.hbs': join(repository, 'playbooks/roles/containerd/templates/containerd-config.toml.hbs'),
	'containerd.service.hbs': join(repository, 'playbooks/roles/containerd/templates/containerd.service.hbs'),
	'crictl.yaml.hbs': join(repository, 'playbooks/roles/crictl/templates/crictl.yaml.hbs'),
};
const jinjaTemplates = join(repository, 'bench/scenarios/containerd-templates');

/**
 * The settings the config template reads, given to all three versions, so that they render it from
 * the same values whatever playbooks/vars/main.yml's defaults become (these are its defaults now).
 */
const settings = {
	artifact_dir: '/var/cache/pb/artifacts',
	sandbox_image: 'registry.k8s.io/pause:3.10',
	cgroup_driver: 'systemd',
	registry_mirrors: [],
	insecure_registries: [],
};
/** containerd.yml's own play vars, which crictl.yaml reads. */
const runtime = {runtime_name: 'containerd', runtime_socket: 'unix:///run/containerd/containerd.sock'};

const sysctlFile = '/etc/sysctl.d/99-k8s-cri.conf';
const sysctlKeys = ['net.bridge.bridge-nf-call-iptables', 'net.bridge.bridge-nf-call-ip6tables', 'net.ipv4.ip_forward'];
const modulesFile = '/etc/modules-load.d/k8s-cri.conf';
const unitFile = '/etc/systemd/system/containerd.service';
/** What containerd.yml asks of the kernel, word for word. */
const missingModules = 'grep -qw overlay /proc/filesystems || echo overlay; [ -d /proc/sys/net/bridge ] || echo br_netfilter';

interface Prepared {
	readonly artifacts: LabArtifacts;
	/** The bundled Handlebars templates the floor renders as pb does. */
	readonly config: string;
	readonly unit: string;
	readonly crictl: string;
}

/** Set by prepareArtifacts, which the benchmark calls before anything else of this scenario. */
let prepared: Prepared | undefined;

function preparation(): Prepared {
	if (!prepared) {
		throw new Error('the containerd scenario was used before its prepareArtifacts');
	}

	return prepared;
}

function mirrorOf(mirrorUrl: string | undefined): string {
	if (mirrorUrl === undefined) {
		throw new Error('the containerd scenario needs its artifacts served (a mirror URL)');
	}

	return mirrorUrl.replace(/\/$/, '');
}

/** The variables every version gets: the lab's versions, checksums and mirror, and the settings. */
function scenarioVars(artifacts: LabArtifacts, mirrorUrl: string | undefined): Record<string, unknown> {
	return {...labPlaybookVars(artifacts, mirrorOf(mirrorUrl)), ...settings};
}

function ansiblePlaybook(arch: string): string {
	return `# pb's playbooks/containerd.yml task for task, in ansible-playbook's own modules (bench/scenarios/containerd.ts).
# Its -e file holds the lab's versions, checksums and mirror, and the settings the config reads.
- name: containerd as the node's CRI runtime
  hosts: all
  # The lab logs in as root, so no become: pb runs no sudo for the user it is, Ansible would.
  # No facts: the lab's hosts run on this machine, whose architecture is written below.
  gather_facts: false
  vars:
    arch: ${arch}
    runtime_name: ${runtime.runtime_name}
    runtime_socket: ${runtime.runtime_socket}
    containerd_major: "{{ containerd_version.split('.')[0] }}"
    containerd_url: "{{ mirror }}/containerd/containerd/releases/download/v{{ containerd_version }}/containerd-{{ containerd_version }}-linux-{{ arch }}.tar.gz"
    runc_url: "{{ mirror }}/opencontainers/runc/releases/download/v{{ runc_version }}/runc.{{ arch }}"
    crictl_url: "{{ mirror }}/kubernetes-sigs/cri-tools/releases/download/v{{ crictl_version }}/crictl-v{{ crictl_version }}-linux-{{ arch }}.tar.gz"
    containerd_checksum: "sha256:{{ containerd_sha256[arch][containerd_version] | default('') }}"
    runc_checksum: "sha256:{{ runc_sha256[arch][runc_version] | default('') }}"
    crictl_checksum: "sha256:{{ crictl_sha256[arch][crictl_version] | default('') }}"
    artifacts:
      - {name: containerd, version: "{{ containerd_version }}", checksum: "{{ containerd_checksum }}"}
      - {name: runc, version: "{{ runc_version }}", checksum: "{{ runc_checksum }}"}
      - {name: crictl, version: "{{ crictl_version }}", checksum: "{{ crictl_checksum }}"}
  tasks:
    - name: Every artifact has a checksum for {{ arch }}
      assert:
        that:
          - item.checksum != 'sha256:'
        fail_msg: "no sha256 for {{ item.name }} {{ item.version }} on {{ arch }}"
        quiet: true
      loop: "{{ artifacts }}"
      loop_control:
        label: "{{ item.name }} {{ item.version }}"

    - name: Kernel modules loaded at boot
      copy:
        dest: ${modulesFile}
        content: |
          overlay
          br_netfilter
        mode: "0644"

    # community.general.modprobe needs modprobe and /lib/modules on the host, which containers lack.
    - name: Kernel modules the kernel lacks now
      shell: ${missingModules}
      register: missing_kernel_modules
      changed_when: false
      check_mode: false

    - name: Kernel modules loaded now
      command: modprobe -a {{ missing_kernel_modules.stdout_lines | join(' ') }}
      when: missing_kernel_modules.stdout | trim != ''

    - name: Bridged traffic goes through iptables, and IP forwarding is on
      ansible.posix.sysctl:
        name: "{{ item }}"
        value: "1"
        sysctl_file: ${sysctlFile}
      loop: ${JSON.stringify(sysctlKeys)}

    - name: Downloaded archives are kept in {{ artifact_dir }}
      file:
        path: "{{ artifact_dir }}"
        state: directory
        mode: "0755"

    - name: runc {{ runc_version }}
      get_url:
        url: "{{ runc_url }}"
        checksum: "{{ runc_checksum }}"
        dest: /usr/local/sbin/runc
        mode: "0755"

    - name: containerd {{ containerd_version }} release
      get_url:
        url: "{{ containerd_url }}"
        checksum: "{{ containerd_checksum }}"
        dest: "{{ artifact_dir }}/containerd-{{ containerd_version }}-linux-{{ arch }}.tar.gz"

    - name: containerd in /usr/local/bin
      unarchive:
        src: "{{ artifact_dir }}/containerd-{{ containerd_version }}-linux-{{ arch }}.tar.gz"
        dest: /usr/local
        remote_src: true
      notify: restart containerd

    - name: containerd's configuration directory
      file:
        path: "{{ '/etc/containerd' if containerd_major == '1' else '/etc/containerd/certs.d/docker.io' }}"
        state: directory
        mode: "0755"

    - name: containerd's configuration (schema for containerd {{ containerd_version }})
      template:
        src: ${join(jinjaTemplates, 'containerd-config.toml.j2')}
        dest: /etc/containerd/config.toml
        mode: "0644"
      notify: restart containerd

    - name: docker.io mirrors, for containerd 2.x
      template:
        src: ${join(jinjaTemplates, 'containerd-hosts.toml.j2')}
        dest: /etc/containerd/certs.d/docker.io/hosts.toml
        mode: "0644"
      when: containerd_major != '1'
      notify: restart containerd

    # pb's unit and crictl.yaml templates read the same in Jinja2: Ansible renders them too.
    - name: containerd's systemd unit
      template:
        src: ${bundledTemplates['containerd.service.hbs']}
        dest: ${unitFile}
        mode: "0644"
      notify: restart containerd

    - name: containerd enabled and started
      systemd:
        name: containerd
        enabled: true
        state: started
        daemon_reload: true
      register: containerd_service

    - name: crictl {{ crictl_version }} release
      get_url:
        url: "{{ crictl_url }}"
        checksum: "{{ crictl_checksum }}"
        dest: "{{ artifact_dir }}/crictl-v{{ crictl_version }}-linux-{{ arch }}.tar.gz"

    - name: crictl in /usr/local/bin
      unarchive:
        src: "{{ artifact_dir }}/crictl-v{{ crictl_version }}-linux-{{ arch }}.tar.gz"
        dest: /usr/local/bin
        remote_src: true
        include: [crictl]

    - name: crictl talks to {{ runtime_name }}
      template:
        src: ${bundledTemplates['crictl.yaml.hbs']}
        dest: /etc/crictl.yaml
        mode: "0644"

  handlers:
    # As in containerd.yml: systemd's status is from before the task, so a containerd this run
    # started is not restarted.
    - name: restart containerd
      systemd:
        name: containerd
        state: restarted
        daemon_reload: true
      when: containerd_service.status.ActiveState == 'active'
`;
}

/** curl from the mirror into `dest`, then sha256sum -c: what a download task does. */
function download(mirror: string, artifact: LabArtifact, dest: string): string {
	return `curl -fsS -o ${dest} ${quoteShell(`${mirror}/${artifact.path}`)}\necho ${quoteShell(`${artifact.sha256}  ${dest}`)} | sha256sum -c --quiet`;
}

function writeText(path: string, text: string): string {
	return `printf '%s' ${quoteShell(text)} > ${path}`;
}

export const containerdScenario: Scenario = {
	id: 'containerd',
	title: 'the containerd procedure (playbooks/containerd.yml)',
	// As written in containerd.yml, a loop counting once; the modprobe and the 2.x mirrors file are skipped here.
	tasksPerHost: 17,

	async prepareArtifacts(log: (line: string) => void): Promise<string> {
		const artifacts = await labArtifacts(log);
		const read = async (name: string) => readFile(bundledTemplates[name]!, 'utf8');
		prepared = {artifacts, config: await read('containerd-config.toml.hbs'), unit: await read('containerd.service.hbs'), crictl: await read('crictl.yaml.hbs')};
		return artifacts.directory;
	},

	async writePlaybooks(directory: string, mirrorUrl: string | undefined): Promise<ScenarioPlaybooks> {
		const {artifacts} = preparation();
		// JSON is YAML: both tools read it with -e @FILE.
		const varsFile = join(directory, 'containerd-vars.json');
		await writeFile(varsFile, JSON.stringify(scenarioVars(artifacts, mirrorUrl), undefined, '\t'));
		const ansible = join(directory, 'containerd-ansible.yml');
		await writeFile(ansible, ansiblePlaybook(findArtifact(artifacts, 'containerd').arch));
		return {pb: bundledPlaybook, ansible, extraVars: [`@${varsFile}`]};
	},

	floorApply(_host, mirrorUrl: string | undefined): string {
		const {artifacts, config, unit, crictl} = preparation();
		const vars = {...scenarioVars(artifacts, mirrorUrl), ...runtime};
		const mirror = mirrorOf(mirrorUrl);
		const containerd = findArtifact(artifacts, 'containerd');
		const crictlRelease = findArtifact(artifacts, 'crictl');
		const containerdArchive = `${settings.artifact_dir}/${basename(containerd.path)}`;
		const crictlArchive = `${settings.artifact_dir}/${basename(crictlRelease.path)}`;
		return [
			'set -e',
			writeText(modulesFile, 'overlay\nbr_netfilter\n'),
			`missing=$(${missingModules})`,
			'[ -z "$missing" ] || modprobe -a $missing',
			writeText(sysctlFile, sysctlKeys.map(key => `${key} = 1\n`).join('')),
			`sysctl -q -p ${sysctlFile}`,
			`mkdir -p ${settings.artifact_dir}`,
			download(mirror, findArtifact(artifacts, 'runc'), '/usr/local/sbin/runc'),
			'chmod 755 /usr/local/sbin/runc',
			download(mirror, containerd, containerdArchive),
			`tar -xzf ${containerdArchive} -C /usr/local`,
			'mkdir -p /etc/containerd',
			writeText('/etc/containerd/config.toml', renderFile(config, vars, 'containerd-config.toml.hbs')),
			writeText(unitFile, renderFile(unit, vars, 'containerd.service.hbs')),
			'systemctl daemon-reload',
			'systemctl enable -q containerd',
			'systemctl start containerd',
			download(mirror, crictlRelease, crictlArchive),
			`tar -xzf ${crictlArchive} -C /usr/local/bin crictl`,
			writeText('/etc/crictl.yaml', renderFile(crictl, vars, 'crictl.yaml.hbs')),
			'',
		].join('\n');
	},

	floorCheck(): string {
		return [
			'set -e',
			`cat ${modulesFile} ${sysctlFile} > /dev/null`,
			`${missingModules} > /dev/null`,
			`sysctl -n ${sysctlKeys.join(' ')} > /dev/null`,
			`stat -c '%n %F %a %U %G' ${settings.artifact_dir} /etc/containerd > /dev/null`,
			`sha256sum /usr/local/sbin/runc ${settings.artifact_dir}/* /usr/local/bin/* /etc/containerd/config.toml ${unitFile} /etc/crictl.yaml > /dev/null`,
			'systemctl is-enabled -q containerd',
			'systemctl is-active -q containerd',
			'',
		].join('\n');
	},

	fingerprint(): string {
		const paths = ['/usr/local', '/etc/containerd', '/var/cache/pb', unitFile, '/etc/systemd/system/multi-user.target.wants/containerd.service', '/etc/crictl.yaml', modulesFile, sysctlFile];
		return [
			`find ${paths.join(' ')} -printf '%p %y %m %u %g %l\\n' 2>&1 | sort`,
			`find ${paths.join(' ')} -type f ! -path ${sysctlFile} -exec sha256sum {} + 2>&1 | sort`,
			// ansible.posix.sysctl writes key=value, pb key = value: the same settings, compared as such.
			`sed -E 's/[[:space:]]*=[[:space:]]*/ = /' ${sysctlFile} 2>&1`,
			`sysctl ${sysctlKeys.join(' ')} 2>&1`,
			'systemctl is-enabled containerd 2>&1; systemctl is-active containerd 2>&1; true',
			'',
		].join('\n');
	},
};
