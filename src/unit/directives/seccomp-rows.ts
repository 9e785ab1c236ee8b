/**
 * The exec context's seccomp rows (systemd.exec(5) "System Call Filtering", "Sandboxing"): parsed
 * into ExecContext.seccomp with systemd 252's merging rules and warnings (config_parse_syscall_filter,
 * _address_families, _restrict_namespaces, …), and enforced by the filters src/exec/seccomp.ts builds.
 * Their own part because each list has its own first-line-decides, later-lines-add-or-remove rules.
 */
import { constants as osConstants } from 'node:os';
import { custom, rejectValue, scalar, RowList, type ApplyContext, type DirectiveRow } from './behaviour.js';
import { parseBoolean } from '../values/index.js';
import { syscallGroupFind } from '../../shared/syscall-filter.js';
import { LIBSECCOMP_NAMES } from '../../shared/libseccomp-names.generated.js';
import { ADDRESS_FAMILIES } from '../../shared/address-families.generated.js';
import { SECCOMP_ARCHITECTURES, NATIVE_ARCHITECTURE } from '../../shared/seccomp-arch.js';
import type { SyscallErrno } from '../model.js';

const EXEC_SECTIONS = ['Service', 'Socket', 'Mount', 'Swap'] as const;
const table = new RowList();
const { supported } = table;

/**
 * A name libseccomp resolves (on any architecture): systemd keeps only those, so a group's entries
 * libseccomp does not know (riscv_hwprobe in 252's @default) are dropped and show never lists them.
 */
const KNOWN = new Set(LIBSECCOMP_NAMES);
const ERRNO_MAX = 4095;

/** parse_errno() / seccomp_parse_errno_or_action(): a name, 0…4095, or "kill". */
export function parseErrnoOrKill(text: string): SyscallErrno | undefined {
  if (text === 'kill') return 'kill';
  const named = (osConstants.errno as Record<string, number>)[text];
  if (text.startsWith('E') && Object.hasOwn(osConstants.errno, text) && named !== undefined) return named;
  if (!/^[0-9]+$/.test(text)) return undefined;
  const n = Number(text);
  return n <= ERRNO_MAX ? n : undefined;
}

const words = (value: string) => value.split(/[ \t\n]+/).filter((w) => w !== '');

/** Adds (or removes) a call or a group's calls, as seccomp_parse_syscall_filter(). */
function addCalls(ctx: ApplyContext, calls: Map<string, SyscallErrno>, name: string, errno: SyscallErrno, add: boolean, log: boolean): void {
  if (name.startsWith('@')) {
    const group = syscallGroupFind(name);
    if (!group) return ctx.report('warning', `Unknown system call group, ignoring: ${name}`);
    for (const entry of group.entries) addCalls(ctx, calls, entry, errno, add, false);
    return;
  }
  if (!KNOWN.has(name)) {
    // A group's own unknown names are systemd's business, not the unit's: not reported.
    if (log) ctx.report('warning', `Failed to parse system call, ignoring: ${name}`);
    return;
  }
  if (add) calls.set(name, errno);
  else calls.delete(name);
}

supported(EXEC_SECTIONS, 'SystemCallFilter', custom('system call names and @groups, ~ inverts, :errno', 'append', 'clears', (value, ctx) => {
  const sc = ctx.draft.exec.seccomp;
  if (value === '') return void (sc.systemCallFilter = undefined);
  const invert = value.startsWith('~');
  if (!sc.systemCallFilter) {
    const calls = new Map<string, SyscallErrno>();
    // An allow list starts from what every program needs.
    if (!invert) addCalls(ctx, calls, '@default', -1, true, false);
    sc.systemCallFilter = { allowList: !invert, calls };
  }
  const { allowList, calls } = sc.systemCallFilter;
  for (const word of words(invert ? value.slice(1) : value)) {
    const colon = word.indexOf(':');
    const name = colon < 0 ? word : word.slice(0, colon);
    const errno = colon < 0 ? -1 : parseErrnoOrKill(word.slice(colon + 1));
    if (errno === undefined || name === '') {
      ctx.report('warning', `Failed to parse syscall:errno, ignoring: ${word}`);
      continue;
    }
    if (!invert && errno !== -1) {
      ctx.report('warning', `Allow-listed system calls cannot take error number, ignoring: ${word}`);
      continue;
    }
    // A line of the other kind than the first takes its calls back out.
    addCalls(ctx, calls as Map<string, SyscallErrno>, name, errno, invert !== allowList, true);
  }
}));

supported(EXEC_SECTIONS, 'SystemCallErrorNumber', custom('errno name or number, or kill', 'set', 'resets', (value, ctx) => {
  const sc = ctx.draft.exec.seccomp;
  if (value === '') return void (sc.systemCallErrorNumber = undefined);
  const e = parseErrnoOrKill(value);
  if (e === undefined) return rejectValue(ctx, value);
  sc.systemCallErrorNumber = e === 'kill' ? undefined : e;
}));

