// What the defaults of a loaded service cost the heap: the exec context, kill settings, install
// section and exit-status lists that a unit leaves as they are. Measured in this process with V8's
// own gc() (exposed for the test) around the models made, never timed.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { toEngineUnit } from '../../src/engine/model-adapter.js';
import { loadUnit } from '../../src/unit/load.js';
import { buildUnitFileMap } from '../../src/unit/unit-file-map.js';
import { withManagerLimits } from '../../src/unit/manager-limits.js';
import { defaultManagerSettings } from '../../src/config/system-conf.js';
import { liveHeapBytes } from '../support/heap.js';

const dir = mkdtempSync(join(tmpdir(), 'svcd-model-defaults-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a service left at its defaults', () => {
  const n = 2000;
  for (let i = 0; i < n; i++) writeFileSync(join(dir, `s${i}.service`), '[Service]\nExecStart=/bin/sleep 1000\n');
  writeFileSync(join(dir, 'k.service'), '[Service]\nExecStart=/bin/true\nKillSignal=SIGINT\nSuccessExitStatus=3\n[Install]\nWantedBy=a.target\n');
  const map = buildUnitFileMap([dir]);

  it('costs its loaded and engine models under 2 KiB: the defaults are shared, not copied per unit, and lists are their exact length', () => {
    // As the manager keeps it: with its DefaultLimitNOFILE=/MEMLOCK= filled in.
    const limits = defaultManagerSettings().defaultLimits;
    const kept: unknown[] = [toEngineUnit(withManagerLimits(loadUnit(map, 'k.service'), limits))];
    const before = liveHeapBytes();
    for (let i = 0; i < n; i++) kept.push(toEngineUnit(withManagerLimits(loadUnit(map, `s${i}.service`), limits)));
    const perUnit = (liveHeapBytes() - before) / n;
    // Each unit with its own copy of every default section: 4.3 KiB per service; shared, 2.1 (2.2
    // measured again); with the command lists and argv at their exact length instead of the spare
    // room push() and spreads leave, 1.8.
    expect(perUnit).toBeLessThan(2 * 1024);
  });

  it('keeps what a unit sets its own, and the shared defaults cannot be written', () => {
    const a = loadUnit(map, 's1.service');
    const k = loadUnit(map, 'k.service');
    if (a.type !== 'service' || k.type !== 'service') throw new Error('not services');
    expect(k.kill.killSignal).toBe(2);
    expect(a.kill.killSignal).toBe(15);
    expect(k.service.successExitStatus.status).toEqual([3]);
    expect(a.service.successExitStatus.status).toEqual([]);
    expect(k.install.wantedBy).toEqual(['a.target']);
    expect(a.install.wantedBy).toEqual([]);
    expect(() => { (a.kill as { killSignal: number }).killSignal = 9; }).toThrow(TypeError);
    expect(() => { (a.service.successExitStatus.status as number[]).push(1); }).toThrow(TypeError);
  });

  it("shares one exec context with the manager's default limits filled in, frozen as the loader's", () => {
    const limits = defaultManagerSettings().defaultLimits;
    const a = withManagerLimits(loadUnit(map, 's1.service'), limits);
    const b = withManagerLimits(loadUnit(map, 's2.service'), limits);
    if (a.type !== 'service' || b.type !== 'service') throw new Error('not services');
    expect(a.exec.limits.NOFILE).toEqual({ soft: 1024n, hard: 524288n });
    expect(b.exec).toBe(a.exec);
    expect(() => { (a.exec.limits as Record<string, unknown>).NOFILE = undefined; }).toThrow(TypeError);
  });
});
