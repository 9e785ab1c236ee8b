// Differential test of `svcctl analyze timespan` against `systemd-analyze timespan` (252): the
// recorded fixtures (scripts/record-timespan-fixtures.sh) always, and the live tool when this
// machine has it. Needs the build (bin/svcctl runs dist/).
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');
const fixtureDir = join(root, 'test', 'fixtures', 'timespan');
const svcctl = join(root, 'bin', 'svcctl');

interface Fixture {
  args: string[];
  stdout: string;
  stderr: string;
  status: number;
}

const env: Record<string, string | undefined> = { ...process.env, LANG: 'C.UTF-8', SYSTEMD_COLORS: '0', SYSTEMD_PAGER: '', PAGER: 'cat' };
delete env.LC_ALL;
delete env.LC_CTYPE;
delete env.SYSTEMD_UTF8;

function run(cmd: string, argv: string[]): { stdout: string; stderr: string; status: number | null } {
  const r = spawnSync(cmd, argv, { env, encoding: 'utf8' });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

/**
 * The one allowed difference: a leading program-name prefix on stderr lines ("svcctl: …" vs
 * "systemd-analyze: …"), which systemd adds only for some messages. Everything else must match.
 */
function normalizeStderr(s: string): string {
  return s.replace(/^(?:svcctl|systemd-analyze): /gm, '');
}

const fixtures = readdirSync(fixtureDir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => ({ file: f, ...(JSON.parse(readFileSync(join(fixtureDir, f), 'utf8')) as Fixture) }));

const built = existsSync(join(root, 'dist', 'cli', 'svcctl.js'));
const live = spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' });
const haveSystemd = live.status === 0 && /^systemd 252\b/.test(live.stdout);

describe('svcctl analyze timespan vs recorded systemd-analyze', () => {
  it('has at least 40 recorded cases', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(40);
  });

  it.skipIf(!built).each(fixtures)('$file: $args', (fx) => {
    const ours = run(svcctl, ['analyze', 'timespan', ...fx.args]);
    expect(ours.stdout).toBe(fx.stdout);
    expect(normalizeStderr(ours.stderr)).toBe(normalizeStderr(fx.stderr));
    expect(ours.status).toBe(fx.status);
  });
});

describe.skipIf(!built || !haveSystemd)('svcctl analyze timespan vs live systemd-analyze', () => {
  it.each(fixtures)('$file: $args', (fx) => {
    const theirs = run('systemd-analyze', ['timespan', ...fx.args]);
    const ours = run(svcctl, ['analyze', 'timespan', ...fx.args]);
    expect(ours.stdout).toBe(theirs.stdout);
    expect(normalizeStderr(ours.stderr)).toBe(normalizeStderr(theirs.stderr));
    expect(ours.status).toBe(theirs.status);
  });

  it('prints "u" instead of "μ" when the locale is explicitly C', () => {
    const cEnv = { ...env, LANG: 'C' };
    const theirs = spawnSync('systemd-analyze', ['timespan', '1s'], { env: cEnv, encoding: 'utf8' });
    const ours = spawnSync(svcctl, ['analyze', 'timespan', '1s'], { env: cEnv, encoding: 'utf8' });
    expect(ours.stdout).toBe(theirs.stdout);
    expect(ours.stdout).toContain('      us: 1000000\n');
  });
});
