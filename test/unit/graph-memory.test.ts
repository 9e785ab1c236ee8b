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
    // With two Sets for the two halves of every edge's origin a service cost 14 KiB here; 3.9 as bits
    // in a Map per line (with a Set per kind for the edges); 1.7 with each line one flat array.
    expect(perService).toBeLessThan(2.5 * 1024);
    expect(g.origins('m7.service', 'WantedBy', 'x.target')).toEqual({ origin: new Set(), destination: new Set(['file']) });
    expect(g.origins('x.target', 'Wants', 'm7.service')).toEqual({ origin: new Set(['file']), destination: new Set() });
    // The target's lines are long (one Map for their lookups), the services' short (scanned).
    const wants = g.deps('x.target', 'Wants');
    expect(wants.size).toBe(n);
    expect(wants.has('m1999.service') && !wants.has('x.target')).toBe(true);
    expect([...wants].slice(0, 2)).toEqual(['m0.service', 'm1.service']);
    expect(g.hasAtom('m5.service', 'after', 'sysinit.target')).toBe(true);
    expect([...g.deps('m5.service', 'After')]).toEqual(['system.slice', 'sysinit.target', 'basic.target']);
    // What a unit names (References=, the GC's walk), not the target that names it.
    expect([...g.references('m5.service')].sort()).toEqual(['basic.target', 'shutdown.target', 'sysinit.target', 'system.slice']);
    expect([...g.references('x.target')]).toHaveLength(n + 1);
    // deps() sees an edge added after it was asked, as the Set it replaced did.
    const before5 = g.deps('m5.service', 'Before');
    g.add('m5.service', 'Before', 'm6.service');
    expect(before5.has('m6.service') && g.deps('m6.service', 'After').has('m5.service')).toBe(true);
  });
});
