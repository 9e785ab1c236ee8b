/**
 * systemd-analyze security's judgement (systemd 252): one check per row of CHECKS, each giving a
 * badness between 0 and its range (or "not applicable"), weighted into the unit's exposure from
 * 0.0 to 10.0 and its level (OK, UNSAFE, …). The words and weights are systemd's, since users
 * compare this tool's answers with its; the arithmetic rounds up where systemd rounds up.
 */
import { SYSCALL_NUMBERS } from '../shared/syscall-numbers.generated.js';
import { syscallGroupFind, type SyscallGroup } from '../shared/syscall-filter.js';
import type { SecurityInfo } from './security-info.js';
import { capabilityFromName } from './values/capability.js';
import { strcmp } from '../shared/strcmp.js';

/** A check's verdict: badness (undefined: does not apply) and the text that replaces its fixed words. */
interface Verdict {
  readonly badness: number | undefined;
  readonly description?: string;
}

interface Check {
  readonly id: string;
  readonly good?: string;
  readonly bad?: string;
  readonly na?: string;
  readonly weight: number;
  readonly range: number;
  /** Judged only for units with default dependencies (others run in an early boot phase). */
  readonly defaultDependenciesOnly?: boolean;
  readonly judge: (i: SecurityInfo) => Verdict;
}

const v = (badness: number | undefined, description?: string): Verdict => ({ badness, description });
/** A yes/no setting: bad unless set (or, with `invert`, bad when set). */
const flag = (get: (i: SecurityInfo) => boolean, invert = false) => (i: SecurityInfo) => v(get(i) === invert ? 1 : 0);

function runsPrivileged(i: SecurityInfo): boolean {
  if (i.user === '0' || i.user === 'root') return true;
  return !i.dynamicUser && (i.user === undefined || i.user === '');
}

function capabilities(...names: string[]): (i: SecurityInfo) => Verdict {
  const mask = names.reduce((m, n) => m | (1n << BigInt(capabilityFromName(n) ?? 0)), 0n);
  return (i) => v((BigInt(i.capabilityBoundingSet) & mask) !== 0n ? 1 : 0);
}

const CLONE = { mnt: 0x00020000, cgroup: 0x02000000, uts: 0x04000000, ipc: 0x08000000, user: 0x10000000, pid: 0x20000000, net: 0x40000000 } as const;
const namespace = (n: keyof typeof CLONE) => (i: SecurityInfo) => v((i.restrictNamespaces & CLONE[n]) !== 0 ? 1 : 0);

function user(i: SecurityInfo): Verdict {
  if (i.user === 'nobody') return v(9, "Service runs under as 'nobody' user, which should not be used for services");
  if (i.dynamicUser && i.user !== '0' && i.user !== 'root') return v(0, 'Service runs under a transient non-root user identity');
  if (i.user !== undefined && !['0', 'root', ''].includes(i.user)) return v(0, 'Service runs under a static non-root user identity');
  return v(10);
}

function protectHome(i: SecurityInfo): Verdict {
  if (i.protectHome === 'yes') return v(0, 'Service has no access to home directories');
  if (i.protectHome === 'read-only') return v(5, 'Service has read-only access to home directories');
  if (i.protectHome === 'tmpfs') return v(1, 'Service has access to fake empty home directories');
  return v(10, 'Service has full access to home directories');
}

function protectSystem(i: SecurityInfo): Verdict {
  if (i.protectSystem === 'yes') return v(5, 'Service has limited write access to the OS file hierarchy');
  if (i.protectSystem === 'full') return v(3, 'Service has very limited write access to the OS file hierarchy');
  if (i.protectSystem === 'strict') return v(0, 'Service has strict read-only access to the OS file hierarchy');
  return v(10, 'Service has full access to the OS file hierarchy');
}

function umask(i: SecurityInfo): Verdict {
  if ((i.umask & 0o002) === 0) return v(10, 'Files created by service are world-writable by default');
  if ((i.umask & 0o004) === 0) return v(5, 'Files created by service are world-readable by default');
  if ((i.umask & 0o020) === 0) return v(2, 'Files created by service are group-writable by default');
  if ((i.umask & 0o040) === 0) return v(1, 'Files created by service are group-readable by default');
  return v(0, "Files created by service are accessible only by service's own user by default");
}

