// `svcctl analyze security --offline=yes` byte for byte against systemd-analyze 252: stdout, stderr
// and exit status on hand-written units that cover every check (test/fixtures/analyze-security/units),
// the seed's nova-compute, the Debian packages' units, several files at once, errors and the ASCII
// glyphs; and the same answer as systemd's for all unit files of /lib/systemd/system at once. Recorded by
// scripts/record-analyze-security-fixtures.mjs; re-checked live where systemd-analyze is installed.
// Needs the build (bin/svcctl runs dist/).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const fixtures = join(root, 'test', 'fixtures', 'analyze-security');
interface Case { args: string[]; env: Record<string, string>; stdout: string; stderr: string; status: number }
const cases = JSON.parse(readFileSync(join(fixtures, 'cases.json'), 'utf8')) as Case[];
const systemUnits = JSON.parse(readFileSync(join(fixtures, 'system-units.json'), 'utf8')) as { files: string[]; digest: string };
const live = spawnSync('systemd-analyze', ['--version']).status === 0;
const env = { ...process.env, SYSTEMD_COLORS: '0', SYSTEMD_PAGER: '', PAGER: 'cat', LANG: 'C.UTF-8', LC_ALL: '' };
const show = (s: string) => s.split('@ROOT@').join(root);

function answer(tool: 'svcctl' | 'systemd-analyze', args: readonly string[], extraEnv: Record<string, string> = {}) {
  const [cmd, pre] = tool === 'svcctl' ? [join(root, 'bin', 'svcctl'), ['analyze', 'security']] : ['systemd-analyze', ['security']];
  const r = spawnSync(cmd, [...pre, ...args], { cwd: root, encoding: 'utf8', env: { ...env, ...extraEnv } });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

// A case that names a Debian unit needs that package's file here.
const runnable = cases.filter((c) => c.args.every((a) => !a.startsWith('/lib/') || existsSync(a)));

describe('svcctl analyze security --offline=yes: byte for byte as systemd-analyze 252', () => {
  it('covers the hand-written units, nova-compute and the Debian units', () => {
    expect(cases.some((c) => c.args.includes('test/fixtures/nova/nova-compute.service'))).toBe(true);
    expect(cases.filter((c) => c.args.some((a) => a.includes('analyze-security/units/'))).length).toBeGreaterThanOrEqual(12);
  });
  it.each(runnable.map((c) => [`${c.args.join(' ')} ${JSON.stringify(c.env)}`, c] as const))('%s', (_, c) => {
    expect(answer('svcctl', c.args, c.env)).toEqual({ stdout: show(c.stdout), stderr: show(c.stderr), status: c.status });
  });
  const { files, digest } = systemUnits;
  const paths = files.map((f) => join('/lib/systemd/system', f));
  it.runIf(paths.every((p) => existsSync(p)))('judges every unit file of /lib/systemd/system as systemd does', () => {
    const r = answer('svcctl', ['--offline=yes', ...paths]);
    expect(createHash('sha256').update(JSON.stringify([r.stdout, r.stderr, r.status])).digest('hex')).toBe(digest);
  });
  it.runIf(live)('the recordings still match the installed systemd-analyze', () => {
    for (const c of runnable) {
      expect(answer('systemd-analyze', c.args, c.env), c.args.join(' ')).toEqual({ stdout: show(c.stdout), stderr: show(c.stderr), status: c.status });
    }
  });
});
