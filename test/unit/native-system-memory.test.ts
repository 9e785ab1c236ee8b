// What a restart leaves in the spawner's tables: a Restart=always service that exits at once runs
// thousands of times a day, and nothing filed for one run may outlive the next. Real processes,
// spawned as the engine spawns a service's; measured with V8's own gc() (exposed for the test)
// around the runs, never timed.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { NativeSystem } from '../../src/host/native-system.js';
import { buildUnit, knownSections } from '../../src/unit/load.js';
import { parseUnitText } from '../../src/unit/syntax.js';
import type { Unit } from '../../src/unit/model.js';
import { liveHeapBytes } from '../support/heap.js';

function loadUnitFromText(id: string, text: string): Unit {
  const files = [parseUnitText(`/u/${id}`, text, { knownSections: knownSections('service') })];
  return buildUnit({ name: id, id, names: [id], fragmentPath: `/u/${id}`, masked: false, dropinPaths: [], wants: [], requires: [], upholds: [], files });
}

describe('NativeSystem over many runs of one unit', () => {
  it('keeps nothing per run once each has ended', async () => {
    const system = new NativeSystem({});
    const exited = new Map<number, () => void>();
    system.onChildExit((e) => exited.get(e.pid)?.());
    const unit = loadUnitFromText('r.service', '[Service]\nExecStart=/bin/true\nRestart=always\n');
    const command = unit.service!.execStart[0]!;
    // An INVOCATION_ID of 2 KiB (a real one has 32 characters): what a run leaves behind stands out
    // of the heap's noise, whichever table keeps it.
    const longId = (): string => randomBytes(1024).toString('hex');
    /** One run as the engine makes it: a new INVOCATION_ID, the command, its exit, the check that nothing is left, the run's end. */
    const run = async (): Promise<void> => {
      const pid = system.spawn({ unit: 'r.service', argv: ['/bin/true'], role: 'main', command, source: unit, invocationId: longId() });
      await new Promise<void>((resolve) => exited.set(pid, resolve));
      exited.delete(pid);
      if (system.unitProcesses("r.service", [], true).length > 0) throw new Error("left");
      system.releaseRuntime('r.service');
    };
    for (let i = 0; i < 200; i++) await run();
    // Past the moment a reaped process's owner is kept for its last log lines.
    await new Promise((r) => setTimeout(r, 2100));
    const before = liveHeapBytes();
    const runs = 1000;
    for (let i = 0; i < runs; i++) await run();
    await new Promise((r) => setTimeout(r, 2100));
    const perRun = (liveHeapBytes() - before) / runs;
    // Each run's INVOCATION_ID filed for good (the prepared runs, the process tracker's tables)
    // costs its 2 KiB and more.
    expect(perRun).toBeLessThan(1000);
  });
});