function architectures(i: SecurityInfo): Verdict {
  if (i.systemCallArchitectures.length === 0) return v(10, 'Service may execute system calls with all ABIs');
  // Only "native" alone counts: the machine's own ABI named, or another one too, is more than one to systemd.
  if (i.systemCallArchitectures.length === 1 && i.systemCallArchitectures[0] === 'native') return v(0, 'Service may execute system calls only with native ABI');
  return v(8, 'Service may execute system calls with multiple ABIs');
}

/** The first call of the group (nested groups in place) that the filter lets through, if any. */
function allowedCall(group: SyscallGroup, filter: ReadonlySet<string>, allowList: boolean): string | undefined {
  for (const entry of group.entries) {
    if (entry.startsWith('@')) {
      const nested = syscallGroupFind(entry);
      const found = nested && allowedCall(nested, filter, allowList);
      if (found) return found;
      continue;
    }
    // A call this machine does not have cannot be let through.
    if (SYSCALL_NUMBERS.x86_64[entry] === undefined) continue;
    if (filter.has(entry) === allowList) return entry;
  }
  return undefined;
}

function syscallFilter(name: string): (i: SecurityInfo) => Verdict {
  return (i) => {
    if (!i.systemCallFilterAllowList && i.systemCallFilter.length === 0) return v(10, 'Service does not filter system calls');
    const group = syscallGroupFind(name);
    const offender = group && allowedCall(group, new Set(i.systemCallFilter), i.systemCallFilterAllowList);
    if (i.systemCallFilterAllowList) {
      return offender
        ? v(9, `System call allow list defined for service, and ${name} is included (e.g. ${offender} is allowed)`)
        : v(0, `System call allow list defined for service, and ${name} is not included`);
    }
    return offender
      ? v(10, `System call deny list defined for service, and ${name} is not included (e.g. ${offender} is allowed)`)
      : v(0, `System call deny list defined for service, and ${name} is included`);
  };
}

function ipAddresses(i: SecurityInfo): Verdict {
  if (i.ipFiltersCustom) return v(0, 'Service defines custom ingress/egress IP filters with BPF programs');
  if (!i.ipAddressDenyAll) return v(10, 'Service does not define an IP address allow list');
  if (i.ipAddressAllowOther) return v(5, 'Service defines IP address allow list with non-localhost entries');
  if (i.ipAddressAllowLocalhost) return v(2, 'Service defines IP address allow list with only localhost entries');
  return v(0, 'Service blocks all IP address ranges');
}

function devices(i: SecurityInfo): Verdict {
  if (i.devicePolicy !== 'strict' && i.devicePolicy !== 'closed') return v(10, 'Service has no device ACL');
  if (i.deviceAllow.length > 0) return v(5, `Service has a device ACL with some special devices: ${i.deviceAllow.join(' ')}`);
  return v(0, 'Service has a minimal device ACL');
}

function protectProc(i: SecurityInfo): Verdict {
  if (i.protectProc === 'noaccess') return v(1);
  return v(i.protectProc === 'invisible' || i.protectProc === 'ptraceable' ? 0 : 3);
}

const SYSCALL_GROUP_WEIGHTS: readonly (readonly [string, number])[] = [
  ['@swap', 1000], ['@obsolete', 250], ['@clock', 1000], ['@cpu-emulation', 250], ['@debug', 1000], ['@mount', 1000],
  ['@module', 1000], ['@raw-io', 1000], ['@reboot', 1000], ['@privileged', 700], ['@resources', 700],
];

const capCheck = (id: string, good: string, bad: string, weight: number, ...caps: string[]): Check =>
  ({ id: `CapabilityBoundingSet=~${id}`, good, bad, weight, range: 1, judge: capabilities(...caps) });
const namespaceCheck = (n: keyof typeof CLONE, what: string, weight: number): Check =>
  ({ id: `RestrictNamespaces=~${n}`, good: `Service cannot create ${what} namespaces`, bad: `Service may create ${what} namespaces`, weight, range: 1, judge: namespace(n) });
const familyCheck = (id: string, what: string, weight: number, get: (f: SecurityInfo['restrictAddressFamily']) => boolean): Check =>
  ({ id: `RestrictAddressFamilies=~${id}`, good: `Service cannot allocate ${what} sockets`, bad: `Service may allocate ${what} sockets`, weight, range: 1, judge: flag((i) => get(i.restrictAddressFamily)) });

