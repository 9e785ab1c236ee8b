/**
 * Classic-BPF seccomp programs for x86-64 kernels, built in JS and installed by the native spawner
 * (native/spawn.c) between fork and exec. A program is what libseccomp makes of one systemd filter:
 * one section per ABI (x86-64, x86, x32) with its rules and default action, and an action for the
 * ABIs it has no section for (libseccomp's "bad arch" action). Argument comparisons follow
 * libseccomp's: 64-bit on x86-64 (both halves compared, so a sign-extended int differs from its
 * zero-extended twin), 32-bit on x86 and x32. Numbers come from the kernel's headers
 * (shared/syscall-numbers.generated.ts); a name an ABI lacks is skipped there, as libseccomp skips it.
 */
import { SYSCALL_NUMBERS, type SyscallAbi } from '../shared/syscall-numbers.generated.js';

export type { SyscallAbi } from '../shared/syscall-numbers.generated.js';

/** What the kernel does with a matching call (seccomp(2), SECCOMP_RET_*). */
export type SeccompAction =
  | { readonly kind: 'allow' }
  | { readonly kind: 'errno'; readonly errno: number }
  | { readonly kind: 'kill-process' }
  | { readonly kind: 'kill-thread' }
  | { readonly kind: 'log' };

export const ALLOW: SeccompAction = { kind: 'allow' };
export const KILL_PROCESS: SeccompAction = { kind: 'kill-process' };
export const KILL_THREAD: SeccompAction = { kind: 'kill-thread' };
export const LOG: SeccompAction = { kind: 'log' };
export const errnoAction = (errno: number): SeccompAction => ({ kind: 'errno', errno });

/** One comparison of a call's argument, as libseccomp's SCMP_CMP_*; masked-eq is (arg & mask) == value. */
export interface ArgCompare {
  readonly arg: 0 | 1 | 2 | 3 | 4 | 5;
  readonly op: 'eq' | 'ne' | 'lt' | 'gt' | 'masked-eq';
  readonly value: bigint;
  readonly mask?: bigint;
}

export interface SeccompRule {
  readonly syscall: string;
  /** All must hold (libseccomp ANDs a rule's comparisons); none: every call of it matches. */
  readonly compares?: readonly ArgCompare[];
  readonly action: SeccompAction;
}

/** One ABI's part of a program: the calls it acts on, and what the rest get. */
export interface AbiFilter {
  readonly abi: SyscallAbi;
  readonly defaultAction: SeccompAction;
  readonly rules: readonly SeccompRule[];
}

/** One filter before compiling: its ABI sections, and what a call of any other ABI gets. */
export interface SeccompFilter {
  readonly sections: readonly AbiFilter[];
  readonly otherAbis: SeccompAction;
}

export const AUDIT_ARCH_X86_64 = 0xc000003e;
export const AUDIT_ARCH_I386 = 0x40000003;
export const X32_SYSCALL_BIT = 0x40000000;

/** The number of a call on an ABI, or undefined when that ABI has no such call. */
export function syscallNumber(abi: SyscallAbi, name: string): number | undefined {
  const table = SYSCALL_NUMBERS[abi];
  return Object.hasOwn(table, name) ? table[name] : undefined;
}

export function actionValue(a: SeccompAction): number {
  switch (a.kind) {
    case 'allow': return 0x7fff0000;
    case 'log': return 0x7ffc0000;
    case 'errno': return (0x00050000 | (a.errno & 0xffff)) >>> 0;
    case 'kill-process': return 0x80000000;
    case 'kill-thread': return 0;
  }
}

// struct sock_filter opcodes (linux/filter.h)
const LD_ABS = 0x20, ALU_AND = 0x54, JA = 0x05, JEQ = 0x15, JGT = 0x25, JGE = 0x35, RET = 0x06;
// struct seccomp_data: nr, arch, instruction_pointer, then args[6] as little-endian u64s
const NR = 0, ARCH = 4, ARG0 = 16;

