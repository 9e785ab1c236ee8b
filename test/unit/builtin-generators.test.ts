// svcd's own generators run inside the manager (src/unit/builtin-generators.ts): what they write
// must be what the program in generators/ writes when systemd-style spawned, and the manager's own
// process state must come out as it went in.
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isBuiltinGenerator, runBuiltinGenerator } from '../../src/unit/builtin-generators.js';
import { BUILTIN_GENERATOR_DIR } from '../../src/shared/package-root.js';

const dir = mkdtempSync(join(tmpdir(), 'svcd-builtin-gen-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const initd = join(dir, 'init.d');
mkdirSync(initd);
const script = join(initd, 'legacy');
writeFileSync(script, '#!/bin/sh\n### BEGIN INIT INFO\n# Provides: legacy\n# Required-Start: $network\n# Default-Start: 2 3 4 5\n# Short-Description: a legacy daemon\n### END INIT INFO\nexit 0\n');
chmodSync(script, 0o755);
const env = [`SYSTEMD_SYSVINIT_PATH=${initd}`, `SYSTEMD_SYSVRCND_PATH=${join(dir, 'rc')}`, `SYSTEMD_UNIT_PATH=${join(dir, 'units')}`, 'PATH=/usr/bin:/bin'];

function outputDirs(name: string): [string, string, string] {
  const d = [join(dir, name, 'normal'), join(dir, name, 'early'), join(dir, name, 'late')] as const;
  for (const x of d) mkdirSync(x, { recursive: true });
  return [...d];
}

/** Every file below a directory with its text. */
function tree(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (e.isFile()) out[join(e.parentPath, e.name).slice(root.length)] = readFileSync(join(e.parentPath, e.name), 'utf8');
  }
  return out;
}

describe('svcd\'s own generators in the manager\'s process', () => {
  it('are told apart from any other program by directory and name', () => {
    expect(isBuiltinGenerator(join(BUILTIN_GENERATOR_DIR, 'systemd-sysv-generator'))).toBe(true);
    expect(isBuiltinGenerator('/lib/systemd/system-generators/systemd-sysv-generator')).toBe(false);
    expect(isBuiltinGenerator(join(BUILTIN_GENERATOR_DIR, 'not-ours'))).toBe(false);
  });

  it('write what the spawned program writes, and leave the umask as they found it', async () => {
    const spawned = outputDirs('spawned');
    const prog = join(BUILTIN_GENERATOR_DIR, 'systemd-sysv-generator');
    const r = spawnSync(prog, spawned, { env: Object.fromEntries(env.map((kv) => kv.split('='))), encoding: 'utf8' });
    expect(r.status).toBe(0);
    const inProcess = outputDirs('in-process');
    const before = process.umask(0o077);
    try {
      expect(await runBuiltinGenerator([prog, ...inProcess], env)).toEqual({ code: 0, signal: 0 });
      expect(process.umask()).toBe(0o077);
    } finally {
      process.umask(before);
    }
    const written = tree(join(dir, 'in-process'));
    expect(Object.keys(written)).toContain('/late/legacy.service');
    expect(written).toEqual(tree(join(dir, 'spawned')));
  });

  it('fail with status 1 when asked wrongly, as the program does', async () => {
    expect(await runBuiltinGenerator([join(BUILTIN_GENERATOR_DIR, 'systemd-sysv-generator'), 'one-argument'], env)).toEqual({ code: 1, signal: 0 });
  });
});
