// The manager's environment block (systemctl set-environment, unset-environment,
// import-environment, show-environment) on svcd as PID 1 of a PID namespace: systemd 252's
// answers to the same steps, in the same order, are recorded (scripts/record-environment-oracle.sh
// → test/fixtures/environment/oracle.json) and replayed here; where systemd-ns can boot systemd,
// they are recorded again live and compared too. Then what the block is for: a service started
// after set-environment sees the variable, one started after unset-environment does not, and the
// block survives daemon-reload and daemon-reexec.
import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveOracle } from '../support/oracle.js';
import { bootInNamespace, type SvcctlResult, type SvcdInNamespace } from '../support/svcd-ns.js';

const repo = join(__dirname, '../..');
const execFileP = promisify(execFile);

interface Step { readonly env: readonly string[]; readonly argv: readonly string[]; readonly stdout: string; readonly stderr: string; readonly status: number }
const fixture = join(repo, 'test/fixtures/environment/oracle.json');
const recorded = (file: string) => (JSON.parse(readFileSync(file, 'utf8')) as { steps: Step[] }).steps;

describe('the manager environment, as systemd 252 keeps it', () => {
  let dir: string;
  let svcd: SvcdInNamespace;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'svcd-environment-'));
    mkdirSync(join(dir, 'units'));
    writeFileSync(join(dir, 'units/print-foo.service'), '[Service]\nType=oneshot\nExecStart=/bin/sh -c \'echo "FOO is [$FOO]"\'\n');
    svcd = await bootInNamespace(dir, join(dir, 'units'), 'multi-user.target');
  }, 30_000);
  afterAll(async () => {
    await svcd?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** svcctl with exactly this environment (import-environment reads it). */
  async function svcctlWith(env: readonly string[], argv: readonly string[]): Promise<SvcctlResult> {
    const vars = Object.fromEntries(['PATH=/usr/sbin:/usr/bin:/sbin:/bin', ...env].map((a) => [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]));
    try {
      const r = await execFileP(process.execPath, [join(repo, 'dist/cli/svcctl.js'), '--runtime-dir', svcd.run, ...argv], { encoding: 'utf8', env: vars });
      return { rc: 0, stdout: r.stdout, stderr: r.stderr };
    } catch (e) {
      const x = e as { code?: number; stdout?: string; stderr?: string };
      return { rc: typeof x.code === 'number' ? x.code : -1, stdout: x.stdout ?? '', stderr: x.stderr ?? '' };
    }
  }

  const printed = async (): Promise<string[]> =>
    (await svcd.svcctl('logs', '--no-pager', '-D', join(dir, 'journal'), '-u', 'print-foo.service', '-o', 'cat', '-g', 'FOO is')).stdout.trim().split('\n');

  it('answers every recorded step as systemctl did: the same output, errors and exit codes, in order', async () => {
    for (const [i, s] of recorded(fixture).entries()) {
      const r = await svcctlWith(s.env, s.argv);
      expect({ stdout: r.stdout, stderr: r.stderr, status: r.rc }, `step ${i + 1}: ${s.env.join(' ')} systemctl ${s.argv.join(' ')}`).toEqual({ stdout: s.stdout, stderr: s.stderr, status: s.status });
    }
    // Back to the configured block for the tests below.
    const names = (await svcd.svcctl('show-environment')).stdout.split('\n').filter(Boolean).map((l) => l.slice(0, l.indexOf('=')));
    expect((await svcd.svcctl('unset-environment', ...names)).rc).toBe(0);
  }, 60_000);

  it('a service started after set-environment sees the variable, after unset-environment no longer', async () => {
    expect(await svcd.svcctl('set-environment', 'FOO=bar baz')).toMatchObject({ rc: 0 });
    expect((await svcd.svcctl('start', 'print-foo.service')).rc).toBe(0);
    expect(await printed()).toEqual(['FOO is [bar baz]']);
    expect((await svcd.svcctl('unset-environment', 'FOO')).rc).toBe(0);
    expect((await svcd.svcctl('restart', 'print-foo.service')).rc).toBe(0);
    expect(await printed()).toEqual(['FOO is [bar baz]', 'FOO is []']);
  }, 30_000);

  it('keeps the block across daemon-reload and daemon-reexec', async () => {
    expect((await svcd.svcctl('set-environment', 'FOO=kept', 'OTHER=x y')).rc).toBe(0);
    expect((await svcd.svcctl('daemon-reload')).rc).toBe(0);
    expect((await svcd.svcctl('daemon-reexec')).rc).toBe(0);
    expect(svcd.console()).toMatch(/re-executed/);
    expect((await svcd.svcctl('show-environment')).stdout.split('\n').filter((l) => /^(FOO|OTHER)=/.test(l))).toEqual(['FOO=kept', "OTHER=$'x y'"]);
    expect((await svcd.svcctl('restart', 'print-foo.service')).rc).toBe(0);
    expect((await printed()).at(-1)).toBe('FOO is [kept]');
  }, 60_000);

  it.runIf(liveOracle)('live: systemd 252 booted now answers the recorded steps the same way', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'svcd-environment-live-')), 'oracle.json');
    try {
      const r = spawnSync('sh', [join(repo, 'scripts/record-environment-oracle.sh'), out], { encoding: 'utf8', timeout: 90_000 });
      expect(r.status, r.stderr).toBe(0);
      expect(recorded(out)).toEqual(recorded(fixture));
    } finally {
      rmSync(join(out, '..'), { recursive: true, force: true });
    }
  }, 120_000);
});

describe('DefaultEnvironment= in the manager environment', () => {
  let dir: string;
  let svcd: SvcdInNamespace;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'svcd-environment-conf-'));
    mkdirSync(join(dir, 'units'));
    writeFileSync(join(dir, 'units/print-base.service'), '[Service]\nType=oneshot\nExecStart=/bin/sh -c \'echo "BASE is [$BASE]"\'\n');
    writeFileSync(join(dir, 'system.conf'), '[Manager]\nDefaultEnvironment=ZZ=last BASE=from-config\n');
    svcd = await bootInNamespace(dir, join(dir, 'units'), 'multi-user.target', join(dir, 'system.conf'));
  }, 30_000);
  afterAll(async () => {
    await svcd?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const lines = async () => (await svcd.svcctl('show-environment')).stdout.split('\n').filter(Boolean);

  it('is part of the configured block, sorted with PATH and the locale; unset-environment leaves it, set-environment overrides it in place', async () => {
    const configured = await lines();
    expect(configured.map((l) => l.slice(0, l.indexOf('=')))).toEqual(['BASE', 'LANG', 'PATH', 'ZZ']);
    expect(configured).toContain('BASE=from-config');
    expect((await svcd.svcctl('unset-environment', 'BASE')).rc).toBe(0);
    expect(await lines()).toEqual(configured);
    expect((await svcd.svcctl('set-environment', 'BASE=from-client', 'AA=1')).rc).toBe(0);
    expect((await lines()).map((l) => l.slice(0, l.indexOf('=')))).toEqual(['BASE', 'LANG', 'PATH', 'ZZ', 'AA']);
    expect((await svcd.svcctl('start', 'print-base.service')).rc).toBe(0);
    const logs = await svcd.svcctl('logs', '--no-pager', '-D', join(dir, 'journal'), '-u', 'print-base.service', '-o', 'cat', '-g', 'BASE is');
    expect(logs.stdout).toBe('BASE is [from-client]\n');
  }, 30_000);
});