supported(EXEC_SECTIONS, 'SystemCallArchitectures', custom('architecture names, native', 'append', 'clears', (value, ctx) => {
  const sc = ctx.draft.exec.seccomp;
  if (value === '') {
    sc.systemCallArchitecturesWritten = [];
    return void (sc.systemCallArchitectures = []);
  }
  const written = new Set(sc.systemCallArchitecturesWritten);
  const have = new Set(sc.systemCallArchitectures);
  for (const word of words(value)) {
    if (word !== 'native' && !SECCOMP_ARCHITECTURES.includes(word)) {
      ctx.report('warning', `Failed to parse system call architecture "${word}", ignoring: Invalid argument`);
      continue;
    }
    written.add(word);
    have.add(word === 'native' ? NATIVE_ARCHITECTURE : word);
  }
  sc.systemCallArchitectures = [...have];
  sc.systemCallArchitecturesWritten = [...written];
}));

supported(EXEC_SECTIONS, 'SystemCallLog', custom('system call names and @groups, ~ inverts', 'append', 'clears', (value, ctx) => {
  const sc = ctx.draft.exec.seccomp;
  if (value === '') return void (sc.systemCallLog = undefined);
  const invert = value.startsWith('~');
  sc.systemCallLog ??= { allowList: !invert, calls: new Set() };
  const calls = new Map([...sc.systemCallLog.calls].map((c) => [c, -1 as SyscallErrno]));
  for (const word of words(invert ? value.slice(1) : value)) addCalls(ctx, calls, word, -1, invert !== sc.systemCallLog.allowList, true);
  sc.systemCallLog = { allowList: sc.systemCallLog.allowList, calls: new Set(calls.keys()) };
}));

supported(EXEC_SECTIONS, 'RestrictAddressFamilies', custom('none, or address family names, ~ inverts', 'append', 'clears', (value, ctx) => {
  const sc = ctx.draft.exec.seccomp;
  if (value === '') return void (sc.restrictAddressFamilies = undefined);
  if (value === 'none') return void (sc.restrictAddressFamilies = { allowList: true, families: new Set() });
  const invert = value.startsWith('~');
  // "none" left no set: the next line starts one, its own kind deciding the list's.
  const cur = sc.restrictAddressFamilies && sc.restrictAddressFamilies.families.size > 0 ? sc.restrictAddressFamilies : undefined;
  const allowList = cur ? cur.allowList : !invert;
  const families = new Set(cur?.families ?? []);
  for (const word of words(invert ? value.slice(1) : value)) {
    const af = Object.hasOwn(ADDRESS_FAMILIES, word) ? ADDRESS_FAMILIES[word] : undefined;
    if (af === undefined) {
      ctx.report('warning', `Failed to parse address family, ignoring: ${word}`);
      continue;
    }
    if (!invert === allowList) families.add(af);
    else families.delete(af);
  }
  sc.restrictAddressFamilies = { allowList, families };
}));

/** The namespace types RestrictNamespaces= names, with their clone flags (systemd 252's order). */
export const NAMESPACE_FLAGS: readonly (readonly [name: string, flag: number])[] = [
  ['cgroup', 0x02000000], ['ipc', 0x08000000], ['net', 0x40000000], ['mnt', 0x00020000],
  ['pid', 0x20000000], ['user', 0x10000000], ['uts', 0x04000000],
];
export const NAMESPACE_FLAGS_ALL = NAMESPACE_FLAGS.reduce((m, [, f]) => (m | f) >>> 0, 0);

supported(EXEC_SECTIONS, 'RestrictNamespaces', custom('boolean, or namespace types, ~ inverts', 'append', 'resets', (value, ctx) => {
  const sc = ctx.draft.exec.seccomp;
  if (value === '') return void (sc.restrictNamespaces = undefined);
  const b = parseBoolean(value);
  if (b.ok) return void (sc.restrictNamespaces = b.value ? 0 : NAMESPACE_FLAGS_ALL);
  const invert = value.startsWith('~');
  const text = invert ? value.slice(1) : value;
  let flags = 0;
  for (const word of words(text)) {
    const f = NAMESPACE_FLAGS.find(([n]) => n === word);
    if (!f) return ctx.report('warning', `Failed to parse namespace type string, ignoring: ${text}`);
    flags = (flags | f[1]) >>> 0;
  }
  if (sc.restrictNamespaces === undefined) sc.restrictNamespaces = invert ? (~flags & NAMESPACE_FLAGS_ALL) >>> 0 : flags;
  else sc.restrictNamespaces = (invert ? sc.restrictNamespaces & ~flags : sc.restrictNamespaces | flags) >>> 0;
}));

for (const [key, field] of [
  ['RestrictRealtime', 'restrictRealtime'], ['RestrictSUIDSGID', 'restrictSUIDSGID'], ['MemoryDenyWriteExecute', 'memoryDenyWriteExecute'],
  ['LockPersonality', 'lockPersonality'], ['ProtectClock', 'protectClock'], ['ProtectKernelModules', 'protectKernelModules'],
  ['ProtectKernelLogs', 'protectKernelLogs'], ['ProtectHostname', 'protectHostname'],
] as const) {
  supported(EXEC_SECTIONS, key, scalar(parseBoolean, (d, v) => (d.exec.seccomp[field] = v ?? false)));
}

export const SECCOMP_ROWS: readonly DirectiveRow[] = table.rows;
