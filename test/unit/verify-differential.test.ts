// `svcctl analyze verify` against systemd 252's `systemd-analyze verify --man=no` on the cases of
// test/fixtures/verify/cases.json (recorded by scripts/record-verify-fixtures.mjs): same messages
// byte for byte (the temp directory aside) and the same exit code.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildTree } from '../support/tree.mjs';

interface Case { name: string; files?: Record<string, string>; bytes?: Record<string, (string | [string, number])[]>; args: string[] }
interface Recorded { stdout: string; stderr: string; status: number }
const spec = JSON.parse(readFileSync(join(__dirname, '../fixtures/verify/cases.json'), 'utf8')) as { cases: Case[] };
const recorded = JSON.parse(readFileSync(join(__dirname, '../fixtures/verify/recorded.json'), 'utf8')) as { cases: Record<string, Recorded> };
const svcctl = join(__dirname, '../../bin/svcctl');
const live = existsSync('/usr/bin/systemd-analyze');

function runCase(c: Case, cmd: string[]): Recorded {
  const dir = mkdtempSync(join(tmpdir(), 'svcd-verify-'));
  try {
    buildTree(dir, c);
    const r = spawnSync(cmd[0]!, [...cmd.slice(1), ...c.args.map((a) => join(dir, a))], { encoding: 'utf8', cwd: dir });
    return { stdout: r.stdout.replaceAll(dir, '@DIR@'), stderr: r.stderr.replaceAll(dir, '@DIR@'), status: r.status ?? -1 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('analyze verify vs systemd-analyze verify', () => {
  it('covers at least 40 cases', () => expect(spec.cases.length).toBeGreaterThanOrEqual(40));
  it.each(spec.cases)('$name (recorded)', (c) => {
    expect(runCase(c, [svcctl, 'analyze', 'verify'])).toEqual(recorded.cases[c.name]);
  });
  it.runIf(live).each(spec.cases)('$name (live oracle agrees with the recording)', (c) => {
    expect(runCase(c, ['systemd-analyze', 'verify', '--man=no'])).toEqual(recorded.cases[c.name]);
  });
});
