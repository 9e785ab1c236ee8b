// What the dependency graph costs the heap per service: every loaded unit's edges are kept with
// where each came from (dump's "origin-file destination-default"), about twenty per service and as
// many again on the units at their other ends. Measured in this process with V8's own gc()
// (exposed for the test) around the graph built, never timed.
import { describe, expect, it } from 'vitest';
import { liveHeapBytes } from '../support/heap.js';
import { Graph } from '../../src/graph/graph.js';
import { fakeLookup, fakeUnit } from '../support/fake-units.js';

describe('the graph of 2,000 services wanted by a target', () => {
  it('costs a few KiB per service, and still says where each edge came from', () => {
    const n = 2000;
    const services = Array.from({ length: n }, (_, i) => fakeUnit(`m${i}.service`));
    const target = fakeUnit('x.target', { deps: { Wants: services.map((s) => s.id) } });
    const lookup = fakeLookup([...services, target]);
    const before = liveHeapBytes();
    const g = Graph.build(['x.target'], lookup);
    const perService = (liveHeapBytes() - before) / n;
    // With two Sets for the two halves of every edge's origin a service cost 14 KiB here; 3.9 as bits.
    expect(perService).toBeLessThan(6 * 1024);
    expect(g.origins('m7.service', 'WantedBy', 'x.target')).toEqual({ origin: new Set(), destination: new Set(['file']) });
    expect(g.origins('x.target', 'Wants', 'm7.service')).toEqual({ origin: new Set(['file']), destination: new Set() });
  });
});
