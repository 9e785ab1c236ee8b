// The signals a subscribed peer of the private socket receives while units are started, stopped,
// loaded and garbage-collected: one scenario run against real systemd 252 by
// scripts/record-dbus-signals.mjs (into test/fixtures/dbus/systemd-signals.json) and against svcd by
// test/e2e/dbus-signals.test.ts, so both are asked the same calls in the same order.
import { setTimeout } from 'node:timers';
/** The unit files the scenario needs (none is wanted at boot: each is loaded by a call). */
export const SIGNAL_UNITS = {
  'once.service': '[Service]\nType=oneshot\nExecStart=/bin/true\n',
  'web.service': '[Unit]\nDescription=A web server\n[Service]\nExecStart=/bin/sleep 600\n',
  'idle.service': '[Service]\nExecStart=/bin/sleep 600\n',
};

const MANAGER = ['/org/freedesktop/systemd1', 'org.freedesktop.systemd1.Manager'];
/** Values worth comparing; every other changed property is compared by name only. */
const KEY_VALUES = ['ActiveState', 'SubState', 'LoadState', 'State', 'Result'];

/**
 * Each step: a call, then the signal that ends it. UnitRemoved ends a step whose unit is left
 * with nothing to keep it in memory — systemd's garbage collection.
 */
export const SIGNAL_STEPS = [
  { call: ['StartUnit', 'ss', ['once.service', 'replace']], until: 'UnitRemoved once.service' },
  { call: ['StartUnit', 'ss', ['web.service', 'replace']], until: 'JobRemoved web.service' },
  { call: ['StopUnit', 'ss', ['web.service', 'replace']], until: 'UnitRemoved web.service' },
  { call: ['LoadUnit', 's', ['idle.service']], until: 'UnitRemoved idle.service' },
];

/** A unit's object path label back to its name (systemd escapes each byte outside [A-Za-z0-9] as _xx). */
const unescapeLabel = (s) => s.replace(/_([0-9a-f]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));

/** Whether signal `text` is the one a step waits for ("JobRemoved web.service" matches "JobRemoved J2 web.service done"). */
const ends = (text, until) => {
  const [member, unit] = until.split(' ');
  const words = text.split(' ');
  return words[0] === member && words.includes(unit);
};

/**
 * Runs the steps over `peer` (scripts/dbus-peer-client.mjs) and returns the signals, normalized:
 * job ids numbered in order of appearance (J1, J2, …), objects named by unit or job.
 */
export async function runSignalScenario(peer, timeoutMs = 20000, log = () => {}) {
  const jobs = new Map();
  const job = (id) => {
    if (!jobs.has(id)) jobs.set(id, `J${jobs.size + 1}`);
    return jobs.get(id);
  };
  const objectName = (path) => {
    const u = /^\/org\/freedesktop\/systemd1\/unit\/(.+)$/.exec(path);
    if (u) return unescapeLabel(u[1]);
    // A job counts once JobNew named one of the scenario's units.
    const j = /^\/org\/freedesktop\/systemd1\/job\/(\d+)$/.exec(path);
    if (j) return jobs.get(Number(j[1])) ?? path;
    return path;
  };
  const seen = [];
  let waitingFor;
  const off = peer.onSignal((m) => {
    const normalized = normalize(m, objectName, job);
    if (normalized === undefined) return;
    // systemctl's own matches (is-system-running --wait's StartupFinished) ask for this sender.
    const rec = { ...normalized, sender: m.sender ?? null };
    seen.push(rec);
    log(rec.text);
    if (waitingFor && ends(rec.text, waitingFor.text)) waitingFor.resolve();
  });
  try {
    log('Subscribe');
    const r = await peer.call(MANAGER[0], MANAGER[1], 'Subscribe');
    if (r.type === peer.MessageType.error) throw new Error(`Subscribe: ${r.errorName}`);
    for (const step of SIGNAL_STEPS) {
      seen.push({ text: `-- ${step.call[0]} ${step.call[2][0]}` });
      log(seen.at(-1).text);
      const reached = new Promise((resolve, reject) => {
        waitingFor = { text: step.until, resolve };
        setTimeout(() => reject(new Error(`no "${step.until}" within ${timeoutMs} ms; seen:\n${seen.map((s) => s.text).join('\n')}`)), timeoutMs).unref();
      });
      const answer = await peer.call(MANAGER[0], MANAGER[1], step.call[0], step.call[1], step.call[2]);
      if (answer.type === peer.MessageType.error) throw new Error(`${step.call[0]}: ${answer.errorName} ${answer.body[0]}`);
      await reached;
    }
  } finally {
    off();
  }
  return seen;
}

/** Only the scenario's units and their jobs; a PropertiesChanged keeps its names and a few values. */
function normalize(m, objectName, job) {
  const unitOf = (name) => Object.hasOwn(SIGNAL_UNITS, name);
  if (m.path === MANAGER[0] && m.interface === MANAGER[1]) {
    const [a, , c, d] = m.body;
    switch (m.member) {
      case 'UnitNew': case 'UnitRemoved':
        return unitOf(a) ? { text: `${m.member} ${a}` } : undefined;
      case 'JobNew':
        return unitOf(c) ? { text: `JobNew ${job(a)} ${c}` } : undefined;
      case 'JobRemoved':
        return unitOf(c) ? { text: `JobRemoved ${job(a)} ${c} ${d}` } : undefined;
      default: return undefined;
    }
  }
  if (m.member !== 'PropertiesChanged') return undefined;
  const who = objectName(m.path);
  if (!unitOf(who) && !/^J\d+$/.test(who)) return undefined;
  const [iface, changed, invalidated] = m.body;
  const values = {};
  for (const [name, v] of changed) if (KEY_VALUES.includes(name)) values[name] = v[1][0]; // the raw reader's variant: [[type], [value]]
  const shortIface = iface.replace(/^org\.freedesktop\.systemd1\./, '');
  return {
    text: `PropertiesChanged ${who} ${shortIface} ${Object.entries(values).map(([k, v]) => `${k}=${v}`).join(' ')}`.trimEnd(),
    iface,
    changed: changed.map(([name]) => name).sort(),
    invalidated: [...invalidated].sort(),
  };
}
