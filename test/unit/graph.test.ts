// The graph's rules, each checked against the sentence of the man page that states it (systemd 252:
// systemd.unit(5), systemd.service(5), systemd.target(5), systemd.slice(5), systemd.socket(5)).
// graph-differential.test.ts compares the same code with what real systemd showed for 35 units.
import { describe, expect, it } from 'vitest';
import { ALL_KINDS, FORWARD_KINDS, KIND_ATOMS, KINDS_WITH_ATOM, REVERSE } from '../../src/graph/atoms.js';
import { Graph, defaultSliceOf, parentSliceOf } from '../../src/graph/graph.js';
import { fakeLookup, fakeUnit, type FakeUnitInput } from '../support/fake-units.js';

const graphOf = (units: Record<string, FakeUnitInput>, roots = Object.keys(units)) =>
  Graph.build(roots, fakeLookup(Object.entries(units).map(([id, u]) => fakeUnit(id, u))));
const sorted = (s: ReadonlySet<string>) => [...s].sort();

describe('atoms', () => {
  it('pairs every kind with a reverse, and the reverse of the reverse is the kind', () => {
    for (const k of ALL_KINDS) expect(REVERSE[REVERSE[k]], k).toBe(k);
    expect(REVERSE.Requires).toBe('RequiredBy');
    expect(REVERSE.Before).toBe('After');
    expect(REVERSE.PartOf).toBe('ConsistsOf');
    expect(REVERSE.Upholds).toBe('UpheldBy');
    expect(REVERSE.OnFailure).toBe('OnFailureOf');
    expect(REVERSE.PropagatesReloadTo).toBe('ReloadPropagatedFrom');
    expect(REVERSE.Requisite).toBe('RequisiteOf');
  });
  it('maps kinds to the behaviour systemd.unit(5) describes', () => {
    // "Requires=: … if this unit gets activated, the units listed will be activated as well"
    expect(KIND_ATOMS.Requires).toContain('pull-in-start');
    // Wants=: "a weaker version of Requires=": pulled in, failure does not matter
    expect(KIND_ATOMS.Wants).toContain('pull-in-start-ignored');
    expect(KIND_ATOMS.Wants).not.toContain('pull-in-start');
    // Requisite=: "if the units listed are not started already, they will not be started"
    expect(KIND_ATOMS.Requisite).toEqual(expect.arrayContaining(['pull-in-verify']));
    expect(KIND_ATOMS.Requisite).not.toContain('pull-in-start');
    // "If one of the other units is explicitly stopped (or restarted), this unit will be stopped (or restarted) too"
    for (const k of ['RequiredBy', 'BoundBy', 'ConsistsOf', 'RequisiteOf'] as const) expect(KIND_ATOMS[k]).toEqual(expect.arrayContaining(['propagate-stop', 'propagate-restart']));
    expect(KIND_ATOMS.WantedBy).not.toContain('propagate-stop');
    // BindsTo=: "if the unit bound to is stopped (or enters inactive state for any reason) this unit will be stopped too"
    expect(KIND_ATOMS.BindsTo).toContain('cannot-be-active-without');
    expect(KIND_ATOMS.BoundBy).toContain('retroactive-stop-on-stop');
    // PartOf=: only stop and restart propagation, no pulling in
    expect(KIND_ATOMS.PartOf).toEqual([]);
    // Conflicts=: a start of one stops the other, both ways
    expect(KIND_ATOMS.Conflicts).toContain('pull-in-stop');
    expect(KIND_ATOMS.ConflictedBy).toContain('pull-in-stop-ignored');
    // Ordering is its own atom and nothing else pulls or orders.
    expect(KINDS_WITH_ATOM.after).toEqual(['After']);
    expect(KINDS_WITH_ATOM.before).toEqual(['Before']);
  });
  it('gives every forward kind written in unit files a row', () => {
    for (const k of FORWARD_KINDS) expect(KIND_ATOMS[k], k).toBeDefined();
  });
});

