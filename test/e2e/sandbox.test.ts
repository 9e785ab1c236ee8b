// Sandboxing with real processes under svcd as PID 1: CapabilityBoundingSet=/AmbientCapabilities=
// reach a service run as another user (its /proc/self/status shows them), "+" commands keep full
// privileges, WorkingDirectory=-~ is the user's home, and the directives svcd cannot enforce
// (ProtectSystem=, SystemCallFilter=, PrivateTmp= …) are each noticed once on the console — not
// once per process — and never fail the unit.
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { buildTree } from '../support/tree.mjs';
import { bootInNamespace } from '../support/svcd-ns.js';

const dir = mkdtempSync(join(tmpdir(), 'svcd-sandbox-'));
chmodSync(dir, 0o777);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The Cap* lines of a /proc/PID/status copy, as numbers. */
function caps(file: string): Record<string, bigint> {
  const out: Record<string, bigint> = {};
  for (const m of readFileSync(file, 'utf8').matchAll(/^(Cap\w+):\s+([0-9a-f]+)$/gm)) out[m[1]!] = BigInt(`0x${m[2]}`);
  return out;
}

it('enforces capability sets, notices the rest once per unit and directive, and starts the unit', async () => {
  const status = (name: string) => `/bin/sh -c 'cp /proc/self/status ${join(dir, name)}; pwd > ${join(dir, name)}.cwd'`;
  buildTree(join(dir, 'units'), { files: {
    'caps.service': [
      '[Service]', 'Type=oneshot', 'RemainAfterExit=yes', 'User=nobody', 'WorkingDirectory=-~',
      'CapabilityBoundingSet=CAP_NET_BIND_SERVICE CAP_KILL', 'AmbientCapabilities=CAP_NET_BIND_SERVICE',
      `ExecStartPre=+${status('pre')}`, `ExecStartPre=${status('pre2')}`, `ExecStart=${status('main')}`,
      'ProtectSystem=full', 'ProtectHome=yes', 'PrivateTmp=yes', 'SystemCallFilter=@system-service', 'PrivateDevices=no', '',
    ].join('\n'),
    'x.target': '[Unit]\nWants=caps.service\n',
  } });
  const svcd = await bootInNamespace(dir, join(dir, 'units'), 'x.target');
  try {
    expect((await svcd.svcctl('is-active', 'caps.service')).stdout, svcd.console()).toBe('active\n');
    const main = caps(join(dir, 'main'));
    expect(main.CapBnd).toBe((1n << 10n) | (1n << 5n));
    expect(main.CapAmb).toBe(1n << 10n);
    expect(main.CapEff).toBe(1n << 10n); // nobody, yet allowed to bind low ports
    expect(caps(join(dir, 'pre2')).CapBnd).toBe((1n << 10n) | (1n << 5n));
    expect(caps(join(dir, 'pre')).CapBnd).toBeGreaterThan((1n << 21n)); // "+": CAP_SYS_ADMIN kept
    expect(caps(join(dir, 'pre')).CapEff).toBeGreaterThan(1n << 21n);
    const home = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith('nobody:'))!.split(':')[5]!;
    // "-": a home that does not exist (nobody's /nonexistent) is not an error; the service runs in /.
    expect(readFileSync(join(dir, 'main.cwd'), 'utf8').trim()).toBe(existsSync(home) ? home : '/');
    const notices = svcd.console().split('\n').filter((l) => l.startsWith('svcd: caps.service:') && l.includes('not enforced'));
    expect(notices.map((l) => l.replace(/ \(.*/, '')).sort()).toEqual([
      'svcd: caps.service: PrivateTmp= not enforced', 'svcd: caps.service: ProtectHome= not enforced',
      'svcd: caps.service: ProtectSystem= not enforced', 'svcd: caps.service: SystemCallFilter= not enforced',
    ]);
  } finally {
    await svcd.stop();
  }
}, 60000);
