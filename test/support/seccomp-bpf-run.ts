import { actionValue, syscallNumber, type ArgCompare, type SeccompFilter, type SyscallAbi } from '../../src/exec/seccomp-bpf.js';

/** A small interpreter of the classic-BPF seccomp programs compileProgram emits: the answer (SECCOMP_RET_*) for one call. */
export function runBpf(program: Buffer, arch: number, nr: number, args: readonly bigint[] = []): number {
  const data = Buffer.alloc(64);
  data.writeUInt32LE(nr, 0);
  data.writeUInt32LE(arch, 4);
  args.forEach((v, i) => data.writeBigUInt64LE(v, 16 + 8 * i));
  let a = 0;
  for (let pc = 0; pc * 8 < program.length; pc++) {
    const code = program.readUInt16LE(pc * 8), jt = program.readUInt8(pc * 8 + 2), jf = program.readUInt8(pc * 8 + 3), k = program.readUInt32LE(pc * 8 + 4);
    switch (code) {
      case 0x20: a = data.readUInt32LE(k); break;
      case 0x54: a = (a & k) >>> 0; break;
      case 0x05: pc += k; break;
      case 0x15: pc += a === k ? jt : jf; break;
      case 0x25: pc += a > k ? jt : jf; break;
      case 0x35: pc += a >= k ? jt : jf; break;
      case 0x06: return k;
      default: throw new Error(`unexpected instruction ${code.toString(16)}`);
    }
  }
  throw new Error('ran off the end');
}

/**
 * What the kernel answers for a call under several filters, in load order (seccomp(2), as
 * kernel/seccomp.c's seccomp_run_filters walks them from the newest): the strongest action by its
 * signed ACTION_ONLY value, the newest of equals.
 */
export function runFilters(programs: readonly Buffer[], arch: number, nr: number, args: readonly bigint[] = []): number {
  let ret = 0x7fff0000;
  for (let i = programs.length - 1; i >= 0; i--) {
    const cur = runBpf(programs[i]!, arch, nr, args);
    if ((cur & 0xffff0000 | 0) < (ret & 0xffff0000 | 0)) ret = cur;
  }
  return ret;
}

/**
 * What a filter's rules say of one call, read from the rules themselves rather than a program: the
 * ABI's section (else the filter's answer for other ABIs), the first rule of the call whose
 * comparisons all hold, else the section's default. Comparisons are unsigned, of all 64 bits on
 * x86-64 and of the low 32 on x86 and x32, as libseccomp makes them.
 */
export function ruleAnswer(filter: SeccompFilter, abi: SyscallAbi | undefined, nr: number, args: readonly bigint[]): number {
  const section = filter.sections.find((s) => s.abi === abi);
  if (!section) return actionValue(filter.otherAbis);
  const bits = abi === 'x86_64' ? 64 : 32;
  const holds = (c: ArgCompare) => {
    const a = BigInt.asUintN(bits, args[c.arg] ?? 0n), v = BigInt.asUintN(bits, c.value), m = BigInt.asUintN(bits, c.mask ?? 0n);
    switch (c.op) {
      case 'eq': return a === v;
      case 'ne': return a !== v;
      case 'gt': return a > v;
      case 'lt': return a < v;
      case 'masked-eq': return (a & m) === v;
    }
  };
  const rule = section.rules.find((r) => syscallNumber(section.abi, r.syscall) === nr && (r.compares ?? []).every(holds));
  return actionValue(rule ? rule.action : section.defaultAction);
}