export const CHECKS: readonly Check[] = [
  { id: 'User=/DynamicUser=', bad: 'Service runs as root user', weight: 2000, range: 10, judge: user },
  {
    id: 'SupplementaryGroups=', good: 'Service has no supplementary groups', bad: 'Service runs with supplementary groups',
    na: 'Service runs as root, option does not matter', weight: 200, range: 1,
    judge: (i) => v(runsPrivileged(i) ? undefined : i.supplementaryGroups.length > 0 ? 1 : 0),
  },
  { id: 'PrivateDevices=', good: 'Service has no access to hardware devices', bad: 'Service potentially has access to hardware devices', weight: 1000, range: 1, judge: flag((i) => i.privateDevices) },
  { id: 'PrivateMounts=', good: 'Service cannot install system mounts', bad: 'Service may install system mounts', weight: 1000, range: 1, judge: flag((i) => i.privateMounts) },
  { id: 'PrivateNetwork=', good: "Service has no access to the host's network", bad: "Service has access to the host's network", weight: 2500, range: 1, judge: flag((i) => i.privateNetwork) },
  { id: 'PrivateTmp=', good: "Service has no access to other software's temporary files", bad: "Service has access to other software's temporary files", weight: 1000, range: 1, defaultDependenciesOnly: true, judge: flag((i) => i.privateTmp) },
  { id: 'PrivateUsers=', good: 'Service does not have access to other users', bad: 'Service has access to other users', weight: 1000, range: 1, judge: flag((i) => i.privateUsers) },
  { id: 'ProtectControlGroups=', good: 'Service cannot modify the control group file system', bad: 'Service may modify the control group file system', weight: 1000, range: 1, judge: flag((i) => i.protectControlGroups) },
  { id: 'ProtectKernelModules=', good: 'Service cannot load or read kernel modules', bad: 'Service may load or read kernel modules', weight: 1000, range: 1, judge: flag((i) => i.protectKernelModules) },
  { id: 'ProtectKernelTunables=', good: 'Service cannot alter kernel tunables (/proc/sys, …)', bad: 'Service may alter kernel tunables', weight: 1000, range: 1, judge: flag((i) => i.protectKernelTunables) },
  { id: 'ProtectKernelLogs=', good: 'Service cannot read from or write to the kernel log ring buffer', bad: 'Service may read from or write to the kernel log ring buffer', weight: 1000, range: 1, judge: flag((i) => i.protectKernelLogs) },
  { id: 'ProtectClock=', good: 'Service cannot write to the hardware clock or system clock', bad: 'Service may write to the hardware clock or system clock', weight: 1000, range: 1, judge: flag((i) => i.protectClock) },
  { id: 'ProtectHome=', weight: 1000, range: 10, defaultDependenciesOnly: true, judge: protectHome },
  { id: 'ProtectHostname=', good: 'Service cannot change system host/domainname', bad: 'Service may change system host/domainname', weight: 50, range: 1, judge: flag((i) => i.protectHostname) },
  { id: 'ProtectSystem=', weight: 1000, range: 10, defaultDependenciesOnly: true, judge: protectSystem },
  {
    id: 'RootDirectory=/RootImage=', good: 'Service has its own root directory/image', bad: "Service runs within the host's root directory", weight: 200, range: 1, defaultDependenciesOnly: true,
    judge: (i) => v([undefined, '', '/'].includes(i.rootDirectory) && [undefined, '', '/'].includes(i.rootImage) ? 1 : 0),
  },
  { id: 'LockPersonality=', good: 'Service cannot change ABI personality', bad: 'Service may change ABI personality', weight: 100, range: 1, judge: flag((i) => i.lockPersonality) },
  { id: 'MemoryDenyWriteExecute=', good: 'Service cannot create writable executable memory mappings', bad: 'Service may create writable executable memory mappings', weight: 100, range: 1, judge: flag((i) => i.memoryDenyWriteExecute) },
  { id: 'NoNewPrivileges=', good: 'Service processes cannot acquire new privileges', bad: 'Service processes may acquire new privileges', weight: 1000, range: 1, judge: flag((i) => i.noNewPrivileges) },
  capCheck('CAP_SYS_ADMIN', 'Service has no administrator privileges', 'Service has administrator privileges', 1500, 'CAP_SYS_ADMIN'),
  capCheck('CAP_SET(UID|GID|PCAP)', 'Service cannot change UID/GID identities/capabilities', 'Service may change UID/GID identities/capabilities', 1500, 'CAP_SETUID', 'CAP_SETGID', 'CAP_SETPCAP'),
  capCheck('CAP_SYS_PTRACE', 'Service has no ptrace() debugging abilities', 'Service has ptrace() debugging abilities', 1500, 'CAP_SYS_PTRACE'),
  capCheck('CAP_SYS_TIME', 'Service processes cannot change the system clock', 'Service processes may change the system clock', 1000, 'CAP_SYS_TIME'),
  capCheck('CAP_NET_ADMIN', 'Service has no network configuration privileges', 'Service has network configuration privileges', 1000, 'CAP_NET_ADMIN'),
  capCheck('CAP_SYS_RAWIO', 'Service has no raw I/O access', 'Service has raw I/O access', 1000, 'CAP_SYS_RAWIO'),
  capCheck('CAP_SYS_MODULE', 'Service cannot load kernel modules', 'Service may load kernel modules', 1000, 'CAP_SYS_MODULE'),
  capCheck('CAP_AUDIT_*', 'Service has no audit subsystem access', 'Service has audit subsystem access', 500, 'CAP_AUDIT_CONTROL', 'CAP_AUDIT_READ', 'CAP_AUDIT_WRITE'),
  capCheck('CAP_SYSLOG', 'Service has no access to kernel logging', 'Service has access to kernel logging', 500, 'CAP_SYSLOG'),
  capCheck('CAP_SYS_(NICE|RESOURCE)', 'Service has no privileges to change resource use parameters', 'Service has privileges to change resource use parameters', 500, 'CAP_SYS_NICE', 'CAP_SYS_RESOURCE'),
  capCheck('CAP_MKNOD', 'Service cannot create device nodes', 'Service may create device nodes', 500, 'CAP_MKNOD'),
  capCheck('CAP_(CHOWN|FSETID|SETFCAP)', 'Service cannot change file ownership/access mode/capabilities', 'Service may change file ownership/access mode/capabilities unrestricted', 1000, 'CAP_CHOWN', 'CAP_FSETID', 'CAP_SETFCAP'),
  capCheck('CAP_(DAC_*|FOWNER|IPC_OWNER)', 'Service cannot override UNIX file/IPC permission checks', 'Service may override UNIX file/IPC permission checks', 1000, 'CAP_DAC_OVERRIDE', 'CAP_DAC_READ_SEARCH', 'CAP_FOWNER', 'CAP_IPC_OWNER'),
  capCheck('CAP_KILL', 'Service cannot send UNIX signals to arbitrary processes', 'Service may send UNIX signals to arbitrary processes', 500, 'CAP_KILL'),
  capCheck('CAP_NET_(BIND_SERVICE|BROADCAST|RAW)', 'Service has no elevated networking privileges', 'Service has elevated networking privileges', 500, 'CAP_NET_BIND_SERVICE', 'CAP_NET_BROADCAST', 'CAP_NET_RAW'),
  capCheck('CAP_SYS_BOOT', 'Service cannot issue reboot()', 'Service may issue reboot()', 100, 'CAP_SYS_BOOT'),
  capCheck('CAP_MAC_*', 'Service cannot adjust SMACK MAC', 'Service may adjust SMACK MAC', 100, 'CAP_MAC_ADMIN', 'CAP_MAC_OVERRIDE'),
  capCheck('CAP_LINUX_IMMUTABLE', 'Service cannot mark files immutable', 'Service may mark files immutable', 75, 'CAP_LINUX_IMMUTABLE'),
  capCheck('CAP_IPC_LOCK', 'Service cannot lock memory into RAM', 'Service may lock memory into RAM', 50, 'CAP_IPC_LOCK'),
  capCheck('CAP_SYS_CHROOT', 'Service cannot issue chroot()', 'Service may issue chroot()', 50, 'CAP_SYS_CHROOT'),
  capCheck('CAP_BLOCK_SUSPEND', 'Service cannot establish wake locks', 'Service may establish wake locks', 25, 'CAP_BLOCK_SUSPEND'),
  capCheck('CAP_WAKE_ALARM', 'Service cannot program timers that wake up the system', 'Service may program timers that wake up the system', 25, 'CAP_WAKE_ALARM'),
  capCheck('CAP_LEASE', 'Service cannot create file leases', 'Service may create file leases', 25, 'CAP_LEASE'),
  capCheck('CAP_SYS_TTY_CONFIG', 'Service cannot issue vhangup()', 'Service may issue vhangup()', 25, 'CAP_SYS_TTY_CONFIG'),
  capCheck('CAP_SYS_PACCT', 'Service cannot use acct()', 'Service may use acct()', 25, 'CAP_SYS_PACCT'),
  capCheck('CAP_BPF', 'Service may not load BPF programs', 'Service may load BPF programs', 25, 'CAP_BPF'),
  { id: 'UMask=', weight: 100, range: 10, judge: umask },
  { id: 'KeyringMode=', good: "Service doesn't share key material with other services", bad: 'Service shares key material with other service', weight: 1000, range: 1, judge: (i) => v(i.keyringMode === 'private' ? 0 : 1) },
  { id: 'ProtectProc=', good: 'Service has restricted access to process tree (/proc hidepid=)', bad: 'Service has full access to process tree (/proc hidepid=)', weight: 1000, range: 3, judge: protectProc },
  { id: 'ProcSubset=', good: 'Service has no access to non-process /proc files (/proc subset=)', bad: 'Service has full access to non-process /proc files (/proc subset=)', weight: 10, range: 1, judge: (i) => v(i.procSubset === 'pid' ? 0 : 1) },
  { id: 'NotifyAccess=', good: 'Service child processes cannot alter service state', bad: 'Service child processes may alter service state', weight: 1000, range: 1, judge: (i) => v(i.notifyAccess === 'all' ? 1 : 0) },
  {
    id: 'RemoveIPC=', good: 'Service user cannot leave SysV IPC objects around', bad: 'Service user may leave SysV IPC objects around',
    na: 'Service runs as root, option does not apply', weight: 100, range: 1, judge: (i) => v(runsPrivileged(i) ? undefined : i.removeIPC ? 0 : 1),
  },
  { id: 'Delegate=', good: 'Service does not maintain its own delegated control group subtree', bad: 'Service maintains its own delegated control group subtree', weight: 100, range: 1, judge: flag((i) => i.delegate, true) },
  { id: 'RestrictRealtime=', good: 'Service realtime scheduling access is restricted', bad: 'Service may acquire realtime scheduling', weight: 500, range: 1, judge: flag((i) => i.restrictRealtime) },
  { id: 'RestrictSUIDSGID=', good: 'SUID/SGID file creation by service is restricted', bad: 'Service may create SUID/SGID files', weight: 1000, range: 1, judge: flag((i) => i.restrictSUIDSGID) },
  namespaceCheck('user', 'user', 1500),
  namespaceCheck('mnt', 'file system', 500),
  namespaceCheck('ipc', 'IPC', 500),
  namespaceCheck('pid', 'process', 500),
  namespaceCheck('cgroup', 'cgroup', 500),
  namespaceCheck('net', 'network', 500),
  namespaceCheck('uts', 'hostname', 100),
  familyCheck('AF_(INET|INET6)', 'Internet', 1500, (f) => f.inet),
  familyCheck('AF_UNIX', 'local', 25, (f) => f.unix),
  familyCheck('AF_NETLINK', 'netlink', 200, (f) => f.netlink),
  familyCheck('AF_PACKET', 'packet', 1000, (f) => f.packet),
  familyCheck('…', 'exotic', 1250, (f) => f.other),
  { id: 'SystemCallArchitectures=', weight: 1000, range: 10, judge: architectures },
  ...SYSCALL_GROUP_WEIGHTS.map(([name, weight]): Check => ({ id: `SystemCallFilter=~${name}`, weight, range: 10, judge: syscallFilter(name) })),
  { id: 'IPAddressDeny=', weight: 1000, range: 10, judge: ipAddresses },
  { id: 'DeviceAllow=', weight: 1000, range: 10, judge: devices },
  { id: 'AmbientCapabilities=', good: 'Service process does not receive ambient capabilities', bad: 'Service process receives ambient capabilities', weight: 500, range: 1, judge: (i) => v(i.ambientCapabilities !== '0' ? 1 : 0) },
];

