// Capability sets as systemd 252 merges them (the expected masks were checked with
// `systemd-analyze verify` on the same lines, SYSTEMD_LOG_LEVEL=debug), and the one-line notices for
// the sandboxing directives svcd does not enforce.
import { describe, expect, it } from 'vitest';
import { buildUnit, knownSections } from '../../src/unit/load.js';
import { parseUnitText } from '../../src/unit/syntax.js';
import type { Unit } from '../../src/unit/model.js';
import { sandboxNotices } from '../../src/exec/sandbox.js';
import { buildSpawnSpec } from '../../src/exec/exec-context.js';

function load(text: string): Unit {
  const files = [parseUnitText('/u/s.service', text, { knownSections: knownSections('service') })];
  return buildUnit({ name: 's.service', id: 's.service', names: ['s.service'], fragmentPath: '/u/s.service', masked: false, dropinPaths: [], wants: [], requires: [], upholds: [], files });
}
const bit = (n: number) => 1n << BigInt(n);
const [KILL, NET_BIND, NET_ADMIN, NET_RAW, SYS_PTRACE, SYS_ADMIN] = [5, 10, 12, 13, 19, 21];
const ALL = (1n << 64n) - 1n;

describe('CapabilityBoundingSet= and AmbientCapabilities=', () => {
  it('merge across lines: replace first, OR, "~" ANDs out; an empty line is the empty set', () => {
    const u = load('[Service]\nExecStart=/bin/true\nCapabilityBoundingSet=CAP_NET_ADMIN cap_chown\nCapabilityBoundingSet=~CAP_CHOWN\nCapabilityBoundingSet=CAP_KILL cap_bogus\nAmbientCapabilities=CAP_KILL\nAmbientCapabilities=\nAmbientCapabilities=CAP_NET_RAW\n');
    expect(u.exec!.capabilityBoundingSet).toBe(bit(NET_ADMIN) | bit(KILL));
    expect(u.exec!.ambientCapabilities).toBe(bit(NET_RAW));
    expect(load('[Service]\nExecStart=/bin/true\nCapabilityBoundingSet=CAP_KILL\nCapabilityBoundingSet=\n').exec!.capabilityBoundingSet).toBe(0n);
  });

  it('"~" on a fresh bounding set keeps everything but the listed ones', () => {
    const u = load('[Service]\nExecStart=/bin/true\nCapabilityBoundingSet=~CAP_SYS_ADMIN CAP_SYS_PTRACE\nCapabilityBoundingSet=~CAP_NET_RAW\n');
    expect(u.exec!.capabilityBoundingSet).toBe(ALL & ~(bit(SYS_ADMIN) | bit(SYS_PTRACE) | bit(NET_RAW)));
  });

  it('reach the spawn spec, except for "+" commands (full privileges)', () => {
    const u = load('[Service]\nExecStartPre=+/bin/true\nExecStart=/bin/true\nCapabilityBoundingSet=CAP_NET_BIND_SERVICE\nAmbientCapabilities=CAP_NET_BIND_SERVICE\n');
    const opts = { unitName: 's.service', invocationId: 'x', fds: [-1, -1, -1] as const };
    const main = buildSpawnSpec(u.exec!, u.service!.execStart[0]!, { ...opts, fds: [-1, -1, -1] });
    const pre = buildSpawnSpec(u.exec!, u.service!.execStartPre[0]!, { ...opts, fds: [-1, -1, -1] });
    expect(typeof main !== 'string' && [main.capabilityBoundingSet, main.ambientCapabilities]).toEqual([bit(NET_BIND), bit(NET_BIND)]);
    expect(typeof pre !== 'string' && [pre.capabilityBoundingSet, pre.ambientCapabilities]).toEqual([undefined, undefined]);
  });
});

describe('the bounding set other settings narrow (systemd\'s unit_patch_contexts)', () => {
  const [SYS_RAWIO, MKNOD] = [17, 27];
  it('PrivateDevices= drops CAP_MKNOD and CAP_SYS_RAWIO, ProtectKernelModules= CAP_SYS_MODULE, ProtectKernelLogs= CAP_SYSLOG', () => {
    const u = load('[Service]\nExecStart=/bin/true\nPrivateDevices=yes\nProtectKernelModules=yes\nProtectKernelLogs=yes\nCapabilityBoundingSet=CAP_KILL CAP_MKNOD CAP_SYS_RAWIO CAP_SYS_MODULE CAP_SYSLOG\n');
    const spec = buildSpawnSpec(u.exec!, u.service!.execStart[0]!, { unitName: 's.service', invocationId: 'x', fds: [-1, -1, -1] });
    expect(typeof spec !== 'string' && spec.capabilityBoundingSet).toBe(bit(KILL));
    const all = buildSpawnSpec(load('[Service]\nExecStart=/bin/true\nPrivateDevices=yes\n').exec!, u.service!.execStart[0]!, { unitName: 's.service', invocationId: 'x', fds: [-1, -1, -1] });
    expect(typeof all !== 'string' && all.capabilityBoundingSet).toBe(ALL & ~(bit(MKNOD) | bit(SYS_RAWIO)));
  });
});

