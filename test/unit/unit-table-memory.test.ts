// What a unit's run-time record costs the heap: every loaded unit has one, so 1,000 services pay
// it 1,000 times. Measured in this process with V8's own gc() (exposed for the test) around the
// records made, never timed.
import { describe, expect, it } from 'vitest';
import { liveHeapBytes } from '../support/heap.js';
import { UnitTable, type Runtime } from '../../src/engine/unit-table.js';
import { fakeLookup, fakeUnit } from '../support/fake-units.js';

describe('unit run-time records', () => {
  it('cost under half a kibibyte each beyond their state, and keep the pid map right', () => {
    const n = 4000;
    const units = Array.from({ length: n }, (_, i) => fakeUnit(`m${i}.service`));
    const table = new UnitTable(fakeLookup(units), []);
    // The models and the graph first: only the records are counted.
    for (const u of units) table.graph.resolve(u.id);
    const kept: Runtime[] = [];
    const before = liveHeapBytes();
    for (const u of units) kept.push(table.runtime(u.id));
    const perRecord = (liveHeapBytes() - before) / n;
    // A record is some twenty fields with two small objects. Accessors made per record for
    // mainPid/controlPid left each in dictionary mode: about 1.7 KiB instead of 0.5; without an empty
    // Set of timers for each (made when the unit first waits on one), 0.35–0.4.
    expect(perRecord).toBeLessThan(470);
    // The accessors still file a unit under its pids.
    kept[7]!.mainPid = 4242;
    kept[9]!.controlPid = 4243;
    expect(table.ownerOf(4242)).toBe(kept[7]);
    expect(table.ownerOf(4243)).toBe(kept[9]);
    kept[7]!.mainPid = 0;
    expect(table.ownerOf(4242)).toBeUndefined();
    expect({ ...kept[9]! }.controlPid).toBe(4243);
  });
});
