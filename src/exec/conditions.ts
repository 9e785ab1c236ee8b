/**
 * Condition*= and Assert*= (systemd.unit(5)), checked when a unit's start job runs.
 *
 * Semantics: every non-triggering condition must hold; if there are triggering ones ("|"), at least
 * one of them must hold too; "!" negates one check. Asserts are the same, but fail the job instead
 * of skipping the unit. A check that svcd cannot answer in a container (ACPower=, Firmware=, …)
 * answers as systemd does on a machine without that facility.
 *
 * The machine is read through MachineView, so a test can point the checks at a directory tree;
 * by default it is the real one.
 */
import { accessSync, constants, existsSync, lstatSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { arch, cpus, hostname, release, totalmem, userInfo } from 'node:os';
import type { Condition, Unit } from '../unit/model.js';
import { CAPABILITY_NAMES } from '../unit/values/index.js';
import { fnmatch, globExists } from '../shared/glob.js';

export type ConditionVerdict = 'ok' | 'condition-failed' | 'assert-failed';

export interface ConditionOutcome {
  readonly verdict: ConditionVerdict;
  /** The check that decided a failure (the first failed one), for status's "Condition:" line. */
  readonly failed?: { readonly kind: string; readonly parameter: string; readonly negate: boolean; readonly trigger: boolean };
}

export interface MachineView {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly root: string;
}

const REAL: MachineView = { env: process.env, root: '/' };

function path(m: MachineView, p: string): string {
  return m.root === '/' ? p : `${m.root.replace(/\/$/, '')}${p}`;
}

/**
 * ConditionSecurity=: the security frameworks svcd can see. "audit" holds where the kernel answers
 * audit's netlink protocol (systemd opens such a socket); that kernel keeps an audit socket of its
 * own in every network namespace, listed in /proc/net/netlink with protocol 9 (NETLINK_AUDIT) —
 * readable without a socket call Node cannot make. Debian's systemd-journald-audit.socket depends on it.
 */
function securityEnabled(m: MachineView, p: string): boolean {
  switch (p) {
    case 'apparmor': return existsSync('/sys/kernel/security/apparmor');
    case 'selinux': return existsSync('/sys/fs/selinux');
    case 'smack': return existsSync('/sys/fs/smackfs');
    case 'audit': return safe(() => readFileSync(path(m, '/proc/net/netlink'), 'utf8'), '').split('\n').some((l) => l.trim().split(/\s+/)[1] === '9');
    default: return false;
  }
}

function safe<T>(fn: () => T, dflt: T): T {
  try {
    return fn();
  } catch {
    return dflt;
  }
}

/** systemd-detect-virt's container answer: docker, podman, lxc, … or "" outside one. */
export function detectContainer(m: MachineView = REAL): string {
  const fromFile = safe(() => readFileSync(path(m, '/run/systemd/container'), 'utf8').trim(), '');
  if (fromFile && fromFile !== 'svcd') return fromFile;
  const pid1 = safe(() => readFileSync('/proc/1/environ', 'latin1').split('\0').find((e) => e.startsWith('container='))?.slice(10) ?? '', '');
  if (pid1) return pid1;
  if (m.env.container) return m.env.container;
  if (existsSync(path(m, '/.dockerenv'))) return 'docker';
  if (existsSync(path(m, '/run/.containerenv'))) return 'podman';
  return fromFile ? 'container-other' : '';
}

function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/).map((x) => parseInt(x, 10) || 0);
  const pb = b.split(/[.-]/).map((x) => parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** "OP VALUE" comparisons of KernelVersion=, CPUs=, Memory=, OSRelease=. */
function compare(expr: string, actual: string | number, numeric: boolean): boolean {
  const m = /^\s*(<=|>=|!=|=|<|>)?\s*(.*)$/.exec(expr)!;
  const op = m[1] ?? '=';
  const want = m[2]!.trim();
  const d = numeric ? Number(actual) - parseSize(want) : compareVersions(String(actual), want);
  switch (op) {
    case '<': return d < 0;
    case '<=': return d <= 0;
    case '>': return d > 0;
    case '>=': return d >= 0;
    case '!=': return d !== 0;
    default: return numeric ? d === 0 : m[1] === undefined ? fnmatch(want, String(actual)) : d === 0;
  }
}

function parseSize(v: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([KMGTPE]?)$/i.exec(v.trim());
  if (!m) return Number(v);
  const exp = ' KMGTPE'.indexOf((m[2] || ' ').toUpperCase());
  return Number(m[1]) * 1024 ** Math.max(0, exp);
}

const ARCH: Record<string, string> = { x64: 'x86-64', ia32: 'x86', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64-le', s390x: 's390x', riscv64: 'riscv64' };

function isMountPoint(p: string): boolean {
  const mounts = safe(() => readFileSync('/proc/self/mountinfo', 'utf8'), '');
  const want = p.replace(/\/+$/, '') || '/';
  return mounts.split('\n').some((l) => l.split(' ')[4] === want);
}

/** One check, before "!" is applied. */
function test(c: Condition, m: MachineView): boolean {
  const kind = c.kind.replace(/^(Condition|Assert)/, '');
  const p = c.parameter;
  switch (kind) {
    case 'PathExists': return existsSync(path(m, p));
    case 'PathExistsGlob': return globExists(p, (x) => path(m, x));
    case 'PathIsDirectory': return safe(() => statSync(path(m, p)).isDirectory(), false);
    case 'PathIsSymbolicLink': return safe(() => lstatSync(path(m, p)).isSymbolicLink(), false);
    case 'PathIsMountPoint': return isMountPoint(p);
    case 'PathIsReadWrite': return safe(() => (accessSync(path(m, p), constants.W_OK), !/\bro\b/.test(mountOptions(p))), false);
    case 'PathIsEncrypted': return false;
    case 'DirectoryNotEmpty': return safe(() => readdirSync(path(m, p)).length > 0, false);
    case 'FileNotEmpty': return safe(() => statSync(path(m, p)).isFile() && statSync(path(m, p)).size > 0, false);
    case 'FileIsExecutable': return safe(() => statSync(path(m, p)).isFile() && (accessSync(path(m, p), constants.X_OK), true), false);
    case 'User': {
      const me = userInfo();
      if (p === '@system') return me.uid < 1000;
      return p === String(me.uid) || p === me.username;
    }
    case 'Group': {
      const gid = process.getgid?.() ?? 0;
      const groups = process.getgroups?.() ?? [];
      const table = safe(() => readFileSync(path(m, '/etc/group'), 'utf8'), '').split('\n').map((l) => l.split(':'));
      const target = /^\d+$/.test(p) ? Number(p) : Number(table.find((g) => g[0] === p)?.[2] ?? -1);
      return target === gid || groups.includes(target);
    }
    case 'Host': {
      const machineId = safe(() => readFileSync(path(m, '/etc/machine-id'), 'utf8').trim(), '');
      return fnmatch(p, hostname(), { casefold: true }) || (machineId !== '' && machineId === p.toLowerCase());
    }
    case 'KernelCommandLine': {
      const words = safe(() => readFileSync('/proc/cmdline', 'utf8'), '').trim().split(/\s+/);
      return p.includes('=') ? words.includes(p) : words.some((w) => w === p || w.startsWith(`${p}=`));
    }
    case 'KernelVersion': return p.split(/\s+(?=[<>=!])/).every((e) => compare(e, release(), false));
    case 'Environment': return p.includes('=') ? Object.entries(m.env).some(([k, v]) => `${k}=${v}` === p) : m.env[p] !== undefined;
    case 'Architecture': return p === (ARCH[arch()] ?? arch()) || (p === 'native');
    case 'Virtualization': {
      const container = detectContainer(m);
      if (p === 'container') return container !== '';
      if (p === 'vm') return false;
      if (p === 'private-users') return safe(() => !readFileSync('/proc/self/uid_map', 'utf8').includes('0          0 4294967295'), false);
      if (/^(yes|true|1|on)$/.test(p)) return container !== '';
      if (/^(no|false|0|off)$/.test(p)) return container === '';
      return container === p;
    }
    case 'FirstBoot': {
      const first = !existsSync(path(m, '/etc/machine-id')) || safe(() => readFileSync(path(m, '/etc/machine-id'), 'utf8').trim() === 'uninitialized', false);
      return /^(yes|true|1|on)$/.test(p) ? first : !first;
    }
    case 'NeedsUpdate': {
      // True when /usr is newer than the stamp in the given directory (/etc or /var).
      const dir = p.replace(/^!/, '');
      const usr = safe(() => statSync(path(m, '/usr')).mtimeMs, 0);
      const stamp = safe(() => statSync(path(m, `${dir}/.updated`)).mtimeMs, -1);
      return stamp < 0 ? existsSync(path(m, dir)) && usr > 0 : usr > stamp;
    }
    case 'Security': return securityEnabled(m, p);
    case 'Capability': {
      const caps = safe(() => /CapBnd:\s*([0-9a-f]+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? '0', '0');
      const index = CAPABILITY_NAMES.indexOf(p.toUpperCase());
      return index >= 0 && ((BigInt(`0x${caps}`) >> BigInt(index)) & 1n) === 1n;
    }
    case 'ACPower': return !/^(yes|true|1|on)$/.test(p) ? false : true;
    case 'CPUs': return compare(p, cpus().length, true);
    case 'Memory': return compare(p, totalmem(), true);
    case 'ControlGroupController': {
      const controllers = safe(() => readFileSync('/sys/fs/cgroup/cgroup.controllers', 'utf8'), '').trim().split(/\s+/);
      if (p === 'v2') return existsSync('/sys/fs/cgroup/cgroup.controllers');
      if (p === 'v1') return !existsSync('/sys/fs/cgroup/cgroup.controllers');
      return p.split(/\s+/).every((c) => controllers.includes(c));
    }
    case 'OSRelease': {
      const text = safe(() => readFileSync(path(m, '/etc/os-release'), 'utf8'), '');
      const fields = Object.fromEntries(text.split('\n').map((l) => /^([A-Z_]+)=(.*)$/.exec(l)).filter((x): x is RegExpExecArray => x !== null).map((x) => [x[1]!, x[2]!.replace(/^"(.*)"$/, '$1')]));
      const mm = /^([A-Z_]+)\s*(<=|>=|!=|=|<|>)\s*(.*)$/.exec(p.trim());
      if (!mm) return false;
      return compare(`${mm[2]}${mm[3]}`, fields[mm[1]!] ?? '', false);
    }
    case 'CredentialExists': return existsSync(`${m.env.CREDENTIALS_DIRECTORY ?? '/run/credentials'}/${p}`);
    case 'Firmware': return p === 'device-tree' ? existsSync('/sys/firmware/devicetree') : p === 'uefi' ? existsSync('/sys/firmware/efi') : false;
    default:
      // Checks svcd does not know (CPUFeature=, MemoryPressure=, …) hold, as on a machine without the facility to ask.
      return true;
  }
}

function mountOptions(p: string): string {
  const lines = safe(() => readFileSync('/proc/self/mountinfo', 'utf8'), '').split('\n').map((l) => l.split(' '));
  let best: string[] | undefined;
  for (const f of lines) {
    const mp = f[4];
    if (mp && (p === mp || p.startsWith(mp.endsWith('/') ? mp : `${mp}/`)) && (!best || mp.length >= best[4]!.length)) best = f;
  }
  return best?.[5] ?? '';
}


/** Hears each condition as it is tested (systemd-analyze condition prints them). */
export type ConditionReport = (c: Condition, held: boolean) => void;

/**
 * systemd's condition_test_list(), in the order given: a regular condition that fails ends the
 * list at once; triggering ones ("|") need one of theirs to hold. `failed`: the regular condition
 * that failed, else the first trigger that failed when none held.
 */
export function testConditionList(list: readonly Condition[], m: MachineView = REAL, report?: ConditionReport): { holds: boolean; failed?: Condition } {
  let triggered: boolean | undefined;
  let firstFailedTrigger: Condition | undefined;
  for (const c of list) {
    const held = test(c, m) !== c.negate;
    report?.(c, held);
    if (!c.trigger && !held) return { holds: false, failed: c };
    if (c.trigger) {
      triggered ||= held;
      if (!held) firstFailedTrigger ??= c;
    }
  }
  return triggered === false ? { holds: false, failed: firstFailedTrigger } : { holds: true };
}

function testList(list: readonly Condition[], m: MachineView): ConditionOutcome['failed'] | null {
  // systemd keeps each list newest line first and tests it so: of two regular lines that fail, the
  // later one is the one it names (and analyze dump shows the earlier one untested).
  const { failed: c } = testConditionList([...list].reverse(), m);
  return c ? { kind: c.kind, parameter: c.parameter, negate: c.negate, trigger: c.trigger } : null;
}

export function evaluateConditions(u: Unit, m: MachineView = REAL): ConditionOutcome {
  const failedCondition = testList(u.unit.conditions, m);
  if (failedCondition) return { verdict: 'condition-failed', failed: failedCondition };
  const failedAssert = testList(u.unit.asserts, m);
  if (failedAssert) return { verdict: 'assert-failed', failed: failedAssert };
  return { verdict: 'ok' };
}
