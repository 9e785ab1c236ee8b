// `svcctl analyze plot` of a real boot: Debian's nginx, redis-server, ssh, cron, memcached and
// postgresql units (unmodified, as installed here) and the seed's nova-compute, each enabled in
// multi-user.target, booted by svcd as a container's PID 1 (its own network namespace and /run, as
// the show differential test boots them). The picture must be well-formed SVG laid out as systemd's
// and name every unit of the stack systemd's plot of the same boot names (recorded by
// scripts/record-analyze-stack-plot.mjs), with a start time where systemd gives one.
// SVCD_ANALYZE_PLOT_OUT=FILE keeps svcd's picture (docs/analyze-plot.svg is one).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPlot } from '../support/analyze-plot.js';
import { availableUnits, buildUnitDir, repo } from '../support/show-oracle.mjs';
import { bootInNamespace, sleep, type SvcdInNamespace } from '../support/svcd-ns.js';

const fixtures = join(repo, 'test/fixtures/analyze-stack');
const recordedUnits = JSON.parse(readFileSync(join(fixtures, 'units.json'), 'utf8')) as Record<string, string>;
// The units whose files here are the ones recorded (a package not installed here is left out).
const units = Object.fromEntries(Object.entries(availableUnits(recordedUnits) as Record<string, string>).filter(([u]) => u in recordedUnits));

describe('svcctl analyze plot of the Debian stack and nova-compute', () => {
  const dir = mkdtempSync(join(tmpdir(), 'svcd-analyze-stack-'));
  let svcd: SvcdInNamespace;
  let plot = '';

  beforeAll(async () => {
    buildUnitDir(join(dir, 'units'), units);
    svcd = await bootInNamespace(dir, join(dir, 'units'), 'multi-user.target', '/nonexistent',
      ['unshare', '--net', '--', 'sh', '-c', 'mount -t tmpfs tmpfs /run && ip link set lo up && exec "$@"', 'sh'], '/run/svcd');
    // plot, as systemd-analyze's, waits for the boot to finish.
    let r = await svcd.svcctl('analyze', 'plot');
    for (let t = 0; t < 60_000 && r.rc !== 0; t += 250) {
      await sleep(250);
      r = await svcd.svcctl('analyze', 'plot');
    }
    expect(r.rc, r.stderr).toBe(0);
    plot = r.stdout;
    if (process.env.SVCD_ANALYZE_PLOT_OUT) writeFileSync(process.env.SVCD_ANALYZE_PLOT_OUT, plot);
  }, 120_000);

  afterAll(async () => {
    await svcd?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is laid out as systemd\'s, and names every unit of the stack systemd\'s plot names, timed where systemd times it', () => {
    expect(Object.keys(units).length).toBeGreaterThan(0);
    const systemd = readPlot(readFileSync(join(fixtures, 'systemd-plot.svg'), 'utf8'));
    const ours = readPlot(plot);
    expect(ours.frame).toBe(systemd.frame);
    const stack = (rows: typeof ours.rows) => rows.filter((r) => r.name in units).map((r) => `${r.name}${r.timed ? ' (timed)' : ''}`).sort();
    expect(stack(systemd.rows).length).toBeGreaterThan(0);
    expect(stack(ours.rows)).toEqual(expect.arrayContaining(stack(systemd.rows)));
    // Units the plot names are those that started before the boot finished, once each.
    expect(new Set(ours.rows.map((r) => r.name)).size).toBe(ours.rows.length);
  });
});
