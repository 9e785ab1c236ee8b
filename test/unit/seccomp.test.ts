// The seccomp directives' unit-file side against systemd 252 (what `systemd-analyze verify` says of
// bad values, recorded by scripts/record-seccomp-fixtures.sh, re-checked live where installed), and
// what reaches the spawner: the filters in systemd's order, none for "+" commands, every program
// within the kernel's 4096 instructions. What the filters do to a service: test/e2e/seccomp.test.ts.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildUnit, knownSections } from '../../src/unit/load.js';
import { parseUnitText } from '../../src/unit/syntax.js';
import type { Unit } from '../../src/unit/model.js';
import { buildSpawnSpec } from '../../src/exec/exec-context.js';
import { seccompPrograms } from '../../src/exec/seccomp.js';
import { mountPlan } from '../../src/exec/mount-plan.js';
import { SYSCALL_NUMBERS } from '../../src/shared/syscall-numbers.generated.js';
import { syscallGroupExpand, syscallGroupFind } from '../../src/shared/syscall-filter.js';
import { runBpf } from '../support/seccomp-bpf-run.js';

const root = join(import.meta.dirname, '..', '..');
const fx = join(root, 'test', 'fixtures', 'seccomp');
const live = spawnSync('systemd-analyze', ['--version']).status === 0;

function load(text: string): Unit {
  const files = [parseUnitText('/u/s.service', text, { knownSections: knownSections('service') })];
  return buildUnit({ name: 's.service', id: 's.service', names: ['s.service'], fragmentPath: '/u/s.service', masked: false, dropinPaths: [], wants: [], requires: [], upholds: [], files });
}

describe('bad values are refused in systemd\'s words', () => {
  const verify = (cmd: string[]) => {
    const r = spawnSync(cmd[0]!, [...cmd.slice(1), 'bad-values.service'], { cwd: join(fx, 'verify'), encoding: 'utf8' });
    return (r.stdout + r.stderr).replaceAll(join(fx, 'verify'), 'DIR');
  };
  const expected = readFileSync(join(fx, 'expected', 'verify.txt'), 'utf8');
  it('svcctl analyze verify says what systemd-analyze verify 252 said', () => {
    expect(expected.split('\n').length).toBeGreaterThan(15);
    expect(verify([join(root, 'bin', 'svcctl'), 'analyze', 'verify'])).toBe(expected);
  });
  it.runIf(live)('the recording still matches the installed systemd-analyze', () => expect(verify(['systemd-analyze', 'verify'])).toBe(expected));
});

describe('the filters that reach the spawner', () => {
  const unit = load([
    '[Service]', 'ExecStartPre=+/bin/true', 'ExecStart=/bin/true', 'SystemCallFilter=@system-service', 'SystemCallFilter=~@privileged',
    'SystemCallErrorNumber=EPERM', 'SystemCallArchitectures=native', 'RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6', 'RestrictNamespaces=yes',
    'RestrictRealtime=yes', 'RestrictSUIDSGID=yes', 'MemoryDenyWriteExecute=yes', 'LockPersonality=yes', 'ProtectClock=yes',
    'ProtectKernelModules=yes', 'ProtectKernelLogs=yes', 'ProtectHostname=yes', 'SystemCallLog=@debug', '',
  ].join('\n'));
  it('come in the order systemd 252 loads them, the system call filter last', () => {
    expect(seccompPrograms(unit.exec!.seccomp).map((p) => p.directive)).toEqual([
      'ProtectHostname', 'RestrictAddressFamilies', 'MemoryDenyWriteExecute', 'RestrictRealtime', 'RestrictSUIDSGID', 'RestrictNamespaces',
      'ProtectKernelModules', 'ProtectKernelLogs', 'ProtectClock', 'SystemCallArchitectures', 'LockPersonality', 'SystemCallLog', 'SystemCallFilter',
    ]);
  });
  it('fit the kernel\'s limit of 4096 instructions, the largest allow list included', () => {
    const all = load('[Service]\nExecStart=/bin/true\nSystemCallFilter=@known\n');
    for (const p of [...seccompPrograms(unit.exec!.seccomp), ...seccompPrograms(all.exec!.seccomp)]) {
      expect(p.program.length % 8).toBe(0);
      expect(p.program.length / 8).toBeLessThanOrEqual(4096);
    }
  });
  it('reach every command but "+" ones (the thirteen merged into one program), which run outside the sandbox', () => {
    const opts = { unitName: 's.service', invocationId: 'x', fds: [-1, -1, -1] as const };
    const main = buildSpawnSpec(unit.exec!, unit.service!.execStart[0]!, { ...opts, fds: [-1, -1, -1] });
    const pre = buildSpawnSpec(unit.exec!, unit.service!.execStartPre[0]!, { ...opts, fds: [-1, -1, -1] });
    expect(typeof main !== 'string' && [main.seccomp?.length, main.newUtsNamespace]).toEqual([1, true]);
    expect(typeof pre !== 'string' && [pre.seccomp, pre.newUtsNamespace]).toEqual([undefined, undefined]);
  });
  it('an allow list takes a later "~" line\'s calls back out; a deny list keeps per-call errnos', () => {
    const allow = load('[Service]\nExecStart=/bin/true\nSystemCallFilter=@system-service\nSystemCallFilter=~uname\n').exec!.seccomp.systemCallFilter!;
    expect([allow.allowList, allow.calls.has('uname'), allow.calls.has('read'), allow.calls.has('execve')]).toEqual([true, false, true, true]);
    const deny = load('[Service]\nExecStart=/bin/true\nSystemCallFilter=~ptrace:EACCES @clock\nSystemCallFilter=settimeofday\n').exec!.seccomp.systemCallFilter!;
    expect([deny.allowList, deny.calls.get('ptrace'), deny.calls.get('adjtimex'), deny.calls.has('settimeofday')]).toEqual([false, 13, -1, false]);
  });
});

