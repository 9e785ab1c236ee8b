// The merged programs svcd installs answer every call as the unit's filters loaded one by one would:
// each call number of each ABI (and another ABI's), with argument values on both sides of every
// comparison the filters make, through the kernel's rule for several filters (strongest action,
// the newest of equals) on one side and the merged program alone on the other. Each separate
// program is checked first against what its rules say (ruleAnswer), so the compiler is checked too.
import { describe, expect, it } from 'vitest';
import { buildUnit, knownSections } from '../../src/unit/load.js';
import { parseUnitText } from '../../src/unit/syntax.js';
import { seccompFilters } from '../../src/exec/seccomp.js';
import { mergedPrograms } from '../../src/exec/seccomp-merge.js';
import { ALLOW, compileProgram, errnoAction, syscallNumber, type SeccompFilter, type SyscallAbi } from '../../src/exec/seccomp-bpf.js';
import { ruleAnswer, runBpf, runFilters } from '../support/seccomp-bpf-run.js';

function filtersOf(lines: string[]): SeccompFilter[] {
  const text = ['[Service]', 'ExecStart=/bin/true', ...lines, ''].join('\n');
  const files = [parseUnitText('/u/s.service', text, { knownSections: knownSections('service') })];
  const unit = buildUnit({ name: 's.service', id: 's.service', names: ['s.service'], fragmentPath: '/u/s.service', masked: false, dropinPaths: [], wants: [], requires: [], upholds: [], files });
  return seccompFilters(unit.exec!.seccomp, { protectKernelTunables: true, privateDevices: true }).map((f) => f.filter);
}

const ARCH: Readonly<Record<SyscallAbi, number>> = { x86_64: 0xc000003e, x86: 0x40000003, x32: 0xc000003e };
const AARCH64 = 0xc00000b7;

/** Argument vectors for one call: every value a comparison of the filters names, one off either side, both halves. */
function argVectors(filters: readonly SeccompFilter[], abi: SyscallAbi, nr: number): bigint[][] {
  const values = new Set<bigint>([0n]);
  for (const f of filters) {
    for (const s of f.sections) {
      if (s.abi !== abi) continue;
      for (const r of s.rules) {
        if (syscallNumber(abi, r.syscall) !== nr) continue;
        for (const c of r.compares ?? []) {
          for (const v of [c.value, c.value - 1n, c.value + 1n, c.mask ?? 0n, c.value | (1n << 32n), (1n << 64n) - 1n]) values.add(BigInt.asUintN(64, v));
        }
      }
    }
  }
  const vs = [...values];
  return vs.flatMap((x) => vs.map((y) => [x, y, x, y, x, y]));
}

function expectSameAnswers(filters: readonly SeccompFilter[], merged: readonly Buffer[]): number {
  const separate = filters.map((f) => compileProgram(f));
  let checked = 0;
  for (const abi of ['x86_64', 'x86', 'x32'] as const) {
    const base = abi === 'x32' ? 0x40000000 : 0;
    for (let nr = base; nr < base + 600; nr++) {
      for (const args of argVectors(filters, abi, nr)) {
        separate.forEach((p, i) => {
          const [bpf, rules] = [runBpf(p, ARCH[abi], nr, args), ruleAnswer(filters[i]!, abi, nr, args)];
          if (bpf !== rules) expect({ filter: i, abi, nr, args, bpf }).toEqual({ filter: i, abi, nr, args, bpf: rules });
        });
        const want = runFilters(separate, ARCH[abi], nr, args);
        const got = runFilters(merged, ARCH[abi], nr, args);
        if (got !== want) expect({ abi, nr, args, got }).toEqual({ abi, nr, args, got: want });
        checked++;
      }
    }
  }
  expect(runFilters(merged, AARCH64, 1)).toBe(runFilters(separate, AARCH64, 1));
  return checked;
}

describe('merged seccomp programs answer as the separate filters', () => {
  const cases: Record<string, string[]> = {
    'Debian\'s redis-server unit': [
      'NoNewPrivileges=true', 'ProtectKernelModules=true', 'RestrictRealtime=true', 'RestrictNamespaces=true',
      'RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX', 'MemoryDenyWriteExecute=true', 'LockPersonality=true',
      'SystemCallArchitectures=native', 'SystemCallFilter=@system-service', 'SystemCallFilter=~ @privileged @resources',
    ],
    'every directive, an allow list with an errno': [
      'SystemCallFilter=@system-service', 'SystemCallFilter=~@privileged', 'SystemCallErrorNumber=EPERM', 'SystemCallArchitectures=native',
      'RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6', 'RestrictNamespaces=yes', 'RestrictRealtime=yes', 'RestrictSUIDSGID=yes',
      'MemoryDenyWriteExecute=yes', 'LockPersonality=yes', 'ProtectClock=yes', 'ProtectKernelModules=yes', 'ProtectKernelLogs=yes',
      'ProtectHostname=yes', 'SystemCallLog=@debug',
    ],
    'a deny list whose errnos meet the other filters\' on the calls they look at': [
      'SystemCallFilter=~personality:EACCES socket:ENOBUFS mmap:EIO unshare:EINVAL sethostname:EROFS @clock',
      'RestrictAddressFamilies=~AF_PACKET AF_NETLINK', 'MemoryDenyWriteExecute=yes', 'LockPersonality=yes',
      'RestrictNamespaces=~cgroup ipc', 'ProtectHostname=yes', 'ProtectClock=yes', 'SystemCallErrorNumber=EADDRINUSE',
    ],
    'the i386 ABI allowed, an allow list killing, calls logged': [
      'SystemCallArchitectures=native x86', 'SystemCallFilter=@system-service @mount', 'SystemCallLog=~@basic-io',
      'RestrictAddressFamilies=none', 'RestrictSUIDSGID=yes', 'RestrictNamespaces=net', 'RestrictRealtime=yes',
    ],
  };
  for (const [name, lines] of Object.entries(cases)) {
    it(name, () => {
      const filters = filtersOf(lines);
      const merged = mergedPrograms(filters);
      expect(merged.length).toBe(1);
      expect(expectSameAnswers(filters, merged)).toBeGreaterThan(1800);
    });
  }

  it('two filters looking at one call\'s arguments stay apart, and still answer alike', () => {
    const socket = (errno: number, af: bigint): SeccompFilter => ({
      sections: [{ abi: 'x86_64', defaultAction: ALLOW, rules: [{ syscall: 'socket', action: errnoAction(errno), compares: [{ arg: 0, op: 'eq', value: af }] }] }],
      otherAbis: ALLOW,
    });
    const filters = [socket(97, 2n), socket(1, 10n), socket(13, 2n), ...filtersOf(['LockPersonality=yes'])];
    const merged = mergedPrograms(filters);
    expect(merged.length).toBe(3);
    expectSameAnswers(filters, merged);
  });
});