/** systemd's levels, from the worst: the first whose threshold (tenths of a point) the exposure reaches. */
export const EXPOSURE_LEVELS = [
  { threshold: 100, name: 'DANGEROUS', smiley: 'depressed' },
  { threshold: 90, name: 'UNSAFE', smiley: 'unhappy' },
  { threshold: 75, name: 'EXPOSED', smiley: 'slightly-unhappy' },
  { threshold: 50, name: 'MEDIUM', smiley: 'neutral' },
  { threshold: 10, name: 'OK', smiley: 'slightly-happy' },
  { threshold: 1, name: 'SAFE', smiley: 'happy' },
  { threshold: 0, name: 'PERFECT', smiley: 'ecstatic' },
] as const;
export type ExposureLevel = (typeof EXPOSURE_LEVELS)[number];

export type Mark = 'good' | 'bad' | 'na';

export interface AssessedRow {
  readonly mark: Mark;
  readonly id: string;
  readonly description: string;
  /** Tenths of a point this check adds ("0.3"), undefined when it adds nothing. */
  readonly exposure?: number;
}

export interface Assessment {
  readonly rows: readonly AssessedRow[];
  /** Tenths of a point, 0…100. */
  readonly exposure: number;
  readonly level: ExposureLevel;
}

const divRoundUp = (a: number, b: number) => Math.floor((a + b - 1) / b);

