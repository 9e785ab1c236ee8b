/**
 * The seccomp filters systemd 252 installs for a unit's exec context, as BPF programs
 * (seccomp-bpf.ts), in the order systemd's exec_child() loads them — which decides what a call
 * denied by two of them returns: the kernel takes the strongest action, and between equal ones
 * (two errnos) the filter loaded last. Each is what systemd's seccomp-util.c asks libseccomp for,
 * one section per local ABI (x86-64, x86, x32), other ABIs passed through to the next filter.
 */
import { readFileSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import type { MountSettings, SeccompSettings, SyscallErrno } from '../unit/model.js';
import { syscallGroupExpand, syscallGroupFind } from '../shared/syscall-filter.js';
import { AF_MAX } from '../shared/address-families.generated.js';
import { NAMESPACE_FLAGS, NAMESPACE_FLAGS_ALL } from '../unit/directives/seccomp-rows.js';
import {
  ALLOW, KILL_PROCESS, KILL_THREAD, LOG, compileProgram, errnoAction,
  type AbiFilter, type ArgCompare, type SeccompAction, type SeccompFilter, type SeccompRule, type SyscallAbi,
} from './seccomp-bpf.js';

const { EPERM, EAFNOSUPPORT, ENOSYS } = osConstants.errno;
/** The ABIs an x86-64 kernel runs, in systemd's seccomp_local_archs order (native last). */
const LOCAL_ABIS: readonly SyscallAbi[] = ['x86', 'x32', 'x86_64'];
const ABI_OF_ARCH: Readonly<Record<string, SyscallAbi>> = { x86: 'x86', x32: 'x32', 'x86-64': 'x86_64' };

/** A filter of the unit's, named by the directive it enforces. */
export interface UnitFilter {
  readonly directive: string;
  readonly filter: SeccompFilter;
}

/** A filter of the unit's and its program. */
export interface SeccompProgram {
  readonly directive: string;
  readonly program: Buffer;
}

const rule = (syscall: string, action: SeccompAction, ...compares: ArgCompare[]): SeccompRule => ({ syscall, action, compares });
const a = (arg: ArgCompare['arg'], op: ArgCompare['op'], value: number | bigint, mask?: number): ArgCompare =>
  ({ arg, op, value: BigInt(value), ...(mask !== undefined ? { mask: BigInt(mask) } : {}) });

/** seccomp_init_for_arch() per ABI with the same rules: calls of other ABIs are allowed through. */
function everyAbi(rules: (abi: SyscallAbi) => readonly SeccompRule[] | undefined, defaultAction: SeccompAction = ALLOW): SeccompFilter {
  const sections: AbiFilter[] = [];
  for (const abi of LOCAL_ABIS) {
    const r = rules(abi);
    if (r) sections.push({ abi, defaultAction, rules: r });
  }
  return { sections, otherAbis: ALLOW };
}

/** seccomp_load_syscall_filter_set(): every call of a group gets the action. */
function groupProgram(group: string, action: SeccompAction): SeccompFilter {
  const calls = [...syscallGroupExpand(syscallGroupFind(group)!)];
  return everyAbi(() => calls.map((c) => rule(c, action)));
}

/** seccomp_load_syscall_filter_set_raw(): a per-call action (errno, kill) or the list's own. */
function rawProgram(defaultAction: SeccompAction, calls: ReadonlyMap<string, SyscallErrno>, action: SeccompAction): SeccompFilter {
  const rules = [...calls].map(([name, errno]) =>
    rule(name, errno === 'kill' ? KILL_PROCESS : action.kind === 'log' ? LOG : errno >= 0 ? errnoAction(errno) : action));
  return everyAbi(() => rules, defaultAction);
}

function addressFamilies(allowList: boolean, families: ReadonlySet<number>): SeccompFilter {
  const deny = errnoAction(EAFNOSUPPORT);
  let rules: SeccompRule[];
  if (!allowList) {
    rules = [...families].map((af) => rule('socket', deny, a(0, 'eq', af)));
  } else {
    const inRange = [...families].filter((af) => af > 0 && af < AF_MAX);
    if (inRange.length === 0) {
      rules = [rule('socket', deny)];
    } else {
      const first = Math.min(...inRange), last = Math.max(...inRange);
      rules = [rule('socket', deny, a(0, 'lt', first)), rule('socket', deny, a(0, 'gt', last))];
      for (let af = 1; af < last; af++) if (!families.has(af)) rules.push(rule('socket', deny, a(0, 'eq', af)));
    }
  }
  // x86 multiplexes socket() through socketcall(), which systemd does not filter.
  return everyAbi((abi) => (abi === 'x86' ? undefined : rules));
}

const PROT_WRITE = 0x2, PROT_EXEC = 0x4, SHM_EXEC = 0o100000;
function memoryDenyWriteExecute(): SeccompFilter {
  const deny = errnoAction(EPERM);
  return everyAbi((abi) => {
    const rules = [
      rule(abi === 'x86' ? 'mmap2' : 'mmap', deny, a(2, 'masked-eq', PROT_EXEC | PROT_WRITE, PROT_EXEC | PROT_WRITE)),
      // x86's old mmap() takes its arguments in memory, where no filter can look: it goes altogether.
      ...(abi === 'x86' ? [rule('mmap', deny)] : []),
      rule('mprotect', deny, a(2, 'masked-eq', PROT_EXEC, PROT_EXEC)),
      rule('pkey_mprotect', deny, a(2, 'masked-eq', PROT_EXEC, PROT_EXEC)),
      ...(abi === 'x86' ? [] : [rule('shmat', deny, a(2, 'masked-eq', SHM_EXEC, SHM_EXEC))]),
    ];
    return rules;
  });
}

const SCHED_OTHER = 0, SCHED_BATCH = 3, SCHED_IDLE = 5;
function restrictRealtime(): SeccompFilter {
  const permitted = [SCHED_OTHER, SCHED_BATCH, SCHED_IDLE];
  const max = Math.max(...permitted);
  const rules: SeccompRule[] = [];
  for (let p = 0; p < max; p++) if (!permitted.includes(p)) rules.push(rule('sched_setscheduler', errnoAction(EPERM), a(1, 'eq', p)));
  // Unsigned comparison: negative policies (and SCHED_RESET_ON_FORK) are above the maximum too.
  rules.push(rule('sched_setscheduler', errnoAction(EPERM), a(1, 'gt', max)));
  return everyAbi(() => rules);
}

const S_ISUID = 0o4000, S_ISGID = 0o2000, O_CREAT = 0o100;
function restrictSuidSgid(): SeccompFilter {
  const deny = errnoAction(EPERM);
  const rules: SeccompRule[] = [];
  for (const bit of [S_ISUID, S_ISGID]) {
    const m = (arg: ArgCompare['arg']) => a(arg, 'masked-eq', bit, bit);
    rules.push(rule('chmod', deny, m(1)), rule('fchmod', deny, m(1)), rule('fchmodat', deny, m(2)), rule('mkdir', deny, m(1)),
      rule('mkdirat', deny, m(2)), rule('mknod', deny, m(1)), rule('mknodat', deny, m(2)), rule('creat', deny, m(1)));
  }
  return everyAbi(() => [
    ...rules,
    // open(2) creating a file with a set-id mode: both comparisons must hold.
    ...[S_ISUID, S_ISGID].flatMap((bit) => [
      rule('open', deny, a(1, 'masked-eq', O_CREAT, O_CREAT), a(2, 'masked-eq', bit, bit)),
      rule('openat', deny, a(2, 'masked-eq', O_CREAT, O_CREAT), a(3, 'masked-eq', bit, bit)),
    ]),
    // openat2() keeps its flags in a struct: refused as if the kernel had none, so callers fall back.
    rule('openat2', errnoAction(ENOSYS)),
  ]);
}

function restrictNamespaces(retain: number): SeccompFilter {
  const deny = errnoAction(EPERM);
  const rules: SeccompRule[] = [(retain & NAMESPACE_FLAGS_ALL) === 0 ? rule('setns', deny) : rule('setns', deny, a(1, 'eq', 0))];
  for (const [, f] of NAMESPACE_FLAGS) {
    if ((retain & f) === f) continue;
    rules.push(rule('unshare', deny, a(0, 'masked-eq', f, f)), rule('clone', deny, a(0, 'masked-eq', f, f)));
    if ((retain & NAMESPACE_FLAGS_ALL) !== 0) rules.push(rule('setns', deny, a(1, 'masked-eq', f, f)));
  }
  // clone3() keeps its flags in a struct: refused with ENOSYS so callers fall back to clone().
  rules.push(rule('clone3', errnoAction(ENOSYS)));
  return everyAbi(() => rules);
}

/** seccomp_restrict_archs(): only the listed ABIs (the native one always) may make system calls. */
function restrictArchs(archs: readonly string[]): SeccompFilter | undefined {
  const allowed = new Set(archs.map((n) => ABI_OF_ARCH[n]).filter((x): x is SyscallAbi => x !== undefined));
  allowed.add('x86_64');
  if (LOCAL_ABIS.every((abi) => allowed.has(abi))) return undefined;
  // libseccomp's "bad arch" action by default: the calling thread dies of SIGSYS.
  return { sections: [...allowed].map((abi) => ({ abi, defaultAction: ALLOW, rules: [] })), otherAbis: KILL_THREAD };
}

const PER_LINUX = 0, PER_LINUX32 = 0x0008;
/** systemd's opinionated_personality(): PER_LINUX32 if svcd itself runs so, else PER_LINUX. */
function ownPersonality(): number {
  try {
    return (parseInt(readFileSync('/proc/self/personality', 'utf8'), 16) & 0xffff) === PER_LINUX32 ? PER_LINUX32 : PER_LINUX;
  } catch {
    return PER_LINUX;
  }
}

/** The mount settings with a system-call part too. */
export type SeccompMountParts = Pick<MountSettings, 'protectKernelTunables' | 'privateDevices'>;
const NO_MOUNT_PARTS: SeccompMountParts = { protectKernelTunables: false, privateDevices: false };

/** Whether any seccomp setting is in force (systemd then implies NoNewPrivileges= for a service without CAP_SYS_ADMIN). */
export function seccompWanted(s: SeccompSettings, m: SeccompMountParts = NO_MOUNT_PARTS): boolean {
  return seccompFilters(s, m).length > 0;
}

/** The unit's filters compiled one by one, in the order systemd 252 loads them. */
export function seccompPrograms(s: SeccompSettings, m: SeccompMountParts = NO_MOUNT_PARTS): SeccompProgram[] {
  return seccompFilters(s, m).map(({ directive, filter }) => ({ directive, program: compileProgram(filter) }));
}

/** The unit's filters, in the order systemd 252 loads them. */
export function seccompFilters(s: SeccompSettings, m: SeccompMountParts = NO_MOUNT_PARTS): UnitFilter[] {
  const out: UnitFilter[] = [];
  const push = (directive: string, filter: SeccompFilter | undefined) => void (filter && out.push({ directive, filter }));
  if (s.protectHostname) push('ProtectHostname', everyAbi(() => [rule('sethostname', errnoAction(EPERM)), rule('setdomainname', errnoAction(EPERM))]));
  const af = s.restrictAddressFamilies;
  if (af && (af.allowList || af.families.size > 0)) push('RestrictAddressFamilies', addressFamilies(af.allowList, af.families));
  if (s.memoryDenyWriteExecute) push('MemoryDenyWriteExecute', memoryDenyWriteExecute());
  if (s.restrictRealtime) push('RestrictRealtime', restrictRealtime());
  if (s.restrictSUIDSGID) push('RestrictSUIDSGID', restrictSuidSgid());
  if (s.restrictNamespaces !== undefined && (s.restrictNamespaces & NAMESPACE_FLAGS_ALL) !== NAMESPACE_FLAGS_ALL) {
    push('RestrictNamespaces', restrictNamespaces(s.restrictNamespaces));
  }
  // The legacy sysctl() call; x32 has none.
  if (m.protectKernelTunables) push('ProtectKernelTunables', everyAbi((abi) => (abi === 'x32' ? undefined : [rule('_sysctl', errnoAction(EPERM))])));
  if (s.protectKernelModules) push('ProtectKernelModules', groupProgram('@module', errnoAction(EPERM)));
  if (s.protectKernelLogs) push('ProtectKernelLogs', everyAbi(() => [rule('syslog', errnoAction(EPERM))]));
  if (s.protectClock) push('ProtectClock', groupProgram('@clock', errnoAction(EPERM)));
  if (m.privateDevices) push('PrivateDevices', groupProgram('@raw-io', errnoAction(EPERM)));
  if (s.systemCallArchitectures.length > 0) push('SystemCallArchitectures', restrictArchs(s.systemCallArchitectures));
  if (s.lockPersonality) push('LockPersonality', everyAbi(() => [rule('personality', errnoAction(EPERM), a(0, 'ne', ownPersonality()))]));
  const log = s.systemCallLog;
  if (log && log.calls.size > 0) {
    push('SystemCallLog', rawProgram(log.allowList ? ALLOW : LOG, new Map([...log.calls].map((c) => [c, -1])), log.allowList ? LOG : ALLOW));
  }
  const f = s.systemCallFilter;
  if (f && (f.allowList || f.calls.size > 0)) {
    const negative = s.systemCallErrorNumber === undefined || s.systemCallErrorNumber === 'kill' ? KILL_PROCESS : errnoAction(s.systemCallErrorNumber);
    // Loaded last: as close to execve() as can be, so svcd's own setup is not under it.
    push('SystemCallFilter', f.allowList ? rawProgram(negative, f.calls, ALLOW) : rawProgram(ALLOW, f.calls, negative));
  }
  return out;
}
