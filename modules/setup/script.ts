import type {FactGroup} from './subsets.js';

/*
 * The POSIX sh script that gathers facts in one round trip. It prints sections, each a line
 * `### NAME` and then what was read, raw; parse.ts makes facts of them on the controller. Facts
 * are gathered for every play, so files are read with the shell's own `read` rather than a
 * process each (a process costs a small host a few milliseconds of CPU), and a program runs only
 * where no file says as much: uname, date, getent for the fqdn, env, and per group ip, grep,
 * lsb_release (where installed). Each part runs only when its group is gathered.
 */

/** A shell parameter expansion, which a template literal would take for its own. */
const param = (expression: string): string => '${' + expression + '}';

// Prints a file as it is (the last line even without a newline); nothing when it is unreadable.
const prelude = String.raw`
show() { if [ -r "$1" ]; then while IFS= read -r l || [ -n "$l" ]; do printf '%s\n' "$l"; done < "$1"; fi; }
section() { printf '### %s\n' "$1"; }
dmi() { for f in "$@"; do section "dmi $f"; show /sys/devices/virtual/dmi/id/$f; done; }
`;

const min = String.raw`
section uname; uname -r -v -m
h=; read -r h < /proc/sys/kernel/hostname
section hostname; echo "$h"
# Python's socket.getfqdn: the host's first address, then that address's names.
section fqdn; set -- $(getent ahosts "$h" 2>/dev/null); if [ -n "$1" ]; then getent hosts "$1" 2>/dev/null; fi
section os-release; if [ -r /etc/os-release ]; then show /etc/os-release; else show /usr/lib/os-release; fi
section debian_version; show /etc/debian_version
# Ansible takes Debian's point release from /etc/debian_version only through the system's python3-distro.
section python3-distro; if [ -f /usr/lib/python3/dist-packages/distro/distro.py ]; then echo installed; fi
section redhat-release; show /etc/redhat-release
if command -v lsb_release >/dev/null 2>&1; then section lsb_release; lsb_release -a 2>/dev/null; fi
section lsb-release; show /etc/lsb-release
section resolv.conf; show /etc/resolv.conf
section machine-id; if [ -s /var/lib/dbus/machine-id ]; then show /var/lib/dbus/machine-id; else show /etc/machine-id; fi
section date; LC_ALL=C date '+%s %N %z %Z'
# Python's getpass.getuser(): the name the environment gives, else the passwd entry's; the ids
# from the shell's own /proc/self/status (real, then effective).
u=${param('LOGNAME:-' + param('USER:-' + param('LNAME:-$USERNAME')))}
section user; echo "name $u"
r=; while read -r k v e _; do case $k in Uid:) r=$v; echo "uid $v $e";; Gid:) echo "gid $v $e";; esac; done < /proc/self/status
section passwd
found=; for by in name uid; do
	if [ -z "$found" ]; then while IFS=: read -r n x i rest; do
		if { [ $by = name ] && [ "$n" = "$u" ]; } || { [ $by = uid ] && [ "$i" = "$r" ]; }; then echo "$n:$x:$i:$rest"; found=1; break; fi
	done < /etc/passwd; fi
done
if [ -z "$found" ]; then getent passwd "$u" 2>/dev/null || getent passwd "$r" 2>/dev/null; fi
section pkg
for p in /usr/bin/rpm-ostree /usr/bin/yum /usr/bin/dnf /usr/bin/apt-get /usr/bin/zypper /usr/sbin/urpmi /usr/bin/pacman /bin/opkg /sbin/apk /usr/bin/emerge /usr/bin/xbps-install /usr/bin/swupd /usr/sbin/sorcery /run/ostree-booted; do if [ -e $p ]; then echo "$p"; fi; done
# Ansible's check for APT-RPM: whether rpm owns apt-get. Where dpkg keeps a database apt-get is
# dpkg's (rpm installed on Debian owns nothing of it): rpm, slow to start, is asked elsewhere only.
if [ -e /usr/bin/rpm ] && [ -e /usr/bin/apt-get ] && [ ! -e /var/lib/dpkg/status ] && /usr/bin/rpm -q --whatprovides /usr/bin/apt-get >/dev/null 2>&1; then echo apt-rpm; fi
section init
c=; { read -r c < /proc/1/comm; } 2>/dev/null; echo "comm $c"
# Where PID 1's name says nothing (init, a shell), Ansible asks where /sbin/init leads.
case $c in ''|init|*sh) if [ -L /sbin/init ]; then echo "init-link $(readlink /sbin/init)"; fi;; esac
if command -v systemctl >/dev/null 2>&1; then echo systemctl; fi
if command -v initctl >/dev/null 2>&1; then echo initctl; fi
for p in /run/systemd/system/ /dev/.run/systemd/ /dev/.systemd/ /etc/init/ /sbin/openrc /etc/init.d/; do if [ -e $p ]; then echo "exists $p"; fi; done
`;