/** Every check's row, in table order (its description descending, then its name), and the total. */
export function assessSecurity(info: SecurityInfo): Assessment {
  let badnessSum = 0;
  let weightSum = 0;
  const judged = CHECKS.map((c) => {
    const verdict = c.defaultDependenciesOnly && !info.defaultDependencies
      ? v(undefined, 'Service runs in special boot phase, option is not appropriate')
      : c.judge(info);
    if (verdict.badness !== undefined) {
      badnessSum += divRoundUp(verdict.badness * c.weight, c.range);
      weightSum += c.weight;
    }
    return { c, verdict };
  });
  const rows = judged.map(({ c, verdict: { badness, description } }): AssessedRow => {
    const mark: Mark = badness === undefined ? 'na' : badness === 0 ? 'good' : 'bad';
    const fixed = badness === undefined ? c.na : badness === c.range ? c.bad : badness === 0 ? c.good : undefined;
    const exposure = badness === undefined || badness === 0 ? undefined : divRoundUp(divRoundUp(badness * c.weight * 100, c.range), weightSum);
    return { mark, id: c.id, description: description ?? fixed ?? '', exposure };
  });
  const exposure = divRoundUp(badnessSum * 100, weightSum);
  const level = EXPOSURE_LEVELS.find((l) => exposure >= l.threshold) ?? EXPOSURE_LEVELS[EXPOSURE_LEVELS.length - 1]!;
  return { rows: tableOrder(rows), exposure, level };
}


