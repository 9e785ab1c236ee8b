// `svcctl analyze time`, `blame`, `critical-chain` and `plot` against systemd-analyze 252, on the same units
// booted the same way (test/fixtures/analyze-boot/units: oneshots sleeping 1.6 s, 0.8 s and 0.3 s, a
// chain of After=, a simple service up at once, a oneshot that ends at once). Times differ from boot
// to boot, so what is compared is what does not: the lines' shape, which units blame names and in
// what order, and which units each critical chain goes through, to the manager's own base units.
//
// systemd's answers are recorded (scripts/record-analyze-boot-fixtures.sh → test/fixtures/analyze-boot/
// recorded); where systemd-ns can boot systemd here, they are recorded again live and compared too.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveOracle } from '../support/oracle.js';
import { bootInNamespace, sleep, type SvcdInNamespace } from '../support/svcd-ns.js';
import { type Plot, readPlot, TIME } from '../support/analyze-plot.js';

const repo = join(__dirname, '../..');
const unitDir = join(repo, 'test/fixtures/analyze-boot/units');
const TREE = readdirSync(unitDir).filter((f) => f.endsWith('.service'));

type Answers = Record<'time' | 'blame' | 'critical-chain' | 'critical-chain-units' | 'plot', string>;
const NAMES = ['time', 'blame', 'critical-chain', 'critical-chain-units', 'plot'] as const;

function readAnswers(dir: string): Answers {
  return Object.fromEntries(NAMES.map((n) => [n, readFileSync(join(dir, n === 'plot' ? 'plot.svg' : `${n}.txt`), 'utf8')])) as Answers;
}

/**
 * The same frame (style, legend, the manager's row), and the tree's units with the same labels, in
 * the same order wherever their starts lie 0.3 s (30 px) apart in both pictures.
 */
function comparePlots(systemd: string, svcd: string): void {
  const a = readPlot(systemd);
  const b = readPlot(svcd);
  expect(b.frame).toBe(a.frame);
  const tree = (p: Plot) => p.rows.filter((r) => TREE.includes(r.name));
  const [ta, tb] = [tree(a), tree(b)];
  expect(tb.map((r) => [r.name, r.timed]).sort()).toEqual(ta.map((r) => [r.name, r.timed]).sort());
  const at = (rows: Plot['rows'], n: string) => rows.find((r) => r.name === n)!.x;
  for (const r of ta) {
    for (const o of ta) {
      const [da, db] = [at(ta, o.name) - at(ta, r.name), at(tb, o.name) - at(tb, r.name)];
      if (Math.abs(da) > 30 && Math.abs(db) > 30) expect(Math.sign(db), `${r.name} / ${o.name}`).toBe(Math.sign(da));
    }
  }
}

/** blame's units, after checking each line is "TIME UNIT" with the times right-aligned. */
function blameUnits(text: string): string[] {
  const lines = text.split('\n').filter(Boolean);
  const width = lines[0]!.indexOf(' ', lines[0]!.search(/\S/));
  return lines.map((l) => {
    const m = /^( *)(\S+) (\S+)$/.exec(l);
    expect(m, l).not.toBeNull();
    expect(m![2], l).toMatch(TIME);
    expect(m![1]!.length + m![2]!.length, `right-aligned: ${l}`).toBe(width);
    return m![3]!;
  });
}

/**
 * A critical chain with its times checked and taken out: "PREFIX UNIT" lines, in order, down to the
 * first unit that is neither the tree's nor a target both managers have (what lies below basic.target
 * is each manager's own: mounts and slices of the namespace).
 */
function chainSkeleton(text: string): string[] {
  const [head, ...rest] = text.split('\n\n');
  expect(head).toBe('The time when unit became active or started is printed after the "@" character.\nThe time the unit took to start is printed after the "+" character.');
  const out: string[] = [];
  for (const line of rest.join('\n\n').split('\n').filter(Boolean)) {
    const m = /^((?:[│ ] )*(?:[├└]─)?)(\S+)((?: @\S+)?(?: \+\S+)?)$/.exec(line);
    expect(m, line).not.toBeNull();
    for (const t of m![3]!.split(/ [@+]/).filter(Boolean)) expect(t, line).toMatch(TIME);
    const unit = m![2]!;
    if (!TREE.includes(unit) && !['multi-user.target', 'basic.target'].includes(unit)) continue;
    out.push(`${m![1]}${unit}`);
  }
  return out;
}

