#!/usr/bin/env node
// Records the signals real systemd 252 sends a subscribed peer of /run/systemd/private while the
// scenario of test/support/dbus-signal-scenario.mjs starts, stops, loads and garbage-collects units
// (UnitNew, UnitRemoved, JobNew, JobRemoved, PropertiesChanged on units and jobs) into
// test/fixtures/dbus/systemd-signals.json, for test/e2e/dbus-signals.test.ts.
//
//   node scripts/record-dbus-signals.mjs          boots systemd-ns, records, stops it (`npm run build` first)
//   node scripts/record-dbus-signals.mjs --inside (run inside the namespace by the above)
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { setTimeout } from 'node:timers';
import { fileURLToPath } from 'node:url';
import { connectPeer } from './dbus-peer-client.mjs';
import { SIGNAL_UNITS, runSignalScenario } from '../test/support/dbus-signal-scenario.mjs';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const tools = process.env.SYSTEMD_NS_DIR ?? '/work/shared/tools/systemd-ns';
const out = join(repo, 'test/fixtures/dbus/systemd-signals.json');

async function inside() {
  // A systemd that never answers must not keep the recording waiting for ever.
  setTimeout(() => { process.stderr.write('timed out\n'); process.exit(3); }, 60000).unref();
  process.stderr.write('connecting\n');
  const peer = await connectPeer('/run/systemd/private');
  const seen = await runSignalScenario(peer, 20000, (line) => process.stderr.write(`${line}\n`));
  peer.close();
  process.stdout.write(JSON.stringify(seen));
}

function record() {
  const units = mkdtempSync(join(tmpdir(), 'dbus-signals-units-'));
  for (const [name, text] of Object.entries(SIGNAL_UNITS)) writeFileSync(join(units, name), text);
  const pid = execFileSync(join(tools, 'systemd-ns.sh'), ['--console', 'null', units, 'multi-user.target'], { encoding: 'utf8' }).trim();
  try {
    const r = spawnSync(join(tools, 'systemd-ns-exec.sh'), [pid, process.execPath, fileURLToPath(import.meta.url), '--inside'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    const signals = JSON.parse(r.stdout);
    const version = spawnSync(join(tools, 'systemd-ns-exec.sh'), [pid, 'systemctl', 'show', '-p', 'Version', '--value'], { encoding: 'utf8' }).stdout.trim();
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify({ recordedFrom: `systemd ${version}`, signals }, null, 1)}\n`);
    process.stderr.write(`wrote ${out}: ${signals.length} signals\n`);
  } finally {
    spawnSync(join(tools, 'systemd-ns.sh'), ['--stop', pid]);
    rmSync(units, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--inside') await inside();
else record();
