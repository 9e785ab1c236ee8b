// An empty assignment to a boolean key (`PrivateNetwork=`) is an invalid value in systemd 252, for
// every key of type BOOLEAN it knows: "Failed to parse boolean value, ignoring: " (OnFailureIsolate=
// has its own words; DynamicUser= makes the unit unloadable). None of them resets. svcctl analyze
// verify against systemd-analyze verify --man=no on one file per key (test/support/
// empty-boolean-units.mjs): recorded by scripts/record-verify-empty-fixtures.mjs, and asked again
// live where systemd-analyze is installed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeEmptyBooleanUnits } from '../support/empty-boolean-units.mjs';

interface Answer { stdout: string; stderr: string; status: number | null }
const repo = join(__dirname, '../..');
const recorded = JSON.parse(readFileSync(join(repo, 'test/fixtures/verify/empty-booleans.json'), 'utf8')) as Answer;
const live = existsSync('/usr/bin/systemd-analyze');

function verify(cmd: readonly string[]): Answer {
  const dir = mkdtempSync(join(tmpdir(), 'svcd-verify-empty-'));
  try {
    const names = writeEmptyBooleanUnits(dir);
    const r = spawnSync(cmd[0]!, [...cmd.slice(1), ...names.map((n) => join(dir, n))], { encoding: 'utf8', cwd: dir });
    return { stdout: r.stdout.replaceAll(dir, '@DIR@'), stderr: r.stderr.replaceAll(dir, '@DIR@'), status: r.status };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('an empty boolean assignment, as systemd-analyze verify 252 reports it', () => {
  const ours = verify([process.execPath, join(repo, 'dist/cli/svcctl.js'), 'analyze', 'verify']);

  it('every BOOLEAN key warns as systemd does (the recorded answer), PrivateNetwork= among them', () => {
    expect(recorded.stderr).toContain('@DIR@/service-privatenetwork.service:2: Failed to parse boolean value, ignoring: \n');
    expect(recorded.stderr.split('\n').length).toBeGreaterThan(150);
    expect(ours).toEqual(recorded);
  });

  it.runIf(live)('live: systemd-analyze verify now answers as recorded', () => {
    expect(verify(['systemd-analyze', 'verify', '--man=no'])).toEqual(recorded);
  });
});