function compare(systemd: Answers, svcd: Answers): void {
  const timeShape = /^Startup finished in (\S+) \(userspace\) \nmulti-user\.target reached after (\S+) in userspace\.\n?$/;
  for (const t of [systemd.time, svcd.time]) {
    const m = timeShape.exec(t);
    expect(m, t).not.toBeNull();
    expect(m![1]).toMatch(TIME);
    expect(m![2]).toMatch(TIME);
  }
  expect(blameUnits(svcd.blame)).toEqual(blameUnits(systemd.blame));
  expect(chainSkeleton(svcd['critical-chain'])).toEqual(chainSkeleton(systemd['critical-chain']));
  expect(chainSkeleton(svcd['critical-chain-units'])).toEqual(chainSkeleton(systemd['critical-chain-units']));
  comparePlots(systemd.plot, svcd.plot);
}

describe('svcctl analyze time, blame, critical-chain against systemd-analyze 252', () => {
  const dir = mkdtempSync(join(tmpdir(), 'svcd-analyze-boot-'));
  let svcd: SvcdInNamespace;
  const answers = {} as Answers;

  beforeAll(async () => {
    svcd = await bootInNamespace(dir, unitDir, 'multi-user.target');
    // The boot is finished once no job is left: `time` refuses until then.
    for (let t = 0; t < 20000 && (await svcd.svcctl('analyze', 'time')).rc !== 0; t += 100) await sleep(100);
    answers.time = (await svcd.svcctl('analyze', 'time')).stdout;
    answers.blame = (await svcd.svcctl('analyze', 'blame')).stdout;
    answers['critical-chain'] = (await svcd.svcctl('analyze', 'critical-chain')).stdout;
    answers['critical-chain-units'] = (await svcd.svcctl('analyze', 'critical-chain', 'd-long.service', 'c-fast.service')).stdout;
    answers.plot = (await svcd.svcctl('analyze', 'plot')).stdout;
  }, 60_000);

  afterAll(async () => {
    await svcd?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the recorded answers: same shapes, blame names the same units in the same order, the chains go through the same units, the plots draw the same frame and the same units', () => {
    compare(readAnswers(join(repo, 'test/fixtures/analyze-boot/recorded')), answers);
  });

  it('the simple service, up at once, is not blamed; the oneshot that ended is, by the time until it was inactive again', () => {
    const units = blameUnits(answers.blame);
    expect(units).not.toContain('d-long.service');
    expect(units).toContain('e-quick.service');
  });

  it('show has the manager times analyze reads: the userspace start, units loaded, the finish, in that order', async () => {
    const r = await svcd.svcctl('show', '-p', 'UserspaceTimestampMonotonic,UnitsLoadStartTimestampMonotonic,UnitsLoadFinishTimestampMonotonic,FinishTimestampMonotonic,KernelTimestampMonotonic');
    const v = Object.fromEntries(r.stdout.trim().split('\n').map((l) => l.split('=') as [string, string]));
    const n = (k: string) => BigInt(v[k]!);
    expect(n('KernelTimestampMonotonic')).toBe(0n);
    expect(n('UserspaceTimestampMonotonic')).toBeGreaterThan(0n);
    expect(n('UnitsLoadStartTimestampMonotonic')).toBeGreaterThanOrEqual(n('UserspaceTimestampMonotonic'));
    expect(n('UnitsLoadFinishTimestampMonotonic')).toBeGreaterThanOrEqual(n('UnitsLoadStartTimestampMonotonic'));
    expect(n('FinishTimestampMonotonic')).toBeGreaterThan(n('UnitsLoadFinishTimestampMonotonic'));
  });

  it('critical-chain --fuzz that is not a time span fails silently, as systemd-analyze 252 does', async () => {
    const r = await svcd.svcctl('analyze', 'critical-chain', '--fuzz=bogus');
    expect([r.rc, r.stdout, r.stderr]).toEqual([1, '', '']);
    const extra = await svcd.svcctl('analyze', 'blame', 'x');
    expect([extra.rc, extra.stderr]).toEqual([1, 'Too many arguments.\n']);
  });

  it.runIf(liveOracle)('live: systemd 252 booted on the same units now answers the same way', () => {
    const out = mkdtempSync(join(tmpdir(), 'svcd-analyze-live-'));
    try {
      const r = spawnSync('sh', [join(repo, 'scripts/record-analyze-boot-fixtures.sh'), out], { encoding: 'utf8', timeout: 90_000 });
      expect(r.status, r.stderr).toBe(0);
      compare(readAnswers(out), answers);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 120_000);
});