/** A jump target inside a comparison: it holds ("pass", the next comparison), the next rule ("fail"), or fall through (0). */
type Target = 'pass' | 'fail' | 0;
interface Insn { readonly code: number; readonly k: number; readonly jt?: Target; readonly jf?: Target }

/** The comparison as instructions that fall through (or jump to "pass") when it holds, else go to "fail". */
function compareCode(c: ArgCompare, wide: boolean): Insn[] {
  const lo = ARG0 + 8 * c.arg, hi = lo + 4;
  const vlo = Number(c.value & 0xffffffffn), vhi = Number((c.value >> 32n) & 0xffffffffn);
  const mlo = Number((c.mask ?? 0n) & 0xffffffffn), mhi = Number(((c.mask ?? 0n) >> 32n) & 0xffffffffn);
  const ld = (off: number): Insn => ({ code: LD_ABS, k: off });
  switch (c.op) {
    case 'eq': return [...(wide ? [ld(hi), { code: JEQ, k: vhi, jt: 0, jf: 'fail' } as Insn] : []), ld(lo), { code: JEQ, k: vlo, jt: 0, jf: 'fail' }];
    case 'ne': return [...(wide ? [ld(hi), { code: JEQ, k: vhi, jt: 0, jf: 'pass' } as Insn] : []), ld(lo), { code: JEQ, k: vlo, jt: 'fail', jf: 0 }];
    case 'gt': return [...(wide ? [ld(hi), { code: JGT, k: vhi, jt: 'pass', jf: 0 } as Insn, { code: JEQ, k: vhi, jt: 0, jf: 'fail' } as Insn] : []),
      ld(lo), { code: JGT, k: vlo, jt: 0, jf: 'fail' }];
    case 'lt': return [...(wide ? [ld(hi), { code: JGE, k: vhi, jt: 0, jf: 'pass' } as Insn, { code: JEQ, k: vhi, jt: 0, jf: 'fail' } as Insn] : []),
      ld(lo), { code: JGE, k: vlo, jt: 'fail', jf: 0 }];
    // (arg & 0) == 0 holds for any high half: no code for it (a flag mask below 2^32, the usual case).
    case 'masked-eq': return [...(wide && (mhi !== 0 || vhi !== 0) ? [ld(hi), { code: ALU_AND, k: mhi }, { code: JEQ, k: vhi, jt: 0, jf: 'fail' } as Insn] : []),
      ld(lo), { code: ALU_AND, k: mlo }, { code: JEQ, k: vlo, jt: 0, jf: 'fail' }];
  }
}

/** A resolved instruction: jt/jf already relative. */
interface Raw { code: number; jt: number; jf: number; k: number }

/** One rule's instructions, ending in its action; "fail" is the instruction after them. */
function ruleCode(rule: SeccompRule, wide: boolean): Raw[] {
  const parts = (rule.compares ?? []).map((c) => compareCode(c, wide));
  const total = parts.reduce((n, p) => n + p.length, 0);
  const failAt = total + 1;
  const out: Raw[] = [];
  for (const part of parts) {
    const passAt = out.length + part.length;
    const rel = (t: Target | undefined, at: number) => (t === 'pass' ? passAt - at - 1 : t === 'fail' ? failAt - at - 1 : 0);
    for (const i of part) {
      const at = out.length;
      out.push({ code: i.code, k: i.k, jt: rel(i.jt, at), jf: rel(i.jf, at) });
    }
  }
  out.push({ code: RET, k: actionValue(rule.action), jt: 0, jf: 0 });
  return out;
}

/** Spans of one section up to this many are tested one after the other; more are split in two. */
const LEAF = 8;

/** A leaf with each span's code after its tests (every span at least two instructions). */
function inlineLeafCode(sp: readonly Span[], fallback: Raw): Raw[] {
  const out: Raw[] = [];
  for (const { lo, hi, block } of sp) {
    if (lo === hi) out.push({ code: JEQ, k: lo, jt: 0, jf: block.length }, ...block);
    else out.push({ code: JGE, k: lo, jt: 0, jf: block.length + 1 }, { code: JGT, k: hi, jt: block.length, jf: 0 }, ...block);
  }
  out.push(fallback);
  return out;
}