describe('edges and reverse edges', () => {
  it('stores the reverse of every edge and resolves aliases to the canonical id', () => {
    const g = graphOf({ 'a.service': { deps: { Requires: 'alias.service' } }, 'b.service': { names: ['b.service', 'alias.service'] } }, ['a.service']);
    expect(sorted(g.deps('a.service', 'Requires'))).toContain('b.service');
    expect(sorted(g.deps('b.service', 'RequiredBy'))).toEqual(['a.service']);
    expect(g.resolve('alias.service')).toBe('b.service');
  });
  it('keeps units that did not load, with their load state', () => {
    const g = graphOf({ 'a.service': { deps: { Wants: 'gone.service' } } }, ['a.service']);
    expect(g.unit('gone.service')?.loadState).toBe('not-found');
    expect(sorted(g.deps('gone.service', 'WantedBy'))).toEqual(['a.service']);
  });
  it('drops edges to the unit itself', () => {
    const g = graphOf({ 'a.service': { deps: { After: 'a.service', Wants: 'a.service' } } });
    expect(g.deps('a.service', 'After').has('a.service')).toBe(false);
  });
});

describe('implicit and default dependencies', () => {
  it('services: Requires=/After= sysinit.target, After= basic.target, Conflicts=/Before= shutdown.target (systemd.service(5))', () => {
    const g = graphOf({ 'a.service': {} });
    expect(sorted(g.deps('a.service', 'Requires'))).toEqual(['sysinit.target', 'system.slice']);
    expect(sorted(g.deps('a.service', 'After'))).toEqual(['basic.target', 'sysinit.target', 'system.slice']);
    expect(sorted(g.deps('a.service', 'Conflicts'))).toEqual(['shutdown.target']);
    expect(sorted(g.deps('a.service', 'Before'))).toEqual(['shutdown.target']);
  });
  it('services with DefaultDependencies=no keep only their slice', () => {
    const g = graphOf({ 'a.service': { defaultDependencies: false } });
    expect(sorted(g.deps('a.service', 'Requires'))).toEqual(['system.slice']);
    expect(sorted(g.deps('a.service', 'Conflicts'))).toEqual([]);
  });
  it('services log to the journal: After=systemd-journald.socket (systemd.exec(5))', () => {
    const g = graphOf({ 'a.service': { exec: { logsToJournal: true } } });
    expect(g.deps('a.service', 'After').has('systemd-journald.socket')).toBe(true);
  });
  it('Type=dbus services: Requires=/After= dbus.socket; Sockets=: Wants=/After=', () => {
    const g = graphOf({ 'a.service': { service: { type: 'dbus' } } });
    expect(g.deps('a.service', 'Requires').has('dbus.socket')).toBe(true);
    expect(g.deps('a.service', 'After').has('dbus.socket')).toBe(true);
  });
  it('template instances go to the slice named after the template; Slice= overrides', () => {
    expect(defaultSliceOf('getty@tty1.service')).toBe('system-getty.slice');
    expect(defaultSliceOf('my-app@1.service')).toBe('system-my\\x2dapp.slice');
    expect(defaultSliceOf('a.service')).toBe('system.slice');
    const g = graphOf({ 'a.service': { exec: { slice: 'custom.slice', logsToJournal: false } } });
    expect(sorted(g.deps('a.service', 'Requires'))).toContain('custom.slice');
  });
  it('slices: Requires=/After= the parent slice (systemd.slice(5))', () => {
    expect(parentSliceOf('a-b-c.slice')).toBe('a-b.slice');
    expect(parentSliceOf('system.slice')).toBe('-.slice');
    expect(parentSliceOf('-.slice')).toBeUndefined();
    const g = graphOf({ 'a-b.slice': {}, 'a.slice': {} });
    expect(sorted(g.deps('a-b.slice', 'Requires'))).toEqual(['a.slice']);
    expect(sorted(g.deps('a.slice', 'Requires'))).toEqual(['-.slice']);
  });
  it('targets: Conflicts=/Before= shutdown.target, and After= what they want or require (systemd.target(5))', () => {
    const g = graphOf({ 'x.target': { deps: { Wants: 'a.service', Requires: 'b.service', Requisite: 'e.service' } }, 'a.service': {}, 'b.service': {}, 'e.service': {} });
    expect(sorted(g.deps('x.target', 'After'))).toEqual(['a.service', 'b.service', 'e.service']);
    expect(sorted(g.deps('x.target', 'Conflicts'))).toEqual(['shutdown.target']);
  });
  it('targets: no After= on units with DefaultDependencies=no, nor when the target has it off, nor against a Before=', () => {
    const g = graphOf({
      'x.target': { deps: { Wants: 'a.service b.service c.service', Before: 'c.service' } },
      'y.target': { defaultDependencies: false, deps: { Wants: 'b.service' } },
      'a.service': { defaultDependencies: false }, 'b.service': {}, 'c.service': {},
    });
    expect(sorted(g.deps('x.target', 'After'))).toEqual(['b.service']);
    expect(sorted(g.deps('y.target', 'After'))).toEqual([]);
  });
  it('targets: the After= appears whichever side is loaded first', () => {
    // a.service is loaded alone first, then a target that wants it, in a later batch.
    const g = Graph.build(['a.service'], fakeLookup([fakeUnit('a.service'), fakeUnit('x.target', { deps: { Wants: 'a.service' } })]));
    expect(g.unit('x.target')).toBeUndefined();
    g.load(['x.target']);
    expect(g.deps('x.target', 'After').has('a.service')).toBe(true);
  });
  it('sockets: Before= sockets.target and the service they activate (systemd.socket(5))', () => {
    const g = graphOf({ 'a.socket': { exec: { logsToJournal: false } }, 'a.service': {} });
    expect(sorted(g.deps('a.socket', 'Before'))).toEqual(['a.service', 'shutdown.target', 'sockets.target']);
    expect(sorted(g.deps('a.socket', 'Requires'))).toEqual(['sysinit.target', 'system.slice']);
  });
  it('an Accept=yes socket triggers no service: its instances are made per connection (socket_add_extras)', () => {
    const g = graphOf({ 'a.socket': { acceptsOnly: true }, 'a.service': {} });
    expect(sorted(g.deps('a.socket', 'Triggers'))).toEqual([]);
    expect(sorted(g.deps('a.socket', 'Before'))).toEqual(['shutdown.target', 'sockets.target']);
  });
  it('timers and paths: Triggers=/Before= their unit, Before= timers.target/paths.target; OnCalendar= waits for the clock (systemd.timer(5), systemd.path(5))', () => {
    const g = graphOf({ 't.timer': { onCalendar: true, triggers: { unit: 'job.service' } }, 'u.timer': {}, 'p.path': {} });
    expect(sorted(g.deps('t.timer', 'Triggers'))).toEqual(['job.service']);
    expect(sorted(g.deps('t.timer', 'Before'))).toEqual(['job.service', 'shutdown.target', 'timers.target']);
    expect(sorted(g.deps('t.timer', 'After'))).toEqual(['sysinit.target', 'time-set.target', 'time-sync.target']);
    expect(sorted(g.deps('u.timer', 'After'))).toEqual(['sysinit.target']);
    expect(sorted(g.deps('u.timer', 'Triggers'))).toEqual(['u.service']);
    expect(sorted(g.deps('p.path', 'Before'))).toEqual(['p.service', 'paths.target', 'shutdown.target']);
  });
  it('answers atom queries over all kinds that carry the atom', () => {
    const g = graphOf({ 'a.service': { deps: { Requires: 'b.service', BindsTo: 'c.service', Wants: 'd.service' } }, 'b.service': {}, 'c.service': {}, 'd.service': {} });
    expect(sorted(g.withAtom('a.service', 'pull-in-start'))).toEqual(['b.service', 'c.service', 'sysinit.target', 'system.slice']);
    expect(sorted(g.withAtom('b.service', 'propagate-stop'))).toEqual(['a.service']);
    expect(g.hasAtom('c.service', 'retroactive-stop-on-stop', 'a.service')).toBe(true);
  });
});