const hardware = String.raw`
x=; if [ -e /proc/xen ]; then x=xen; else { read -r x < /sys/hypervisor/type; } 2>/dev/null; fi
section hypervisor; echo "$x"
# The flags only tell a Xen paravirtual guest, and are long: read only under Xen.
f=; if [ "$x" = xen ]; then f='|flags'; fi
section cpuinfo; grep -E "^(model name|Processor|vendor_id|cpu|Vendor|processor|physical id|core id|cpu cores|siblings|# processors|ncpus active$f)[[:space:]]*:" /proc/cpuinfo 2>/dev/null
section affinity; while read -r k v _; do case $k in Cpus_allowed_list:) echo "$v";; esac; done < /proc/self/status
section uptime; show /proc/uptime
dmi bios_date bios_vendor bios_version board_asset_tag board_name board_serial board_vendor board_version chassis_asset_tag chassis_serial chassis_vendor chassis_version chassis_type product_name product_serial product_uuid product_version sys_vendor
section meminfo
while read -r k v _; do case $k in MemTotal:|MemFree:|Buffers:|Cached:|SwapCached:|SwapTotal:|SwapFree:) echo "$k $v";; esac; done < /proc/meminfo
section mounts
if [ -r /etc/mtab ]; then m=/etc/mtab; else m=/proc/mounts; fi
while read -r d p t o _; do case $d in /*|\\*|*:/*) if [ "$t" != none ]; then echo "$d $p $t $o"; fi;; esac; done < $m
`;

const network = String.raw`
if command -v ip >/dev/null 2>&1; then section ip; fi
section route; ip -4 route get 8.8.8.8 2>/dev/null
section route6; ip -6 route get 2404:6800:400a:800::1012 2>/dev/null
section addresses; ip -o addr show 2>/dev/null
section links
for d in /sys/class/net/*; do
	if [ -d "$d" ]; then
		a=-; o=-; m=-; t=-; g=-
		for v in a:address o:operstate m:mtu t:type g:flags; do if [ -r "$d/${param('v#*:')}" ]; then read -r "${param('v%%:*')}" < "$d/${param('v#*:')}"; fi; done
		k=-; if [ -d "$d/bonding" ]; then k=bonding; elif [ -d "$d/bridge" ]; then k=bridge; fi
		echo "$d $o $m $t $g $k $a"
	fi
done
`;

const virtual = String.raw`
section cgroup; show /proc/1/cgroup
section environ; if [ -r /proc/1/environ ]; then grep -az container= /proc/1/environ 2>/dev/null; fi
section systemd-container; show /run/systemd/container
section xen-capabilities; show /proc/xen/capabilities
section paths; for p in /proc/vz /proc/lve /proc/bc /.dockerenv /.dockerinit /proc/xen /dev/kvm; do if [ -e $p ]; then echo "$p"; fi; done
dmi product_name sys_vendor product_family bios_vendor
section modules; if [ -r /proc/modules ]; then while read -r n _; do case $n in kvm|vboxdrv|virtio) echo "$n";; esac; done < /proc/modules; fi
`;

// Last, because a value may hold anything: NUL-separated, as env -0 prints it.
const environment = String.raw`
section env; env -0 2>/dev/null || env
`;

const parts: Readonly<Record<FactGroup, string>> = {min, hardware, network, virtual};

/** The script gathering these groups (the minimal one also reports the environment). */
export function factScript(groups: ReadonlySet<FactGroup>): string {
	const body = [...groups].map(group => parts[group]).join('');
	return prelude + body + (groups.has('min') ? environment : '');
}