/**
 * A leaf whose plain spans (a single return) jump to one shared return per action after the
 * fallback, which saves an instruction per span: the kernel translates and JIT-compiles every
 * instruction at each install. Undefined when a jump would be longer than the 255 a test can make.
 */
function leafCode(sp: readonly Span[], fallback: Raw): Raw[] | undefined {
  const plain = (block: readonly Raw[]) => block.length === 1;
  const shared: Raw[] = [];
  const sharedAt = (ret: Raw) => {
    if (ret.k === fallback.k) return -1;
    let i = shared.findIndex((r) => r.k === ret.k);
    if (i < 0) i = shared.push(ret) - 1;
    return i;
  };
  // Each span's code with its shared return's index; resolved once the leaf's length is known.
  const parts: { code: Raw[]; jumpTo?: { at: number; field: 'jt' | 'jf'; ret: number } }[] = [];
  for (const { lo, hi, block } of sp) {
    if (!plain(block)) {
      parts.push(lo === hi
        ? { code: [{ code: JEQ, k: lo, jt: 0, jf: block.length }, ...block] }
        : { code: [{ code: JGE, k: lo, jt: 0, jf: block.length + 1 }, { code: JGT, k: hi, jt: block.length, jf: 0 }, ...block] });
    } else if (lo === hi) {
      parts.push({ code: [{ code: JEQ, k: lo, jt: 0, jf: 0 }], jumpTo: { at: 0, field: 'jt', ret: sharedAt(block[0]!) } });
    } else {
      parts.push({ code: [{ code: JGE, k: lo, jt: 0, jf: 1 }, { code: JGT, k: hi, jt: 0, jf: 0 }], jumpTo: { at: 1, field: 'jf', ret: sharedAt(block[0]!) } });
    }
  }
  const out: Raw[] = [];
  const bodyLength = parts.reduce((n, p) => n + p.code.length, 0);
  for (const { code, jumpTo } of parts) {
    const start = out.length;
    out.push(...code.map((i) => ({ ...i })));
    if (!jumpTo) continue;
    // The fallback is the instruction after the body; the shared returns follow it.
    const to = bodyLength + 1 + jumpTo.ret;
    const from = start + jumpTo.at;
    if (to - from - 1 > 255) return undefined;
    out[from]![jumpTo.field] = to - from - 1;
  }
  out.push(fallback, ...shared);
  return out;
}

/** Consecutive call numbers whose code is the same single return (a list's plain entries). */
interface Span { readonly lo: number; readonly hi: number; readonly block: Raw[] }

function spans(blocks: readonly (readonly [number, Raw[]])[]): Span[] {
  const out: Span[] = [];
  for (const [nr, block] of blocks) {
    const last = out[out.length - 1];
    const plain = block.length === 1 && last?.block.length === 1 && last.block[0]!.k === block[0]!.k;
    if (last && plain && last.hi === nr - 1) out[out.length - 1] = { ...last, hi: nr };
    else out.push({ lo: nr, hi: nr, block });
  }
  return out;
}

/**
 * The number tests over `spans` (sorted; each block ends in a return, so the accumulator still
 * holds the number at every test): a binary search, so a call is found in a dozen instructions
 * rather than hundreds — the kernel runs the program for each call number when it builds its cache
 * of allowed calls at install, and for every call it cannot cache after.
 */
function searchCode(sp: readonly Span[], fallback: Raw): Raw[] {
  if (sp.length <= LEAF) return leafCode(sp, fallback) ?? inlineLeafCode(sp, fallback);
  const mid = Math.floor(sp.length / 2);
  const below = searchCode(sp.slice(0, mid), fallback), above = searchCode(sp.slice(mid), fallback);
  // nr >= the middle one: over the lower half, by a long jump where a test's 255 is too short.
  if (below.length <= 255) return [{ code: JGE, k: sp[mid]!.lo, jt: below.length, jf: 0 }, ...below, ...above];
  return [{ code: JGE, k: sp[mid]!.lo, jt: 0, jf: 1 }, { code: JA, k: below.length, jt: 0, jf: 0 }, ...below, ...above];
}