// A name looked up that did not load is kept only while something refers to it: the garbage
// collector drops it (and the manager's names with it), so names clients ask about do not pile up.
describe('forgetting a unit', () => {
  const u = { 'a.service': { deps: { Wants: 'wanted-missing.service' } } };
  it('drops a name that did not load and that nothing refers to, with its alias; looked up again, it loads afresh', () => {
    const g = graphOf(u);
    const size = g.size;
    expect(g.resolve('asked.service')).toBe('asked.service');
    expect(g.size).toBe(size + 1);
    expect(g.forget('asked.service')).toBe(true);
    expect([g.size, g.unit('asked.service')]).toEqual([size, undefined]);
    expect(g.resolve('asked.service')).toBe('asked.service');
  });
  it('keeps a unit with edges either way: a missing unit something wants, and a loaded one', () => {
    const g = graphOf(u);
    expect(g.forget('wanted-missing.service')).toBe(false);
    expect(sorted(g.deps('a.service', 'Wants'))).toEqual(['wanted-missing.service']);
    expect(g.forget('a.service')).toBe(false);
    expect(g.unit('a.service')?.loadState).toBe('loaded');
  });
});

// systemd.unit(5), RequiresMountsFor=: "Automatically adds dependencies of type Requires= and After=
// for all mount units required to access the specified path" — After= on each mount unit in memory
// of the path's prefixes, Requires= only on one with a file of its own; and a mount unit loaded
// later gets the same edges from the units already waiting for a path under it.
describe('RequiresMountsFor=', () => {
  const units = {
    '-.mount': { perpetual: true },
    'var.mount': { hasFragment: true },
    'a.target': { requiresMountsFor: [{ path: '/var/lib/a', origin: 'file' as const }], defaultDependencies: false },
  };
  it('orders after the mounts of every prefix that is loaded, requiring only those with a file', () => {
    const g = graphOf(units, ['-.mount', 'var.mount', 'a.target']);
    expect(sorted(g.deps('a.target', 'After'))).toEqual(['-.mount', 'var.mount']);
    expect(sorted(g.deps('a.target', 'Requires'))).toEqual(['var.mount']);
    expect(g.origins('a.target', 'After', 'var.mount')).toEqual({ origin: new Set(['file']), destination: new Set() });
    expect(g.origins('var.mount', 'Before', 'a.target')).toEqual({ origin: new Set(), destination: new Set(['file']) });
  });
  it('a mount unit loaded after the unit gets the edges as well; a path no mount unit covers adds nothing', () => {
    const g = graphOf(units, ['-.mount', 'a.target']);
    expect(sorted(g.deps('a.target', 'After'))).toEqual(['-.mount']);
    g.resolve('var.mount');
    expect(sorted(g.deps('a.target', 'After'))).toEqual(['-.mount', 'var.mount']);
    expect(sorted(g.references('a.target'))).toEqual(['-.mount', 'var.mount']);
  });
});

// systemd-analyze dump's "(origin-… destination-…)": a file's edge is the file's on one end and the
// destination's on the other; a default dependency is default; a slice membership a slice property.
describe('where each dependency came from', () => {
  it('keeps the origin of every edge on both ends, References= and InSlice= among them', () => {
    const g = graphOf({ 'web.service': { deps: { Requires: 'db.service' } }, 'db.service': {}, 'system.slice': {}, '-.slice': {} }, ['web.service']);
    const line = (id: string) => g.dependencyLines(id).map(([l, o, m]) => `${l} ${o} ${[...m.origin].join(',')}/${[...m.destination].join(',')}`);
    expect(line('web.service')).toEqual(expect.arrayContaining([
      'Requires db.service file/', 'Requires system.slice file/', 'Requires sysinit.target default/', 'Conflicts shutdown.target default/',
      'References system.slice file,slice-property/', 'InSlice system.slice slice-property/',
    ]));
    expect(line('db.service')).toEqual(expect.arrayContaining(['RequiredBy web.service /file', 'ReferencedBy web.service /file']));
    expect(line('system.slice')).toEqual(expect.arrayContaining(['SliceOf web.service /slice-property', 'InSlice -.slice implicit/']));
  });
});