/**
 * The rows in the order systemd's table prints them: sorted by description, descending, then by
 * name. systemd sorts its table with glibc's merge sort (the header row at index 0 included), and
 * its comparison falls back to the order rows were added in (reversed, as the description column
 * is) when one description is missing, which is not a consistent order: the same merge sort,
 * given the same comparison, puts such rows where systemd does.
 */
function tableOrder(rows: readonly AssessedRow[]): AssessedRow[] {
  const compare = (a: number, b: number): number => {
    if (a === 0 || b === 0) return a === b ? 0 : a === 0 ? -1 : 1;
    const ra = rows[a - 1]!;
    const rb = rows[b - 1]!;
    const byDescription = ra.description !== '' && rb.description !== '' ? strcmp(ra.description, rb.description) : a - b;
    if (byDescription !== 0) return -Math.sign(byDescription);
    const byName = strcmp(ra.id, rb.id);
    return byName !== 0 ? byName : a - b;
  };
  const order = mergeSort([...Array(rows.length + 1).keys()], compare);
  return order.slice(1).map((i) => rows[i - 1]!);
}

/** glibc's qsort for small arrays: top-down merge sort, taking from the left run on ties. */
function mergeSort(items: number[], compare: (a: number, b: number) => number): number[] {
  if (items.length <= 1) return items;
  const n1 = Math.floor(items.length / 2);
  const left = mergeSort(items.slice(0, n1), compare);
  const right = mergeSort(items.slice(n1), compare);
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length && j < right.length) out.push(compare(left[i]!, right[j]!) <= 0 ? left[i++]! : right[j++]!);
  return [...out, ...left.slice(i), ...right.slice(j)];
}