/** An ABI's section, entered with the call's number loaded: each call number's rules in order (found by searchCode), else the default. */
function sectionCode(f: AbiFilter): Raw[] {
  const wide = f.abi === 'x86_64';
  const byNumber = new Map<number, SeccompRule[]>();
  for (const r of f.rules) {
    const nr = syscallNumber(f.abi, r.syscall);
    if (nr === undefined) continue;
    const list = byNumber.get(nr) ?? [];
    list.push(r);
    byNumber.set(nr, list);
  }
  const fallback: Raw = { code: RET, k: actionValue(f.defaultAction), jt: 0, jf: 0 };
  const blocks = [...byNumber].sort(([a], [b]) => a - b).map(([nr, rules]): [number, Raw[]] => {
    // A rule without a comparison matches every call: whatever follows it is never reached.
    const reached = rules.findIndex((r) => !r.compares?.length);
    const block = (reached < 0 ? rules : rules.slice(0, reached + 1)).flatMap((r) => ruleCode(r, wide));
    if (reached < 0) block.push(fallback);
    if (block.length > 255) throw new Error(`seccomp: rules for system call ${nr} too long for a BPF jump`);
    return [nr, block];
  });
  return searchCode(spans(blocks), fallback);
}

/**
 * The program, as the bytes of a struct sock_filter array: ABI dispatch first (x86-64 and x32 share
 * AUDIT_ARCH_X86_64 and differ by __X32_SYSCALL_BIT in the number), then one section per ABI given;
 * a call of an ABI without a section gets `otherAbis`.
 */
export function compileProgram({ sections: filters, otherAbis }: SeccompFilter): Buffer {
  const sections = filters.map(sectionCode);
  const index = (abi: SyscallAbi) => filters.findIndex((f) => f.abi === abi);
  // Head: ld arch; jeq x86_64 → [ld nr; jge X32 → ja x32 | ja x86_64]; jeq i386 → [ld nr; ja x86]; ret other.
  const head: Raw[] = [
    { code: LD_ABS, k: ARCH, jt: 0, jf: 0 },
    { code: JEQ, k: AUDIT_ARCH_X86_64, jt: 0, jf: 4 },
    { code: LD_ABS, k: NR, jt: 0, jf: 0 },
    { code: JGE, k: X32_SYSCALL_BIT, jt: 0, jf: 1 },
    { code: JA, k: 0, jt: 0, jf: 0 }, // → x32
    { code: JA, k: 0, jt: 0, jf: 0 }, // → x86_64
    { code: JEQ, k: AUDIT_ARCH_I386, jt: 0, jf: 2 },
    { code: LD_ABS, k: NR, jt: 0, jf: 0 },
    { code: JA, k: 0, jt: 0, jf: 0 }, // → x86
    { code: RET, k: actionValue(otherAbis), jt: 0, jf: 0 },
  ];
  const other = 9;
  const starts: number[] = [];
  let at = head.length;
  for (const s of sections) {
    starts.push(at);
    at += s.length;
  }
  const target = (abi: SyscallAbi) => (index(abi) < 0 ? other : starts[index(abi)]!);
  for (const [slot, abi] of [[4, 'x32'], [5, 'x86_64'], [8, 'x86']] as const) head[slot]!.k = target(abi) - slot - 1;
  const all = [...head, ...sections.flat()];
  if (all.length > 4096) throw new Error(`seccomp: program of ${all.length} instructions exceeds the kernel's 4096`);
  const buf = Buffer.alloc(all.length * 8);
  all.forEach((i, n) => {
    buf.writeUInt16LE(i.code, n * 8);
    buf.writeUInt8(i.jt, n * 8 + 2);
    buf.writeUInt8(i.jf, n * 8 + 3);
    buf.writeUInt32LE(i.k >>> 0, n * 8 + 4);
  });
  return buf;
}