describe('sandboxing notices', () => {
  it('one line per directive that asks for something, with why; none for what is enforced or off', () => {
    const u = load([
      '[Service]', 'ExecStart=/bin/true', 'ProtectSystem=full', 'ProtectHome=no', 'PrivateTmp=yes', 'PrivateDevices=true',
      'ReadWritePaths=/var/lib/x', 'ReadWritePaths=/var/log/x', 'SystemCallFilter=@system-service', 'NoNewPrivileges=yes',
      'CapabilityBoundingSet=CAP_KILL', 'RestrictAddressFamilies=AF_UNIX', 'PrivateNetwork=no', 'PrivateUsers=yes', 'IPAddressDeny=any', '',
    ].join('\n'));
    // ProtectSystem=, ReadWritePaths= and PrivateDevices= are enforced in a mount namespace (test/e2e/seccomp.test.ts's ns-* units, sandbox-ns.test.ts),
    // PrivateUsers= in a user namespace (test/e2e/userns.test.ts).
    expect(sandboxNotices(u).map((n) => n.text)).toEqual([
      'IPAddressDeny= not enforced (needs BPF programs on a per-service cgroup, which svcd does not attach).',
    ]);
    expect(u.exec!.mounts.privateUsers).toBe(true);
  });

  it('no notice for the seccomp directives, SecureBits= or Personality=, which are enforced; SmackProcessLabel= still has one', () => {
    const u = load('[Service]\nExecStart=/bin/true\nSystemCallFilter=@system-service\nRestrictNamespaces=yes\nLockPersonality=yes\nPersonality=x86\nSecureBits=noroot\nSmackProcessLabel=x\n');
    expect(sandboxNotices(u).map((n) => n.directive)).toEqual(['SmackProcessLabel']);
  });

  it('a unit without sandboxing gets none', () => {
    expect(sandboxNotices(load('[Service]\nExecStart=/bin/true\nUser=nobody\n'))).toEqual([]);
  });
});

describe('BindPaths=, BindReadOnlyPaths=, TemporaryFileSystem=, ProtectProc=, ProcSubset= (parsed as systemd 252 parses them)', () => {
  it('one list of bind mounts in the file\'s order; "-" lets the source be missing; norbind; an empty value clears both kinds', () => {
    const u = load('[Service]\nExecStart=/bin/true\nBindPaths=/a -/c:/d:norbind\nBindReadOnlyPaths=/e:/f\n');
    expect(u.exec!.mounts.bindPaths).toEqual([
      { source: '/a', destination: '/a', readOnly: false, recursive: true, ignoreMissing: false },
      { source: '/c', destination: '/d', readOnly: false, recursive: false, ignoreMissing: true },
      { source: '/e', destination: '/f', readOnly: true, recursive: true, ignoreMissing: false },
    ]);
    expect(load('[Service]\nExecStart=/bin/true\nBindPaths=/a\nBindReadOnlyPaths=\n').exec!.mounts.bindPaths).toEqual([]);
  });
  it('what systemd-analyze verify 252 warns of: "+" is no prefix here, an option other than rbind/norbind drops the rest', () => {
    const u = load('[Service]\nExecStart=/bin/true\nBindPaths=+/a:/b /f:/g:ro /h\nTemporaryFileSystem=/j:ro,mode=0700 -/l\nProtectProc=bogus\n');
    expect(u.diagnostics.map((d) => d.message)).toEqual([
      'BindPaths= path is not absolute, ignoring: +/a',
      'Invalid option string, ignoring setting: ro',
      'TemporaryFileSystem= path is not absolute, ignoring: -/l',
      'Failed to parse /proc/ protection mode, ignoring: bogus',
    ]);
    expect(u.exec!.mounts.bindPaths).toEqual([]);
    expect(u.exec!.mounts.temporaryFileSystems).toEqual([{ path: '/j', options: 'ro,mode=0700' }]);
    expect(u.exec!.mounts.protectProc).toBe('default');
  });
});