describe('the mount plan the spawner applies', () => {
  const plan = (lines: string, privateTmp = false) =>
    mountPlan(load(`[Service]\nExecStart=/bin/true\n${lines}`).exec!, privateTmp).map((e) => `${e.ignoreMissing ? '-' : ''}${e.path} ${e.mode}`);
  it('is empty without a mount setting, PrivateTmp= alone being the spawner\'s own', () => expect(plan('PrivateTmp=yes\n', true)).toEqual([]));
  it('sorts parents first, keeps the stronger mode of one path, and nothing below an inaccessible one', () => {
    expect(plan('ProtectSystem=strict\nStateDirectory=x\nReadWritePaths=/var/lib/a -/var/lib/a/b /srv\nReadOnlyPaths=/srv\nInaccessiblePaths=/var/lib/a\n', true)).toEqual([
      '/ read-only', '-/dev read-write-implicit', '-/proc read-write-implicit', '/srv read-only', '-/sys read-write-implicit', '/tmp private-tmp',
      '/var/lib/a inaccessible', '-/var/lib/x read-write-implicit', '/var/tmp private-tmp',
    ]);
  });
  it('puts ProtectSystem= and "+" paths inside RootDirectory=, the others stay the host\'s', () => {
    expect(plan('RootDirectory=/r\nProtectSystem=yes\nReadOnlyPaths=-+/data /host\n')).toEqual(['/host read-only', '-/r/boot read-only', '-/r/data read-only', '-/r/efi read-only', '/r/usr read-only']);
  });
});

describe('the compiled programs decide every call as their rules say', () => {
  const ARCH = { x86_64: 0xc000003e, x86: 0x40000003, x32: 0xc000003e } as const;
  const ALLOW = 0x7fff0000, KILL_PROCESS = 0x80000000;
  const program = (lines: string) => seccompPrograms(load(`[Service]\nExecStart=/bin/true\n${lines}`).exec!.seccomp).at(-1)!.program;
  for (const abi of ['x86_64', 'x86', 'x32'] as const) {
    const table = SYSCALL_NUMBERS[abi];
    const names = new Map(Object.entries(table).map(([n, nr]) => [nr, n]));
    const base = abi === 'x32' ? 0x40000000 : 0;
    it(`an allow list and a deny list with per-call errnos, every ${abi} call number`, () => {
      const allow = program('SystemCallFilter=@system-service\n');
      const allowed = load('[Service]\nExecStart=/bin/true\nSystemCallFilter=@system-service\n').exec!.seccomp.systemCallFilter!.calls;
      const deny = program('SystemCallFilter=~@clock ptrace:EACCES\nSystemCallErrorNumber=EPERM\n');
      for (let nr = base; nr < base + 600; nr++) {
        const name = names.get(nr);
        expect([name, runBpf(allow, ARCH[abi], nr)]).toEqual([name, name !== undefined && allowed.has(name) ? ALLOW : KILL_PROCESS]);
        const denied = name === 'ptrace' ? 0x50000 + 13 : name !== undefined && syscallGroupExpand(syscallGroupFind('@clock')!).has(name) ? 0x50000 + 1 : ALLOW;
        expect([name, runBpf(deny, ARCH[abi], nr)]).toEqual([name, denied]);
      }
    });
  }
  it('another ABI passes through a filter; SystemCallArchitectures=native kills it', () => {
    expect(runBpf(program('SystemCallFilter=~@clock\n'), 0xc00000b7 /* aarch64 */, 0)).toBe(ALLOW);
    expect(runBpf(program('SystemCallArchitectures=native\n'), 0x40000003, 20)).toBe(0 /* kill thread */);
  });
});
