// The signals a subscribed peer of svcd's private socket receives while units are started,
// stopped, loaded and garbage-collected, against those real systemd 252 sent for the same calls
// (scripts/record-dbus-signals.mjs → test/fixtures/dbus/systemd-signals.json): UnitNew and
// UnitRemoved as units enter and leave memory, JobNew/JobRemoved, PropertiesChanged on units (kind
// interface first, then Unit, one per state passed through) and on jobs (State), in systemd's order.
// How many PropertiesChanged a turn of either event loop merges differs, so the comparison is of
// what a client can rely on: the Manager's signals exactly, each object's sequence of states, and
// the order of the milestones around them.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTree } from '../support/tree.mjs';
import { bootInNamespace, type SvcdInNamespace } from '../support/svcd-ns.js';
import { SIGNAL_UNITS, runSignalScenario, type SignalPeer, type SignalRecord } from '../support/dbus-signal-scenario.mjs';
// @ts-expect-error -- a plain .mjs script without declarations; connectPeer(socket) → SignalPeer
import { connectPeer } from '../../scripts/dbus-peer-client.mjs';
import { SERVICE_PROPERTIES, UNIT_PROPERTIES } from '../../src/control/property-table.js';

const oracle = JSON.parse(readFileSync(join(__dirname, '../fixtures/dbus/systemd-signals.json'), 'utf8')) as { signals: SignalRecord[] };

let dir = '';
let svcd: SvcdInNamespace;
let ours: SignalRecord[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'svcd-dbus-signals-'));
  buildTree(join(dir, 'units'), { files: { ...SIGNAL_UNITS, 'x.target': '[Unit]\nDescription=Nothing wanted\n' } });
  svcd = await bootInNamespace(dir, join(dir, 'units'), 'x.target');
  const peer = (await connectPeer(join(svcd.run, 'systemd', 'private'))) as SignalPeer & { close(): void };
  try {
    ours = await runSignalScenario(peer, 15000);
  } finally {
    peer.close();
  }
}, 60_000);

afterAll(async () => {
  await svcd?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const words = (r: SignalRecord) => r.text.split(' ');
/** The Manager's signals and the step markers, in order. */
const managerSignals = (rs: readonly SignalRecord[]) => rs.filter((r) => !r.text.startsWith('PropertiesChanged')).map((r) => r.text);
/** One object's PropertiesChanged of one interface, as its successive values (repeats merged). */
function states(rs: readonly SignalRecord[], who: string, iface: string): string[] {
  const out: string[] = [];
  for (const r of rs) {
    const [member, object, shortIface, ...values] = words(r);
    if (member !== 'PropertiesChanged' || object !== who || shortIface !== iface) continue;
    const v = values.join(' ');
    if (out.at(-1) !== v) out.push(v);
  }
  return out;
}
/** The milestones of one object: Manager signals about it and the changes of its state, in order. */
function milestones(rs: readonly SignalRecord[], unit: string): string[] {
  const out: string[] = [];
  let last = '';
  for (const r of rs) {
    const w = words(r);
    if (w[0] !== 'PropertiesChanged') {
      if (w.includes(unit)) out.push(w.slice(0, w[0]!.startsWith('Job') ? 3 : 2).join(' '));
      continue;
    }
    const jobOfUnit = rs.some((x) => x.text.startsWith(`JobNew ${w[1]} ${unit}`));
    if (w[1] === unit && w[2] === 'Unit' && w.slice(3).join(' ') !== last) out.push(`state ${(last = w.slice(3).join(' '))}`);
    if (jobOfUnit) out.push(`job ${w[1]} ${w.slice(3).join(' ')}`);
  }
  return out;
}

describe('signals to a subscribed peer, as systemd 252 sends them', () => {
  it('UnitNew, JobNew, JobRemoved and UnitRemoved: the same, in the same order', () => {
    expect(managerSignals(ours)).toEqual(managerSignals(oracle.signals));
  });

  it('every signal names org.freedesktop.systemd1 as its sender, which systemctl is-system-running --wait matches on', () => {
    const senders = (rs: readonly SignalRecord[]) => new Set(rs.filter((r) => !r.text.startsWith('--')).map((r) => r.sender));
    expect(senders(ours)).toEqual(senders(oracle.signals));
  });

  it('each unit passes through the same states, each job the same, in the same order around the Manager\'s signals', () => {
    for (const unit of Object.keys(SIGNAL_UNITS)) {
      expect(states(ours, unit, 'Unit'), unit).toEqual(states(oracle.signals, unit, 'Unit'));
      expect(milestones(ours, unit), unit).toEqual(milestones(oracle.signals, unit));
    }
    for (const job of ['J1', 'J2', 'J3']) expect(states(ours, job, 'Job'), job).toEqual(states(oracle.signals, job, 'Job'));
  });

  it('a service\'s PropertiesChanged of org.freedesktop.systemd1.Service comes just before each one of Unit', () => {
    // The step markers ("-- NAME") are the client's own notes, written when it begins a step: one
    // can fall between two signals that arrived in separate reads, so they are not looked at.
    const pairs = (all: readonly SignalRecord[]) => {
      const rs = all.filter((r) => !r.text.startsWith('--'));
      return rs.flatMap((r, i) => (r.text.startsWith('PropertiesChanged') && words(r)[2] === 'Unit' ? [`${words(rs[i - 1]!)[0]} ${words(rs[i - 1]!)[2]}`] : []));
    };
    expect(new Set(pairs(ours))).toEqual(new Set(['PropertiesChanged Service']));
    expect(new Set(pairs(oracle.signals))).toEqual(new Set(['PropertiesChanged Service']));
  });

  it('carries what systemd carries: every changed or invalidated name is one systemd sends so, and none of systemd\'s that svcd serves is missing', () => {
    for (const iface of ['org.freedesktop.systemd1.Unit', 'org.freedesktop.systemd1.Service', 'org.freedesktop.systemd1.Job']) {
      const theirs = oracle.signals.find((r) => r.iface === iface)!;
      const mine = ours.find((r) => r.iface === iface);
      expect(mine, iface).toBeDefined();
      expect(mine!.changed!.filter((n) => !theirs.changed!.includes(n)), `${iface}: changed, not by systemd`).toEqual([]);
      expect(mine!.invalidated!.filter((n) => !theirs.invalidated!.includes(n)), `${iface}: invalidated, not by systemd`).toEqual([]);
      const served = new Set([...UNIT_PROPERTIES, ...SERVICE_PROPERTIES].filter((r) => r.iface === iface).map((r) => r.name));
      expect(theirs.changed!.filter((n) => served.has(n) && !mine!.changed!.includes(n)), `${iface}: changed by systemd, not by svcd`).toEqual([]);
      expect(theirs.invalidated!.filter((n) => served.has(n) && !mine!.invalidated!.includes(n)), `${iface}: invalidated by systemd, not by svcd`).toEqual([]);
    }
  });
});
